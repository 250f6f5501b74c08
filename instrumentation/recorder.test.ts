/**
 * The CommonJS recorder (dist/register.cjs) in a real process against real PostgreSQL, MariaDB, Redis, HTTP, fs and
 * DNS. One recording is made and every expectation reads it back from disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { FIXTURES, REGISTER_CJS, parseSlices, readManifestFile, readRuntime, readSpans, runNode, tempDir, type FlatSpan, type RunResult } from './testing/support.js';

describe('register.cjs on a CommonJS app', () => {
  const dir = tempDir();
  let run: RunResult;
  let spans: FlatSpan[];
  let facts: { pid: number; burnUs: number; spanSyncUs: number };

  beforeAll(async () => {
    run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'cjs-app.cjs')], { env: { TIMESINK_OUT: dir } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    facts = JSON.parse(run.stdout.trim()) as typeof facts;
    spans = readSpans(dir);
  });

  const byName = (re: RegExp): FlatSpan[] => spans.filter((s) => re.test(s.name));

  it('writes spans with precise start and duration that agree with the OTLP times', () => {
    expect(spans.length).toBeGreaterThan(10);
    for (const s of spans) {
      const startUs = s.attrs[ATTR.startUs] as number;
      const durUs = s.attrs[ATTR.durationUs] as number;
      expect(Number.isInteger(startUs)).toBe(true);
      expect(Math.abs(Number(BigInt(s.startTimeUnixNano) / 1000n) - startUs)).toBeLessThanOrEqual(1);
      expect(Math.abs(Number((BigInt(s.endTimeUnixNano) - BigInt(s.startTimeUnixNano)) / 1000n) - durUs)).toBeLessThanOrEqual(1);
    }
  });

  it('measures the on-thread time of a planted 30 ms burn within 10 %', () => {
    const [burn] = byName(/^planted-burn$/);
    expect(burn).toBeDefined();
    const onThread = burn!.attrs[ATTR.onThreadUs] as number;
    // Truth: the span's synchronous code as the app timed it, the burn and the few statements around its waits.
    expect(facts.spanSyncUs).toBeGreaterThanOrEqual(facts.burnUs);
    expect(Math.abs(onThread - facts.spanSyncUs) / facts.spanSyncUs).toBeLessThan(0.1);
    // The burn is one slice that starts after the first 5 ms sleep, not at the span start.
    const slices = parseSlices(burn!.attrs[ATTR.slices] as string);
    const longest = slices.reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(longest[0]).toBeGreaterThan(4000);
    expect(Math.abs(longest[1] - facts.burnUs)).toBeLessThan(facts.burnUs * 0.1);
    // Its total duration includes both sleeps, so it is clearly longer than its on-thread time.
    expect(burn!.attrs[ATTR.durationUs] as number).toBeGreaterThan(onThread + 9000);
  });

  it('records http server and client spans with redacted URLs', () => {
    const server = spans.filter((s) => s.kind === 2);
    const client = spans.filter((s) => s.kind === 3 && (s.scope.includes('http') || s.scope.includes('undici')));
    expect(server.length).toBeGreaterThanOrEqual(4);
    expect(client.length).toBeGreaterThanOrEqual(4);
    const text = JSON.stringify(spans);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('pw-in-url');
    // Client and server spans of one request share a trace: context propagated over HTTP.
    const serverTraces = new Set(server.map((s) => s.traceId));
    expect(client.some((c) => serverTraces.has(c.traceId))).toBe(true);
  });

  it('records fs spans with the file path and dns spans', () => {
    const fsSpans = spans.filter((s) => s.scope.includes('instrumentation-fs'));
    expect(fsSpans.length).toBeGreaterThan(0);
    expect(fsSpans.some((s) => s.attrs['file.path'] === path.join(FIXTURES, 'cjs-app.cjs'))).toBe(true);
    expect(spans.some((s) => s.scope.includes('instrumentation-dns') && /lookup/.test(s.name))).toBe(true);
  });

  it('records PostgreSQL queries and the wait for a pooled connection, with literals redacted', () => {
    const pg = spans.filter((s) => s.scope.includes('instrumentation-pg'));
    const queries = pg.filter((s) => (s.attrs['db.query.text'] ?? s.attrs['db.statement']) !== undefined);
    expect(queries.length).toBeGreaterThanOrEqual(2);
    const stmt = String(queries.map((q) => q.attrs['db.query.text'] ?? q.attrs['db.statement']).find((t) => /pg_sleep/.test(String(t))));
    expect(stmt).toBe('SELECT pg_sleep(?), ? AS s');
    const connects = pg.filter((s) => /pg-pool\.connect/.test(s.name));
    expect(connects.length).toBe(2);
    // Pool of one: the second connect waited for the first query (≥ 50 ms sleep) to give the client back.
    const waits = connects.map((s) => s.attrs[ATTR.durationUs] as number).sort((a, b) => a - b);
    expect(waits[1]).toBeGreaterThan(40_000);
  });

  it('records MariaDB and Redis commands without their values', () => {
    const my = spans.filter((s) => s.scope.includes('mysql2'));
    expect(my.length).toBeGreaterThan(0);
    expect(JSON.stringify(my)).not.toContain('my-secret-literal');
    const redis = spans.filter((s) => s.scope.includes('ioredis'));
    expect(redis.map((s) => s.name)).toEqual(expect.arrayContaining(['set', 'get']));
    expect(JSON.stringify(redis)).not.toContain('redis-secret-value');
  });

  it('nests the io spans under their parent span', () => {
    const [io] = byName(/^io-work$/);
    const children = spans.filter((s) => s.parentSpanId === io!.spanId);
    expect(children.length).toBeGreaterThanOrEqual(4);
  });

  it('writes runtime samples, GC pauses and busy slices', () => {
    const runtime = readRuntime(dir);
    const samples = runtime.filter((l) => l.t === 'sample');
    expect(samples.length).toBeGreaterThan(2);
    for (const s of samples) {
      if (s.t !== 'sample') continue;
      expect(s.pid).toBe(facts.pid);
      expect(s.elu).toBeGreaterThanOrEqual(0);
      expect(s.elu).toBeLessThanOrEqual(1);
      expect(s.rss).toBeGreaterThan(1e6);
    }
    // The 30 ms burn made one interval's max loop delay at least ~20 ms.
    expect(Math.max(...samples.map((s) => (s.t === 'sample' ? s.loopDelay.maxMs : 0)))).toBeGreaterThan(20);
    expect(runtime.some((l) => l.t === 'busy' && /^\d+:\d+(,\d+:\d+)*$/.test(l.slices))).toBe(true);
  });

  it('writes a manifest with the process, its clock and its counts', () => {
    const m = readManifestFile(dir);
    expect(m.format).toBe('timesink-recording');
    expect(m.settings).toMatchObject({ redact: true, onThread: true, runtimeIntervalMs: 100 });
    const p = m.processes.find((x) => x.pid === facts.pid)!;
    expect(p.spansWritten).toBe(spans.length);
    expect(p.droppedSpans).toBe(0);
    expect(p.exit).toMatchObject({ code: 0, reason: 'exit' });
    expect(p.files).toEqual([`spans-${facts.pid}.jsonl`, `runtime-${facts.pid}.jsonl`]);
    expect(Math.abs(p.clock.offsetUs - p.clock.timeOriginMs * 1000)).toBeLessThan(1);
    expect(p.endUs).toBeGreaterThan(p.startUs);
  });
});

describe('processes started by the app', () => {
  it('puts cluster workers into the default directory the primary chose', async () => {
    const cwd = tempDir();
    const env = { ...process.env };
    delete env.TIMESINK_OUT;
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'cluster-app.cjs')], { env, cwd });
    expect(run.code).toBe(0);
    const dirs = fs.readdirSync(cwd);
    expect(dirs).toHaveLength(1);
    expect(dirs[0]).toMatch(/^timesink-\d{8}-\d{6}$/);
    const dir = path.join(cwd, dirs[0]!);
    const m = readManifestFile(dir);
    expect(m.processes).toHaveLength(3);
    expect(readSpans(dir).map((s) => s.name).sort()).toEqual(['worker-1', 'worker-2']);
  });
});

describe('worker threads', () => {
  it('leaves worker threads alone and records the main thread', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'worker-app.cjs')], { env: { TIMESINK_OUT: dir } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('worker says 2\n');
    expect(readSpans(dir).map((s) => s.name)).toEqual(['main-work']);
    expect(readManifestFile(dir).processes).toHaveLength(1);
  });
});

describe('TIMESINK_REDACT=0', () => {
  it('keeps SQL literals and query strings when redaction is turned off', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'cjs-app.cjs')], { env: { TIMESINK_OUT: dir, TIMESINK_REDACT: '0', FIXTURE_PARTS: 'http,pg' } });
    expect(run.code).toBe(0);
    const text = JSON.stringify(readSpans(dir));
    expect(text).toContain('pg-secret-literal');
    expect(text).toContain('s3cr3t-token');
    expect(readManifestFile(dir).settings.redact).toBe(false);
  });
});
