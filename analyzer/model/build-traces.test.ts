import { describe, expect, it } from 'vitest';
import { ingest } from '../ingest/index.js';
import { sid, span, TRACE_B } from '../ingest/testing/spans.js';
import type { Warning } from './analysis.js';
import { buildTraces } from './build-traces.js';
import { analyzeTrace } from '../accounting/analyze-trace.js';
import type { Span } from './span.js';
import { corpus, corporaSuite, HAVE_CORPORA } from '../../test/testing/corpora.js';

function build(spans: Span[]) {
  const warnings: Warning[] = [];
  const traces = buildTraces(spans, warnings);
  const count = (code: string) => warnings.find((w) => w.code === code)?.count ?? 0;
  return { traces, warnings, count, t: traces[0]! };
}

const root = (p: Partial<Span> = {}) => span({ spanId: sid(1), kind: 'server', startUs: 0, endUs: 100_000, ...p });

describe('buildTraces', () => {
  it('leaves a well-formed trace untouched and reports nothing', () => {
    const spans = [
      span({ spanId: sid(3), parentSpanId: sid(1), startUs: 50_000, endUs: 90_000 }),
      root(),
      span({ spanId: sid(2), parentSpanId: sid(1), startUs: 10_000, endUs: 40_000 }),
      span({ spanId: sid(4), parentSpanId: sid(2), startUs: 10_000, endUs: 40_000 }),
    ];
    const before = JSON.stringify(spans.map((s) => [s.spanId, s.startUs, s.endUs, s.parentSpanId]).sort());
    const { traces, warnings, t } = build(spans);
    expect(warnings).toEqual([]);
    expect(traces).toHaveLength(1);
    expect(t.root.spanId).toBe(sid(1));
    expect(t.children.get(sid(1))!.map((s) => s.spanId)).toEqual([sid(2), sid(3)]);
    expect(t.spans.map((s) => s.spanId)).toEqual([sid(1), sid(2), sid(4), sid(3)]);
    expect(t.byId.size).toBe(4);
    expect(JSON.stringify(spans.map((s) => [s.spanId, s.startUs, s.endUs, s.parentSpanId]).sort())).toBe(before);
  });

  it('groups by trace id and orders traces by start', () => {
    const { traces } = build([span({ traceId: TRACE_B, spanId: sid(7), startUs: 5, endUs: 9 }), root({ startUs: 1000, endUs: 2000 })]);
    expect(traces.map((t) => t.root.spanId)).toEqual([sid(7), sid(1)]);
  });

  it('drops duplicates, keeping the most complete copy', () => {
    const open = span({ spanId: sid(2), parentSpanId: sid(1), startUs: 10, endUs: 10, unfinished: true });
    const done = span({ spanId: sid(2), parentSpanId: sid(1), startUs: 10, endUs: 500, attributes: { a: 1 } });
    const { t, count } = build([root(), open, done, { ...done }]);
    expect(t.spans).toHaveLength(2);
    expect(t.byId.get(sid(2))!.endUs).toBe(500);
    expect(count('duplicate-span')).toBe(2);
    expect(count('unfinished-span')).toBe(0);
  });

  it('sets negative durations to zero', () => {
    const { t, count } = build([root(), span({ spanId: sid(2), parentSpanId: sid(1), startUs: 5_000, endUs: 4_000 })]);
    expect(t.byId.get(sid(2))!.endUs).toBe(5_000);
    expect(count('negative-duration')).toBe(1);
  });

  it('attaches orphans under the root', () => {
    const { t, count } = build([root(), span({ spanId: sid(5), parentSpanId: sid(99), startUs: 20_000, endUs: 30_000 })]);
    expect(t.byId.get(sid(5))!.parentSpanId).toBe(sid(1));
    expect(t.children.get(sid(1))!.map((s) => s.spanId)).toEqual([sid(5)]);
    expect(count('orphan-rerooted')).toBe(1);
  });

  it('makes the longest orphan the root when the trace has none', () => {
    const { t, count } = build([
      span({ spanId: sid(5), parentSpanId: sid(99), startUs: 20_000, endUs: 30_000 }),
      span({ spanId: sid(6), parentSpanId: sid(98), startUs: 0, endUs: 90_000 }),
      span({ spanId: sid(7), parentSpanId: sid(6), startUs: 1_000, endUs: 2_000 }),
    ]);
    expect(t.root.spanId).toBe(sid(6));
    expect(t.root.parentSpanId).toBeUndefined();
    expect(t.byId.get(sid(5))!.parentSpanId).toBe(sid(6));
    expect(count('orphan-root')).toBe(1);
    expect(count('orphan-rerooted')).toBe(1);
  });

  it('keeps the longest server root and attaches the other roots under it', () => {
    const { t, count } = build([
      span({ spanId: sid(2), kind: 'server', startUs: 10_000, endUs: 50_000 }),
      root(),
      span({ spanId: sid(3), kind: 'internal', startUs: 0, endUs: 200_000 }),
    ]);
    expect(t.root.spanId).toBe(sid(1));
    expect(count('extra-root-rerooted')).toBe(2);
    expect(t.byId.get(sid(3))!.endUs).toBe(100_000); // then clipped into the root
  });

  it('breaks parent cycles', () => {
    const { t, count } = build([
      root(),
      span({ spanId: sid(2), parentSpanId: sid(3), startUs: 10_000, endUs: 20_000 }),
      span({ spanId: sid(3), parentSpanId: sid(2), startUs: 11_000, endUs: 19_000 }),
    ]);
    expect(count('cycle-broken')).toBe(1);
    expect(t.byId.get(sid(2))!.parentSpanId).toBe(sid(1));
    expect(t.byId.get(sid(3))!.parentSpanId).toBe(sid(2));
  });

  it('clips overflowing children timed on another clock, telling rounding from real overflow', () => {
    const { t, count } = build([
      root(),
      // Another service: its clock is not the root's, so the overrun may be skew, and clipping is the repair.
      span({ spanId: sid(2), parentSpanId: sid(1), service: 'worker', startUs: 90_000, endUs: 130_000, onThread: [{ startUs: 95_000, endUs: 120_000 }] }),
      span({ spanId: sid(3), parentSpanId: sid(1), startUs: 50_000, endUs: 100_500 }),
    ]);
    expect([t.byId.get(sid(2))!.startUs, t.byId.get(sid(2))!.endUs]).toEqual([90_000, 100_000]);
    expect(t.byId.get(sid(2))!.onThread).toEqual([{ startUs: 95_000, endUs: 100_000 }]);
    expect(t.byId.get(sid(3))!.endUs).toBe(100_000);
    expect(count('clipped-overflow')).toBe(1);
    expect(count('clipped-within-tolerance')).toBe(1);
  });

  it('shifts a skewed server span, with its subtree, to the middle of its client span', () => {
    const { t, count } = build([
      root({ service: 'a' }),
      span({ spanId: sid(2), parentSpanId: sid(1), kind: 'client', service: 'a', startUs: 10_000, endUs: 60_000 }),
      span({ spanId: sid(3), parentSpanId: sid(2), kind: 'server', service: 'b', startUs: 5_000, endUs: 45_000 }),
      span({ spanId: sid(4), parentSpanId: sid(3), kind: 'client', service: 'b', startUs: 6_000, endUs: 7_000 }),
    ]);
    expect([t.byId.get(sid(3))!.startUs, t.byId.get(sid(3))!.endUs]).toEqual([15_000, 55_000]);
    expect([t.byId.get(sid(4))!.startUs, t.byId.get(sid(4))!.endUs]).toEqual([16_000, 17_000]);
    expect(count('skew-shifted')).toBe(1);
    expect(count('clipped-overflow') + count('clipped-within-tolerance')).toBe(0);
  });

  it('moves a callee longer than its caller only so that it does not start first', () => {
    const caller = () => span({ spanId: sid(2), parentSpanId: sid(1), kind: 'client', service: 'a', startUs: 10_000, endUs: 30_000 });
    const early = build([root({ service: 'a' }), caller(), span({ spanId: sid(3), parentSpanId: sid(2), kind: 'server', service: 'b', startUs: 8_000, endUs: 40_000 })]);
    expect(early.t.byId.get(sid(3))!.startUs).toBe(10_000);
    expect(early.count('skew-shifted')).toBe(1);
    expect(early.t.byId.get(sid(3))!.endUs).toBe(30_000); // then clipped into the caller
    const late = build([root({ service: 'a' }), caller(), span({ spanId: sid(3), parentSpanId: sid(2), kind: 'server', service: 'b', startUs: 12_000, endUs: 40_000 })]);
    expect(late.count('skew-shifted')).toBe(0);
    expect(late.t.byId.get(sid(3))!.startUs).toBe(12_000);
    expect(late.count('clipped-overflow')).toBe(1);
  });

  it('does not shift within one service: it clips instead', () => {
    const { t, count } = build([
      root({ service: 'a' }),
      span({ spanId: sid(2), parentSpanId: sid(1), kind: 'client', service: 'a', startUs: 10_000, endUs: 60_000 }),
      span({ spanId: sid(3), parentSpanId: sid(2), kind: 'server', service: 'a', startUs: 5_000, endUs: 45_000 }),
    ]);
    expect(count('skew-shifted')).toBe(0);
    expect(t.byId.get(sid(3))!.startUs).toBe(10_000);
    expect(count('clipped-overflow')).toBe(1);
  });

  it('moves a child that ran past its parent to the nearest ancestor enclosing it (pg.query under pool.connect)', () => {
    const { t, count, warnings } = build([
      root(),
      span({ spanId: sid(2), parentSpanId: sid(1), name: 'handler', startUs: 500, endUs: 90_000 }),
      span({ spanId: sid(3), parentSpanId: sid(2), name: 'pg-pool.connect', kind: 'client', startUs: 1_000, endUs: 1_100 }),
      span({ spanId: sid(4), parentSpanId: sid(3), name: 'pg.query', kind: 'client', startUs: 1_300, endUs: 5_300 }),
      span({ spanId: sid(5), parentSpanId: sid(3), name: 'pg.query straddling', kind: 'client', startUs: 1_050, endUs: 9_000 }),
    ]);
    for (const id of [sid(4), sid(5)]) expect(t.byId.get(id)!.parentSpanId).toBe(sid(2));
    expect([t.byId.get(sid(4))!.startUs, t.byId.get(sid(4))!.endUs]).toEqual([1_300, 5_300]); // time kept
    expect(t.byId.get(sid(5))!.endUs).toBe(9_000);
    expect(t.children.get(sid(2))!.map((s) => s.spanId)).toEqual([sid(3), sid(5), sid(4)]);
    expect(t.children.get(sid(3))).toBeUndefined();
    expect(count('reparented-to-ancestor')).toBe(2);
    expect(warnings.map((w) => w.code)).toEqual(['reparented-to-ancestor']);
  });

  it('flags a same-process child that started inside its parent and outlived every ancestor as un-awaited (not clipped)', () => {
    const { t, count, warnings } = build([
      root(),
      span({ spanId: sid(2), parentSpanId: sid(1), startUs: 10_000, endUs: 20_000 }),
      span({
        spanId: sid(3),
        parentSpanId: sid(2),
        startUs: 15_000,
        endUs: 150_000,
        onThread: [{ startUs: 15_000, endUs: 16_000 }, { startUs: 140_000, endUs: 141_000 }],
      }),
    ]);
    const c = t.byId.get(sid(3))!;
    expect(c.parentSpanId).toBe(sid(2));
    expect(c.followsFrom).toBe(true);
    expect([c.startUs, c.endUs]).toEqual([15_000, 150_000]); // its real times kept
    expect(c.onThread).toHaveLength(2);
    expect(t.children.get(sid(2))!.map((s) => s.spanId)).toEqual([sid(3)]);
    expect(count('unawaited-child')).toBe(1);
    expect(warnings.map((w) => w.code)).toEqual(['unawaited-child']);
    // Off the critical path: the request's 100 ms are its own and its handler's, none of the task's.
    const path = analyzeTrace(t, undefined).path;
    expect(path.some((seg) => seg.spanId === sid(3))).toBe(false);
    expect(path.reduce((n, seg) => n + seg.endUs - seg.startUs, 0)).toBe(100_000);
  });

  it('un-awaited needs one clock and a real overrun: other pid, other service, within tolerance and guessed parents are clipped', () => {
    const child = (p: Partial<Span>) => span({ spanId: sid(3), parentSpanId: sid(2), startUs: 15_000, endUs: 150_000, ...p });
    const parent = (p: Partial<Span> = {}) => span({ spanId: sid(2), parentSpanId: sid(1), startUs: 10_000, endUs: 20_000, ...p });
    const samePid = build([root({ pid: 7 }), parent({ pid: 7 }), child({ pid: 7 })]);
    expect(samePid.count('unawaited-child')).toBe(1);
    const otherPid = build([root({ pid: 7 }), parent({ pid: 7 }), child({ pid: 8 })]);
    expect(otherPid.t.byId.get(sid(3))!.followsFrom).toBeUndefined();
    expect(otherPid.t.byId.get(sid(3))!.endUs).toBe(20_000);
    expect(otherPid.count('clipped-overflow')).toBe(1);
    expect(otherPid.count('unawaited-child')).toBe(0);
    const otherService = build([root(), parent(), child({ service: 'cache-proxy' })]);
    expect(otherService.t.byId.get(sid(3))!.endUs).toBe(20_000);
    expect(otherService.count('clipped-overflow')).toBe(1);
    // 20 ms parent: tolerance max(1 ms, 1 %) = 1 ms; 0.9 ms over is rounding.
    const rounding = build([root(), parent(), child({ endUs: 20_900 })]);
    expect(rounding.t.byId.get(sid(3))!.followsFrom).toBeUndefined();
    expect(rounding.t.byId.get(sid(3))!.endUs).toBe(20_000);
    expect(rounding.count('clipped-within-tolerance')).toBe(1);
    // A server child of the same service stays under its caller whatever its times.
    const server = build([root(), parent({ kind: 'client' }), child({ kind: 'server' })]);
    expect(server.t.byId.get(sid(3))!.endUs).toBe(20_000);
    expect(server.count('unawaited-child')).toBe(0);
  });

  it('flags children that start after their parent ended as follows-from, without clipping', () => {
    const { t, count } = build([root(), span({ spanId: sid(2), parentSpanId: sid(1), startUs: 150_000, endUs: 170_000 })]);
    const c = t.byId.get(sid(2))!;
    expect(c.followsFrom).toBe(true);
    expect([c.startUs, c.endUs]).toEqual([150_000, 170_000]);
    expect(count('async-child')).toBe(1);
  });

  it('keeps FOLLOWS_FROM children as they are and counts unfinished spans', () => {
    const { t, count, warnings } = build([
      root(),
      span({ spanId: sid(2), parentSpanId: sid(1), startUs: 90_000, endUs: 190_000, followsFrom: true }),
      span({ spanId: sid(3), parentSpanId: sid(1), startUs: 10_000, endUs: 20_000, unfinished: true }),
    ]);
    expect(t.byId.get(sid(2))!.endUs).toBe(190_000);
    expect(count('unfinished-span')).toBe(1);
    expect(warnings.map((w) => w.code).sort()).toEqual(['unfinished-span']);
  });

  it.skipIf(!HAVE_CORPORA)(corporaSuite('repairs the Zipkin skew corpus: the server half lands inside its client'), async () => {
    const r = await ingest([corpus('zipkin/skew.json')]);
    const { t, count } = build(r.spans);
    const client = t.byId.get('74280ae0c10d8062')!;
    const server = t.children.get(client.spanId)![0]!;
    expect(server.kind).toBe('server');
    expect(server.startUs).toBeGreaterThanOrEqual(client.startUs);
    expect(server.endUs).toBeLessThanOrEqual(client.endUs);
    const asyncSpan = t.spans.find((s) => s.name === 'async')!;
    expect(asyncSpan.parentSpanId).toBe(server.spanId);
    expect(asyncSpan.startUs).toBeGreaterThanOrEqual(server.startUs);
    expect(count('skew-shifted')).toBe(1);
  });

  it('scales: 100k spans in 1k traces and a 30k-deep chain', () => {
    const spans: Span[] = [];
    for (let tr = 0; tr < 1000; tr++) {
      const traceId = tr.toString(16).padStart(32, '0');
      spans.push(span({ traceId, spanId: sid(1), kind: 'server', startUs: 0, endUs: 1_000_000 }));
      for (let i = 2; i <= 100; i++) {
        spans.push(span({ traceId, spanId: sid(i), parentSpanId: sid(1 + ((i * 7) % (i - 1))), startUs: i * 100, endUs: i * 100 + 50 }));
      }
    }
    let t0 = performance.now();
    const { traces } = build(spans);
    const wide = performance.now() - t0;
    expect(traces).toHaveLength(1000);
    const chain: Span[] = [];
    for (let i = 1; i <= 30_000; i++) chain.push(span({ spanId: sid(i), parentSpanId: i > 1 ? sid(i - 1) : undefined, startUs: i, endUs: 200_000 - i }));
    t0 = performance.now();
    const deep = build(chain);
    expect(deep.t.spans).toHaveLength(30_000);
    expect(deep.warnings).toEqual([]);
    expect(wide + (performance.now() - t0)).toBeLessThan(5_000);
  });
});
