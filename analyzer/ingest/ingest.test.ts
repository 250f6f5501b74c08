import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ingest, InputError } from './index.js';
import { comparable, toOtlpJson, writeAllFormats } from './testing/write-formats.js';
import { sid, span, TRACE_A, TRACE_B } from './testing/spans.js';
import type { Span } from '../model/span.js';
import { corpus, corporaSuite, HAVE_CORPORA } from '../../test/testing/corpora.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ts-ingest-'));

/** A small two-service trace exercising every field the three formats share. */
function sampleTrace(): Span[] {
  const t0 = 1_700_000_000_000_000;
  return [
    span({ spanId: sid(1), name: 'GET /users', kind: 'server', service: 'api', startUs: t0, endUs: t0 + 50_000, status: 'ok', scope: '@opentelemetry/instrumentation-http', attributes: { 'http.route': '/users', 'http.status_code': 200 }, pid: 41 }),
    span({ spanId: sid(2), parentSpanId: sid(1), name: 'SELECT users', kind: 'client', service: 'api', startUs: t0 + 1_000, endUs: t0 + 21_000, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM users', 'peer.service': 'pg' }, pid: 41, events: [{ name: 'retry', timeUs: t0 + 2_000, attributes: {} }] }),
    span({ spanId: sid(3), parentSpanId: sid(1), name: 'GET /profile', kind: 'client', service: 'api', startUs: t0 + 22_000, endUs: t0 + 45_000, status: 'error', statusMessage: 'timeout', pid: 41 }),
    span({ spanId: sid(4), parentSpanId: sid(3), name: 'GET /profile', kind: 'server', service: 'profile', language: 'python', startUs: t0 + 23_000, endUs: t0 + 44_000, status: 'error', attributes: { ok: false } }),
    span({ traceId: TRACE_B, spanId: sid(9), name: 'job', kind: 'consumer', service: 'worker', language: 'go', startUs: t0 + 100_000, endUs: t0 + 100_500 }),
  ];
}

describe.skipIf(!HAVE_CORPORA)(corporaSuite('ingest: corpora from other tools'), () => {
  it('reads the canonical OTLP example: upper-case ids, number timestamps, its orphan parent', async () => {
    const r = await ingest([corpus('otlp/trace.json')]);
    expect(r.spans).toHaveLength(1);
    const s = r.spans[0]!;
    expect(s.traceId).toBe('5b8efff798038103d269b633813fc60c');
    expect(s.spanId).toBe('eee19b7ec3c1b174');
    expect(s.parentSpanId).toBe('eee19b7ec3c1b173');
    expect(s.kind).toBe('server');
    expect(s.service).toBe('my.service');
    expect(s.scope).toBe('my.library');
    expect(s.endUs - s.startUs).toBe(1_000_000);
    expect(s.startUs).toBe(1544712660000000);
    expect(s.attributes['my.span.attr']).toBe('some value');
    expect(r.files).toEqual([{ path: corpus('otlp/trace.json'), format: 'otlp-json', spans: 1 }]);
    expect(r.partial).toBe(false);
  });

  it('reads every Zipkin corpus file and splits shared client/server span ids', async () => {
    const r = await ingest([corpus('zipkin')]);
    expect(r.files.map((f) => f.format)).toEqual(Array(7).fill('zipkin-json'));
    const skew = r.spans.filter((s) => s.traceId === '1e223ff1f80f1c69');
    expect(skew).toHaveLength(4);
    const ids = new Set(skew.map((s) => s.spanId));
    expect(ids.size).toBe(4); // the shared id 74280ae0c10d8062 now names only the client half
    const client = skew.find((s) => s.spanId === '74280ae0c10d8062')!;
    const server = skew.find((s) => s.kind === 'server' && s.name === 'post')!;
    expect(client.kind).toBe('client');
    expect(server.parentSpanId).toBe(client.spanId);
    const async = skew.find((s) => s.name === 'async')!;
    expect(async.parentSpanId).toBe(server.spanId); // recorded by serviceb, the server's side
    expect(r.warnings.some((w) => w.code === 'zipkin-shared-split')).toBe(true);
  });
});

describe('ingest: the same trace in OTLP, Jaeger and Zipkin', () => {
  it('yields equal normalized spans from each format', async () => {
    const dir = tmp();
    const spans = sampleTrace();
    const paths = writeAllFormats(dir, spans);
    for (const format of ['otlp', 'jaeger', 'zipkin'] as const) {
      const r = await ingest([paths[format]]);
      expect(comparable(r.spans, format), format).toEqual(comparable(spans, format));
      expect(r.files[0]!.format).toBe(`${format}-json`);
    }
  });

  it('carries followsFrom through Jaeger FOLLOWS_FROM references, and reads a bare Jaeger trace', async () => {
    const dir = tmp();
    const spans = sampleTrace().slice(0, 2);
    spans[1]!.followsFrom = true;
    const paths = writeAllFormats(dir, spans);
    const doc = JSON.parse(readFileSync(paths.jaeger, 'utf8')) as { data: unknown[] };
    const bare = join(dir, 'bare.json');
    writeFileSync(bare, JSON.stringify(doc.data[0]));
    const r = await ingest([bare]);
    expect(r.spans.find((s) => s.spanId === sid(2))!.followsFrom).toBe(true);
    expect(r.spans.find((s) => s.spanId === sid(1))!.followsFrom).toBeUndefined();
  });
});

describe('ingest: OTLP variants', () => {
  it('accepts base64 ids, string int64s, string kinds and status codes', async () => {
    const dir = tmp();
    const doc = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'b64' } }, { key: 'telemetry.sdk.language', value: { stringValue: 'python' } }, { key: 'process.pid', value: { intValue: '77' } }] },
          scopeSpans: [
            {
              scope: { name: 'opentelemetry.instrumentation.requests' },
              spans: [
                {
                  traceId: Buffer.from(TRACE_A, 'hex').toString('base64'),
                  spanId: Buffer.from(sid(5), 'hex').toString('base64'),
                  parentSpanId: '',
                  name: 'GET',
                  kind: 'SPAN_KIND_CLIENT',
                  startTimeUnixNano: '1700000000123456789',
                  endTimeUnixNano: '1700000000125456789',
                  status: { code: 'STATUS_CODE_ERROR', message: 'boom' },
                  attributes: [{ key: 'n', value: { intValue: '3' } }, { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { doubleValue: 1.5 }] } } }],
                },
              ],
            },
          ],
        },
      ],
    };
    const f = join(dir, 'export.bin');
    writeFileSync(f, JSON.stringify(doc, null, 2));
    const r = await ingest([f]);
    const s = r.spans[0]!;
    expect(s).toMatchObject({ traceId: TRACE_A, spanId: sid(5), kind: 'client', status: 'error', statusMessage: 'boom', service: 'b64', language: 'python', pid: 77, scope: 'opentelemetry.instrumentation.requests' });
    expect(s.parentSpanId).toBeUndefined();
    expect(s.startUs).toBeCloseTo(1700000000123456.789, 3);
    expect(s.endUs - s.startUs).toBeCloseTo(2000, 6);
    expect(s.attributes).toEqual({ n: 3, list: ['a', 1.5] });
  });

  it("reads Tempo's {batches} and Jaeger api/v3's {result} wrappings of OTLP", async () => {
    const dir = tmp();
    const spans = sampleTrace();
    const otlp = toOtlpJson(spans) as { resourceSpans: unknown[] };
    writeFileSync(join(dir, 'tempo.json'), JSON.stringify({ batches: otlp.resourceSpans }));
    writeFileSync(join(dir, 'jaeger-v3.json'), JSON.stringify({ result: otlp }));
    for (const f of ['tempo.json', 'jaeger-v3.json']) {
      const r = await ingest([join(dir, f)]);
      expect(comparable(r.spans, 'otlp'), f).toEqual(comparable(spans, 'otlp'));
    }
  });

  it('reads gzip by content, directories recursively, and rotated JSON Lines files', async () => {
    const dir = tmp();
    const spans = sampleTrace();
    const lines = spans.map((s) => JSON.stringify(toOtlpJson([s]))).join('\n') + '\n';
    mkdirSync(join(dir, 'rotated', 'old'), { recursive: true });
    // The Collector's file exporter rotates traces.json into traces-<timestamp>.json; none end in .jsonl.
    writeFileSync(join(dir, 'rotated', 'traces.json'), lines.split('\n').slice(0, 2).join('\n') + '\n');
    writeFileSync(join(dir, 'rotated', 'old', 'traces-2024-01-01T00-00-00.000.json'), gzipSync(lines.split('\n').slice(2).join('\n')));
    const r = await ingest([join(dir, 'rotated')]);
    expect(comparable(r.spans, 'otlp')).toEqual(comparable(spans, 'otlp'));
    expect(r.files.map((f) => f.format)).toEqual(['otlp-jsonl', 'otlp-jsonl']);
    expect(r.files.map((f) => f.spans)).toEqual([3, 2]);
  });

  it('keeps what precedes a bad line or a truncated gzip, warns with the line number, and marks partial', async () => {
    const dir = tmp();
    const spans = sampleTrace();
    const good = spans.map((s) => JSON.stringify(toOtlpJson([s])));
    const f = join(dir, 'bad.jsonl');
    writeFileSync(f, [good[0], good[1], '{"resourceSpans": [ {"resou', good[2], good[3]!.slice(0, 50)].join('\n'));
    const r = await ingest([f]);
    expect(r.spans.map((s) => s.spanId)).toEqual([sid(1), sid(2), sid(3)]);
    expect(r.partial).toBe(true);
    const w = r.warnings.find((x) => x.code === 'bad-line')!;
    expect(w.count).toBe(2);
    expect(w.message).toContain('line 3');
    expect(r.files[0]!.partial).toBe(true);

    const gz = gzipSync(good.join('\n') + '\n');
    const cut = join(dir, 'cut.gz');
    writeFileSync(cut, gz.subarray(0, Math.floor(gz.length * 0.8)));
    const r2 = await ingest([cut]);
    expect(r2.partial).toBe(true);
    expect(r2.warnings.map((x) => x.code)).toContain('truncated-file');
    expect(r2.spans.length).toBeLessThan(spans.length);
  });

  it('accepts a UTF-8 byte order mark, in a document and in JSON Lines', async () => {
    const dir = tmp();
    const spans = sampleTrace();
    writeFileSync(join(dir, 'doc.json'), '\ufeff' + JSON.stringify(toOtlpJson(spans), null, 2));
    writeFileSync(join(dir, 'lines.json'), '\ufeff' + spans.map((s) => JSON.stringify(toOtlpJson([s]))).join('\r\n'));
    for (const f of ['doc.json', 'lines.json']) {
      const r = await ingest([join(dir, f)]);
      expect(comparable(r.spans, 'otlp'), f).toEqual(comparable(spans, 'otlp'));
      expect(r.partial).toBe(false);
    }
  });

  it('decides the layout of a long single line quickly (no quadratic scan)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'long.txt'), '{' + 'a'.repeat(60_000));
    const t0 = performance.now();
    await expect(ingest([join(dir, 'long.txt')])).rejects.toThrow(/^long\.txt: invalid JSON/);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('reports progress up to the total size', async () => {
    const dir = tmp();
    writeAllFormats(dir, sampleTrace());
    const calls: [number, number][] = [];
    await ingest([dir], { onProgress: (d, t) => calls.push([d, t]) });
    const last = calls[calls.length - 1]!;
    expect(last[0]).toBe(last[1]);
    expect(last[1]).toBeGreaterThan(1000);
  });
});

describe('ingest: cost', () => {
  it('stays within 2.5x the CPU time of reading and JSON.parse-ing the same lines (40k spans)', async () => {
    const { writeSyntheticOtlpJsonl } = await import('./testing/synthetic.js');
    const { parseOnlyMs, ingestMs } = await import('../../bench/ingest-cpu.js');
    const f = join(tmp(), 'big.jsonl');
    writeSyntheticOtlpJsonl(f, 40_000);
    await ingestMs(f); // warm up the JIT for both paths
    const floor = Math.min(await parseOnlyMs(f), await parseOnlyMs(f));
    const run = (await ingestMs(f)).ms;
    // Measured ~1.8x (docs/formats.md); 2.5x leaves room for a loaded CI machine while catching regressions.
    expect(run / floor).toBeLessThan(2.5);
  });
});

describe('ingest: inputs it cannot read', () => {
  async function error(path: string): Promise<InputError> {
    try {
      await ingest([path]);
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return e as InputError;
    }
    throw new Error(`expected ${path} to be refused`);
  }

  it('names the file and shows how it starts', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'trace.json'), '<html><body>502 Bad Gateway</body></html>');
    expect((await error(join(dir, 'trace.json'))).message).toBe("trace.json: not OTLP, Jaeger or Zipkin JSON, nor a profile: starts with '<html><body>502 Bad Gateway</body></html>'");
    expect((await error(join(dir, 'nope.json'))).message).toBe(`${join(dir, 'nope.json')}: no such file or directory`);
    writeFileSync(join(dir, 'empty.json'), '  \n');
    expect((await error(join(dir, 'empty.json'))).message).toBe('empty.json: the file is empty');
    writeFileSync(join(dir, 'other.json'), '{\n "hello": 1\n}');
    expect((await error(join(dir, 'other.json'))).message).toContain('top-level keys: "hello"');
    writeFileSync(join(dir, 'half.json'), '{\n "resourceSpans": [\n');
    expect((await error(join(dir, 'half.json'))).message).toMatch(/^half\.json: invalid JSON/);
  });

  it('skips unreadable files found inside a directory with a warning instead of failing', async () => {
    const dir = tmp();
    writeAllFormats(dir, sampleTrace());
    writeFileSync(join(dir, 'notes.txt'), 'hello there\n');
    writeFileSync(join(dir, 'spans-1.jsonl'), '');
    const r = await ingest([dir]);
    expect(r.spans.length).toBe(15);
    expect(r.warnings.map((w) => [w.code, w.file])).toEqual([['skipped-file', join(dir, 'notes.txt')]]);
    expect(r.partial).toBe(false); // a file that is not a trace is not damage
    writeFileSync(join(dir, 'broken.json'), '{\n "data": [\n');
    const r2 = await ingest([dir]);
    expect(r2.spans.length).toBe(15);
    expect(r2.partial).toBe(true);
    expect(r2.warnings.find((w) => w.file === join(dir, 'broken.json'))!.message).toMatch(/^broken\.json: invalid JSON/);
  });
});
