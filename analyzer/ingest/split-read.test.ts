import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Analyzer from '../index.js';
import type { Span } from '../model/span.js';
import { readLinesFrom, tailOrReadHere } from './read-file.js';
import { ingest } from './index.js';
import { toOtlpJson } from './testing/write-formats.js';
import { sid } from './testing/spans.js';

// The worker is the bundle's (dist/tail-worker.js, built by the test setup): the split is tested through dist.
const dist = (await import(new URL('../../dist/analyzer.js', import.meta.url).href)) as typeof Analyzer;

const T0 = 1_700_000_000_000_000;

/** One request trace per line: a server span over a query with an event, a fetch and a lock wait. */
function traceLine(i: number): string {
  const traceId = (i + 1).toString(16).padStart(32, '0');
  const t = T0 + i * 10_000;
  const base = { traceId, language: 'nodejs' as const, service: 'api', pid: 7, status: 'unset' as const, links: [] };
  const spans: Span[] = [
    { ...base, spanId: sid(i * 4 + 1), name: 'GET /users/:id', kind: 'server', startUs: t, endUs: t + 9_000, attributes: { 'http.route': '/users/:id', 'http.response.status_code': 200 }, events: [] },
    { ...base, spanId: sid(i * 4 + 2), parentSpanId: sid(i * 4 + 1), name: 'pg.query', kind: 'client', scope: '@opentelemetry/instrumentation-pg', startUs: t + 500, endUs: t + 4_000, attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM users WHERE id = ${i}` }, events: [{ name: 'retry', timeUs: t + 600, attributes: { attempt: 2 } }] },
    { ...base, spanId: sid(i * 4 + 3), parentSpanId: sid(i * 4 + 1), name: 'GET', kind: 'client', startUs: t + 4_100, endUs: t + 8_000, attributes: { 'url.full': `http://profile/users/${i}?token=s3cret`, flags: [1, 2] }, events: [] },
    { ...base, spanId: sid(i * 4 + 4), parentSpanId: sid(i * 4 + 1), name: 'mutex.wait', kind: 'internal', startUs: t + 8_000, endUs: t + 8_900, attributes: { 'lock.name': 'cache' }, events: [], status: 'error', statusMessage: 'timeout' },
  ];
  return JSON.stringify(toOtlpJson(spans));
}

/** A file whose second half holds every kind of line a reader must account for. */
function mixedFile(dir: string): { path: string; lines: number } {
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) lines.push(traceLine(i));
  lines.push('{"resourceSpans": [', JSON.stringify({ hello: 'world' }), '', JSON.stringify({ t: 'gc', ts: T0, pid: 7, kind: 'minor', durUs: 800 }));
  for (let i = 60; i < 100; i++) lines.push(traceLine(i));
  const path = join(dir, 'traces.jsonl');
  writeFileSync(path, lines.join('\n') + '\n');
  return { path, lines: lines.length };
}

describe('split read: a large JSON Lines file read by two threads', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ts-split-'));
  const { path, lines } = mixedFile(dir);

  it('reads exactly what one thread reads: spans, warnings with whole-file line numbers, runtime, files', async () => {
    const workers: unknown[] = [];
    const count = (w: unknown) => workers.push(w);
    process.on('worker', count);
    try {
      const two = await dist.ingest([path], { splitMinBytes: 1 });
      await new Promise((r) => setImmediate(r)); // the 'worker' event comes on a later tick
      const split = availableParallelism() >= 2 ? 1 : 0; // one CPU: one reader, by design
      expect(workers).toHaveLength(split); // really split
      const one = await dist.ingest([path], { splitMinBytes: Number.POSITIVE_INFINITY });
      expect(workers).toHaveLength(split);
      expect(one.spans).toHaveLength(400);
      expect(two).toStrictEqual(one);
      expect(one.warnings.find((w) => w.code === 'bad-line')?.message).toContain('first at line 61');
      expect(one.runtime.gc).toHaveLength(1);
      // And so the same analysis.
      expect(dist.analyze(two, { createdAt: 'now' })).toEqual(dist.analyze(one, { createdAt: 'now' }));
    } finally {
      process.off('worker', count);
    }
  });

  it('refuses a file whose first line is not traces before starting a second reader', async () => {
    const bad = join(dir, 'not-traces.jsonl');
    writeFileSync(bad, [JSON.stringify({ hello: 1 }), ...Array.from({ length: 20 }, (_, i) => traceLine(i))].join('\n'));
    await expect(dist.ingest([bad], { splitMinBytes: 1 })).rejects.toThrow(/line 1 is JSON but not OTLP/);
  });

  it('the second reader, run on this thread (as when the worker fails), yields the tail of a whole read', async () => {
    const text = readFileSync(path, 'utf8');
    const cutLine = 70;
    let from = 0;
    for (let i = 0; i < cutLine; i++) from = text.indexOf('\n', from) + 1;
    const spans: Span[] = [];
    const tail = await readLinesFrom(path, from, () => undefined, (batch) => spans.push(...batch));
    const whole = await ingest([path], { splitMinBytes: Number.POSITIVE_INFINITY });
    expect(spans).toStrictEqual(whole.spans.slice(whole.spans.length - spans.length));
    expect(spans).toHaveLength(34 * 4);
    expect(tail.tally).toMatchObject({ lines: lines - cutLine, records: 34, spans: 136, bad: 0 });
  });

  it('when the worker fails, its half is read on this thread instead', async () => {
    const whole = await ingest([path], { splitMinBytes: Number.POSITIVE_INFINITY });
    const text = readFileSync(path, 'utf8');
    const from = text.indexOf('\n', text.length >> 1) + 1;
    const failed = Promise.reject(new Error('the reading worker stopped early (exit code 1)'));
    const tail = await tailOrReadHere(failed, path, from);
    expect(tail.spans.length).toBeGreaterThan(0);
    expect(tail.spans).toStrictEqual(whole.spans.slice(whole.spans.length - tail.spans.length));
  });
});
