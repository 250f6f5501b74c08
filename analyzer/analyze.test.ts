import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze } from './analyze.js';
import { ingest } from './ingest/index.js';
import { B, SECRET_SQL, SECRET_URL, sceneInput } from './aggregate/testing/scene.js';
import { CATEGORIES, emptyBreakdown, type Breakdown } from './model/categories.js';
import type { Analysis } from './model/analysis.js';
import type { Span } from './model/span.js';
import { writeAllFormats } from './ingest/testing/write-formats.js';
import { mkSpan } from './critical-path/testing/spans.js';
import { emptyRuntime } from './model/runtime.js';

const OPTS = { createdAt: '2026-01-01T00:00:00.000Z' };

function nonZero(b: Breakdown): Partial<Breakdown> {
  const out: Partial<Breakdown> = {};
  for (const c of CATEGORIES) if (Math.abs(b[c]) > 1e-9) out[c] = Math.round(b[c] * 1000) / 1000;
  return out;
}

describe('analyze: the hand-computed scene', () => {
  const a = analyze(sceneInput(), OPTS);

  it('summary: totals, breakdown, verdict', () => {
    expect(a.summary.traces).toBe(6);
    expect(a.summary.spans).toBe(12);
    expect(a.summary.criticalPathMs).toBe(240);
    expect(nonZero(a.summary.breakdown)).toEqual({
      cpu: 59,
      gc: 1,
      db: 120,
      uninstrumented_wait: 18,
      queued: 2,
      network: 20,
      in_process_unattributed: 20,
    });
    // Durations 20, 20, 50, 50, 50, 50: nearest rank p50 = 3rd = 50.
    expect([a.summary.p50Ms, a.summary.p95Ms, a.summary.p99Ms]).toEqual([50, 50, 50]);
    const f = a.summary.fractions;
    expect(f.waiting).toBeCloseTo(158 / 240, 9);
    expect(f.computing).toBeCloseTo(60 / 240, 9);
    expect(f.waiting + f.computing + f.queued + f.unattributed).toBeCloseTo(1, 9);
    expect(a.summary.verdict).toBe('Mostly waiting: 50 % of request time is the database.');
  });

  it('endpoints: per route, with errors, means and p95 per category', () => {
    expect(a.endpoints.map((e) => [e.service, e.name, e.count, e.errors, e.language])).toEqual([
      ['shop', 'GET /orders/:id', 4, 1, 'nodejs'],
      ['pay', 'POST /pay', 2, 0, 'python'],
    ]);
    const shop = a.endpoints[0];
    expect(nonZero(shop.meanBreakdown)).toEqual({ cpu: 14.75, gc: 0.25, db: 30, uninstrumented_wait: 4.5, queued: 0.5 });
    // Per-request cpu 15, 14, 15, 15 → p95 (4th of 4) 15; uninstrumented 5, 5, 3, 5 → 5.
    expect(shop.p95Breakdown.cpu).toBe(15);
    expect(shop.p95Breakdown.uninstrumented_wait).toBe(5);
    expect(shop.p95Breakdown.gc).toBe(1);
    expect(shop.p50Ms).toBe(50);
  });

  it('services: time owned by each service\'s spans', () => {
    expect(a.services.map((s) => [s.service, s.language, s.traces, s.spans])).toEqual([
      ['shop', 'nodejs', 4, 8],
      ['pay', 'python', 2, 4],
    ]);
    expect(nonZero(a.services[1].breakdown)).toEqual({ network: 20, in_process_unattributed: 20 });
  });

  it('trace details: slowest and representative per endpoint, with the critical path', () => {
    const ids = a.traces.map((t) => [t.endpoint, t.why]);
    expect(ids).toContainEqual(['GET /orders/:id', 'slowest']);
    expect(ids).toContainEqual(['POST /pay', 'slowest']);
    // All four shop requests last 50 ms: the slowest is the first by start (a0), the representative the median (a1).
    const d = a.traces.find((t) => t.traceId === '000000000000000000000000000000a0')!;
    expect(d.why).toBe('slowest');
    expect(a.traces.find((t) => t.traceId === '000000000000000000000000000000a1')?.why).toBe('representative');
    expect(d.criticalPath.map((p) => [p.category, p.startMs, p.endMs])).toEqual([
      ['cpu', 0, 5],
      ['db', 5, 35],
      ['uninstrumented_wait', 35, 40],
      ['cpu', 40, 50],
    ]);
    const root = d.spans.find((s) => !s.parentSpanId)!;
    expect(root.onThread).toEqual([
      [0, 5],
      [40, 10],
    ]);
    expect(d.spans.map((s) => s.class)).toEqual(['in_process', 'db']);
  });

  it('redacts SQL literals and URL secrets by default, keeps them when asked', () => {
    const json = JSON.stringify(a);
    expect(json).not.toContain('secret-token');
    expect(json).not.toContain('pw@');
    expect(json).not.toContain('card=4111');
    expect(json).toContain('SELECT * FROM orders WHERE id = ? AND token = ?');
    expect(json).toContain('https://bank.example/charge');
    expect(a.redacted).toBe(true);
    const raw = JSON.stringify(analyze(sceneInput(), { ...OPTS, redact: false }));
    expect(raw).toContain(JSON.stringify(SECRET_SQL).slice(1, -1));
    expect(raw).toContain(SECRET_URL);
  });

  it('timelines: cpu % from deltas, concurrency of server spans, GC', () => {
    expect(a.timelines).toHaveLength(1);
    const tl = a.timelines[0];
    expect(tl.pid).toBe(100);
    expect(tl.startEpochMs).toBe(B / 1000);
    expect(tl.points.map((p) => p.cpuPct)).toEqual([0, 25, 25]);
    expect(tl.points.map((p) => p.loopDelayP99Ms)).toEqual([2, 3, 4]);
    expect(tl.gc).toEqual([{ tMs: 101, durationMs: 1, kind: 'minor' }]);
    expect(tl.concurrency.slice(0, 3)).toEqual([
      { tMs: 0, inFlight: 1 },
      { tMs: 50, inFlight: 0 },
      { tMs: 100, inFlight: 1 },
    ]);
  });

  it('profile: self/total per function, by origin, and the part on the critical path', () => {
    const p = a.profile!;
    expect(p.totalMs).toBe(4);
    const byName = Object.fromEntries(p.hotFunctions.map((h) => [h.name, h]));
    expect([byName['JSON.parse'].selfMs, byName['JSON.parse'].onCriticalPathMs]).toEqual([2, 1]);
    expect([byName.handler.selfMs, byName.handler.totalMs, byName.handler.onCriticalPathMs]).toEqual([1, 3, 1]);
    expect([byName.query.selfMs, byName.query.onCriticalPathMs, byName.query.origin]).toEqual([1, 0, 'dependency']);
    expect(byName.main).toBeUndefined(); // no self time
    expect(p.byOrigin).toEqual({ app: 1, dependency: 1, runtime: 2 });
    expect(p.flamegraph.children.map((c) => [c.name, c.valueMs])).toEqual([['main', 4]]);
    expect(p.flamegraph.children[0].children.map((c) => [c.name, c.valueMs])).toEqual([
      ['handler', 3],
      ['query', 1],
    ]);
  });

  it('inputs summary', () => {
    expect(a.inputs.services).toEqual(['pay', 'shop']);
    expect(a.inputs.languages).toEqual(['nodejs', 'python']);
    expect(a.inputs.hasOnThreadData).toBe(true);
    expect(a.inputs.hasRuntimeData).toBe(true);
    expect(a.inputs.startEpochMs).toBe(B / 1000);
  });
});

describe('analyze: filters', () => {
  it('service, endpoint and time range', () => {
    expect(analyze(sceneInput(), { ...OPTS, service: 'pay' }).summary.traces).toBe(2);
    expect(analyze(sceneInput(), { ...OPTS, endpoint: 'GET /orders/:id' }).summary.traces).toBe(4);
    expect(analyze(sceneInput(), { ...OPTS, endpoint: '/pay' }).summary.traces).toBe(2);
    const ranged = analyze(sceneInput(), { ...OPTS, sinceUs: B + 100_000, untilUs: B + 300_000 });
    expect(ranged.summary.traces).toBe(2);
    // The thread index still saw every request: request 2's queued time survives the filter.
    expect(ranged.summary.breakdown.queued).toBe(2);
    const none = analyze(sceneInput(), { ...OPTS, service: 'nope' });
    expect(none.summary.traces).toBe(0);
    expect(none.warnings.map((w) => w.code)).toContain('filter-empty');
    expect(none.summary.verdict).toBe('No request time to analyze.');
  });

  it('a service called from another service is analyzed from where the call entered it', () => {
    const input = sceneInput();
    // pay's first request now calls "ledger": a server span inside the httpx call, with a 4 ms query.
    const traceId = input.spans.find((s) => s.service === 'pay')!.traceId;
    const call = input.spans.find((s) => s.traceId === traceId && s.kind === 'client')!;
    const mk = (p: Partial<Span>): Span => ({ traceId, kind: 'internal', service: 'ledger', language: 'go', attributes: {}, events: [], status: 'unset', links: [], name: 'x', spanId: 'x', startUs: 0, endUs: 0, ...p });
    input.spans.push(
      mk({ spanId: 'ee00000000000001', parentSpanId: call.spanId, name: 'GET /balance', kind: 'server', startUs: call.startUs + 1000, endUs: call.startUs + 9000, attributes: { 'http.route': '/balance' } }),
      mk({ spanId: 'ee00000000000002', parentSpanId: 'ee00000000000001', kind: 'client', startUs: call.startUs + 2000, endUs: call.startUs + 6000, attributes: { 'db.system': 'postgresql' } }),
    );
    const a = analyze(input, { ...OPTS, service: 'ledger' });
    expect(a.summary.traces).toBe(1);
    expect(a.summary.criticalPathMs).toBe(8);
    expect(nonZero(a.summary.breakdown)).toEqual({ db: 4, in_process_unattributed: 4 });
    expect(a.endpoints[0].name).toBe('/balance');
  });
});

describe('analyze: the same traces as OTLP, Jaeger and Zipkin give the same analysis', () => {
  it('foreign traces through the real ingest', async () => {
    // Zipkin carries neither pid nor on-thread data: use the foreign (pay) part plus a multi-service trace.
    const spans = sceneInput().spans.filter((s) => s.service === 'pay');
    const dir = mkdtempSync(join(tmpdir(), 'timesink-fmt-'));
    try {
      const files = writeAllFormats(dir, spans);
      const results: Analysis[] = [];
      for (const f of ['otlp', 'jaeger', 'zipkin'] as const) results.push(analyze(await ingest([files[f]]), OPTS));
      const essence = (x: Analysis) => ({
        summary: { ...x.summary },
        endpoints: x.endpoints.map((e) => ({ ...e, language: undefined })),
        paths: x.traces.map((t) => t.criticalPath),
      });
      expect(results[0].summary.traces).toBe(2);
      expect(nonZero(results[0].summary.breakdown)).toEqual({ network: 20, in_process_unattributed: 20 });
      expect(essence(results[1])).toEqual(essence(results[0]));
      expect(essence(results[2])).toEqual(essence(results[0]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Random multi-service traces that every format can carry (no pid, on-thread data or follows-from). */
const arbPortableSpans = fc
  .array(
    fc.record({
      spans: fc.array(
        fc.record({
          parent: fc.nat(),
          start: fc.integer({ min: -100, max: 5000 }),
          len: fc.integer({ min: 0, max: 3000 }),
          what: fc.constantFrom('db', 'http', 'redis', 'internal', 'server'),
          other: fc.boolean(),
        }),
        { maxLength: 12 },
      ),
      rootLen: fc.integer({ min: 0, max: 6000 }),
      error: fc.boolean(),
    }),
    { minLength: 1, maxLength: 3 },
  )
  .map((traces) => {
    const out: Span[] = [];
    traces.forEach((t, ti) => {
      const traceId = (0xc0 + ti).toString(16).padStart(32, '0');
      const base = B + ti * 10_000;
      const mine: Span[] = [];
      const mk = (i: number, p: Partial<Span>): Span => ({
        traceId,
        spanId: (ti * 256 + i + 1).toString(16).padStart(16, '0'),
        name: `op${i}`,
        kind: 'internal',
        service: 'front',
        language: 'python',
        attributes: {},
        events: [],
        status: 'unset',
        links: [],
        startUs: base,
        endUs: base,
        ...p,
      });
      mine.push(mk(0, { name: 'GET /r', kind: 'server', endUs: base + t.rootLen, status: t.error ? 'error' : 'unset', attributes: { 'http.route': '/r', 'http.method': 'GET' } }));
      t.spans.forEach((r, i) => {
        const parent = mine[r.parent % mine.length];
        const attrs: Record<string, string> =
          r.what === 'db' ? { 'db.system': 'postgresql' } : r.what === 'redis' ? { 'db.system': 'redis' } : r.what === 'http' ? { 'http.method': 'GET' } : {};
        const kind = r.what === 'server' ? 'server' : r.what === 'internal' ? 'internal' : 'client';
        mine.push(mk(i + 1, { parentSpanId: parent.spanId, kind, service: r.other ? 'back' : 'front', startUs: base + r.start, endUs: base + r.start + r.len, attributes: attrs }));
      });
      out.push(...mine);
    });
    return out;
  });

describe('analyze: format independence (property)', () => {
  it('random traces written as OTLP, Jaeger and Zipkin analyze identically', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'timesink-fmtprop-'));
    try {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(arbPortableSpans, async (spans) => {
          const files = writeAllFormats(dir, spans, `r${run++}`);
          const essence = (x: Analysis) => ({
            summary: x.summary,
            endpoints: x.endpoints.map((e) => ({ ...e, language: undefined })),
            services: x.services.map((e) => ({ ...e, language: undefined })),
            paths: x.traces.map((t) => [t.traceId, t.why, t.criticalPath]),
            warnings: x.warnings.map((w) => w.code).sort(),
          });
          const [otlp, jaeger, zipkin] = await Promise.all((['otlp', 'jaeger', 'zipkin'] as const).map(async (f) => essence(analyze(await ingest([files[f]]), OPTS))));
          expect(jaeger).toEqual(otlp);
          expect(zipkin).toEqual(otlp);
          let cp = 0;
          for (const c of CATEGORIES) cp += otlp.summary.breakdown[c];
          expect(cp).toBeCloseTo(otlp.summary.criticalPathMs, 6);
        }),
        { numRuns: 40 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('analyze: empty input', () => {
  it('is a valid, empty analysis', () => {
    const input = sceneInput();
    input.spans = [];
    input.profiles = [];
    const a = analyze(input, OPTS);
    expect(a.summary.traces).toBe(0);
    expect(a.summary.breakdown).toEqual(emptyBreakdown());
    expect(a.endpoints).toEqual([]);
    expect(a.traces).toEqual([]);
    expect(a.profile).toBeUndefined();
  });
});

describe('analyze: background traces', () => {
  it('traces not rooted in a server/consumer span are left out when there are requests, and counted', () => {
    const input = sceneInput();
    input.spans.push({ traceId: 'f'.repeat(32), spanId: 'f'.repeat(16), name: 'pg-pool.connect', kind: 'internal', service: 'shop', language: 'nodejs', startUs: B - 5000, endUs: B - 1000, attributes: {}, events: [], status: 'unset', links: [] });
    const a = analyze(input, OPTS);
    expect(a.summary.traces).toBe(6);
    expect(a.endpoints.map((e) => e.name)).not.toContain('pg-pool.connect');
    expect(a.warnings).toContainEqual(expect.objectContaining({ code: 'background-traces', count: 1 }));
  });

  it('an input with no server spans at all (a batch job) keeps every trace', () => {
    const input = sceneInput();
    input.spans = [{ traceId: 'f'.repeat(32), spanId: 'f'.repeat(16), name: 'nightly', kind: 'internal', service: 'job', language: 'python', startUs: B, endUs: B + 1000, attributes: {}, events: [], status: 'unset', links: [] }];
    const a = analyze(input, OPTS);
    expect(a.summary.traces).toBe(1);
    expect(a.endpoints[0].name).toBe('nightly');
  });
});

describe('queueing before first spans (warning)', () => {
  /** Server requests on pid 7, each running on the thread for its whole span: [start, end) in ms from B. */
  function input(requests: [number, number][]) {
    const spans: Span[] = requests.map(([a, b], i) => ({
      ...mkSpan(`s${i}`, undefined, B + a * 1000, B + b * 1000, { pid: 7, onThread: [{ startUs: B + a * 1000, endUs: B + b * 1000 }] }),
      traceId: `t${i}`,
    }));
    return { spans, runtime: emptyRuntime(), profiles: [], manifests: [], files: [], warnings: [], partial: false };
  }

  it('says how long requests may have waited unseen when each started right after others\' work', () => {
    // Four 20 ms requests back to back: each of the last three may have waited up to 20/40/60 ms before its span.
    const a = analyze(input([[0, 20], [20, 40], [40, 60], [60, 80]]));
    const w = a.warnings.find((x) => x.code === 'queued-before-first-span');
    expect(w).toBeDefined();
    expect(w!.count).toBe(3);
    expect(w!.valueMs).toBeCloseTo(20 + 40 + 60, 6);
    expect(w!.message).toContain('The queued share leaves this out');
  });

  it('stays silent when the loop was idle before each request', () => {
    const a = analyze(input([[0, 20], [30, 50], [60, 80]]));
    expect(a.warnings.find((x) => x.code === 'queued-before-first-span')).toBeUndefined();
  });
});
