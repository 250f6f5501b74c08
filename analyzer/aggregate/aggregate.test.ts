import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { percentileSorted, percentilesMs } from './percentiles.js';
import { verdict } from './verdict.js';
import { thin } from './timelines.js';
import { selectDetailTraces, traceDetail } from './trace-details.js';
import { summarizeEndpoints } from './endpoints.js';
import { summarizeProfile } from './profile-summary.js';
import { analyzeTrace } from '../accounting/analyze-trace.js';
import { classifyAll } from '../classify/classify.js';
import { arbTraceSpans, mkSpan, mkTrace } from '../critical-path/testing/spans.js';
import { CATEGORIES, emptyBreakdown } from '../model/categories.js';
import type { Fix } from '../model/analysis.js';
import type { Span } from '../model/span.js';
import type { Profile } from '../model/profile.js';

describe('percentiles (nearest rank)', () => {
  it('picks observed values', () => {
    const v = Float64Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(percentileSorted(v, 0.5)).toBe(50);
    expect(percentileSorted(v, 0.95)).toBe(100);
    expect(percentileSorted(v, 0.1)).toBe(10);
    expect(percentileSorted(new Float64Array(0), 0.5)).toBe(0);
    expect(percentilesMs([3000, 1000, 2000])).toEqual({ p50Ms: 2, p95Ms: 3, p99Ms: 3 });
  });
});

describe('verdict', () => {
  it('names the dominant group and its largest category', () => {
    expect(verdict({ ...emptyBreakdown(), db: 71, cpu: 29 })).toBe('Mostly waiting: 71 % of request time is the database.');
    expect(verdict({ ...emptyBreakdown(), cpu: 60, gc: 10, db: 30 })).toBe('Mostly computing: 60 % of request time is CPU work.');
    expect(verdict({ ...emptyBreakdown(), queued: 55, cpu: 45 })).toBe('Mostly queued: 55 % of request time is queued behind other work on the event loop.');
    expect(verdict({ ...emptyBreakdown(), db: 30, cache: 10, cpu: 35, queued: 25 })).toBe(
      'Mixed, waiting leads with 40 %: 30 % of request time is the database.',
    );
    expect(verdict(emptyBreakdown())).toBe('No request time to analyze.');
  });
});

describe('thin', () => {
  it('keeps the peak of each bucket and at most `max` points', () => {
    const pts = Array.from({ length: 100 }, (_, i) => ({ i, w: i === 37 ? 1000 : i % 7 }));
    const out = thin(pts, (p) => p.w, 10);
    expect(out).toHaveLength(10);
    expect(out.some((p) => p.i === 37)).toBe(true);
    expect(thin(pts, (p) => p.w, 200)).toBe(pts);
  });
});

describe('trace details', () => {
  function wideTrace(n: number, traceId: string) {
    const spans: Span[] = [mkSpan('r', undefined, 0, 10_000)];
    for (let i = 0; i < n; i++) spans.push(mkSpan(`c${i}`, 'r', i, i + 1 + (i % 50), { kind: 'client', attributes: { 'db.system': 'mysql', 'db.statement': `SELECT ${i}` } }));
    spans.push(mkSpan('long', 'r', 100, 9000, { kind: 'client', attributes: { 'http.method': 'GET', 'url.full': 'http://u:p@h/x?q=1' } }));
    spans.push(mkSpan('inner', 'long', 200, 8000));
    return analyzeTrace(mkTrace(classifyAll(spans), traceId), undefined);
  }

  it('bounds the span count, keeping the critical path and the ancestors of what it keeps', () => {
    const d = traceDetail(wideTrace(1000, 'w1'), 'slowest', true, 50);
    expect(d.truncated).toBe(true);
    expect(d.spans.length).toBeLessThanOrEqual(50 + 2);
    const ids = new Set(d.spans.map((s) => s.spanId));
    for (const seg of d.criticalPath) expect(ids.has(seg.spanId)).toBe(true);
    // The path keeps its exact times and categories: it still tiles the trace and sums per category.
    let at = 0;
    const sum = emptyBreakdown();
    for (const seg of d.criticalPath) {
      expect(seg.startMs).toBeCloseTo(at, 9);
      at = seg.endMs;
      sum[seg.category] += seg.endMs - seg.startMs;
    }
    expect(at).toBe(10);
    for (const c of CATEGORIES) expect(sum[c]).toBeCloseTo(d.breakdown[c], 9);
    // The longest piece of path, the HTTP call, is kept.
    expect(ids.has('long')).toBe(true);
    for (const s of d.spans) if (s.parentSpanId) expect(ids.has(s.parentSpanId)).toBe(true);
    const long = d.spans.find((s) => s.spanId === 'long')!;
    expect(long.attributes.url).toBe('http://h/x');
    expect(d.spans.find((s) => s.spanId === 'c5')?.attributes['db.statement'] ?? 'SELECT ?').toBe('SELECT ?');
  });

  it('a small trace is complete, times relative to the trace start', () => {
    const d = traceDetail(wideTrace(3, 'w2'), 'representative', false);
    expect(d.truncated).toBeUndefined();
    expect(d.spans).toHaveLength(6);
    expect(d.spans.find((s) => s.spanId === 'long')!.attributes.url).toBe('http://u:p@h/x?q=1');
    expect(d.criticalPath[0].startMs).toBe(0);
    expect(d.criticalPath[d.criticalPath.length - 1].endMs).toBe(10);
  });

  it('selection: slowest per endpoint, then evidence, then representative; bounded; no duplicates', () => {
    const mk = (id: string, route: string, dur: number) =>
      analyzeTrace(mkTrace([mkSpan('r', undefined, 0, dur, { attributes: { 'http.route': route } })], id), undefined);
    const traces = [mk('a1', '/a', 10), mk('a2', '/a', 30), mk('a3', '/a', 20), mk('b1', '/b', 5), mk('b2', '/b', 7)];
    const eps = summarizeEndpoints(traces);
    const fix = { evidence: [{ traceId: 'b1', spanIds: [] }, { traceId: 'zz', spanIds: [] }] } as unknown as Fix;
    const picked = selectDetailTraces(eps, traces, [fix], 10).map((p) => [p.trace.trace.traceId, p.why]);
    expect(picked).toEqual([
      ['a2', 'slowest'],
      ['b2', 'slowest'],
      ['b1', 'evidence'],
      ['a3', 'representative'],
    ]);
    expect(selectDetailTraces(eps, traces, [fix], 1)).toHaveLength(1);
  });
});

describe('endpoint fractions (property)', () => {
  it('sum to 1 ± 0.001 and breakdowns sum to the durations', () => {
    fc.assert(
      fc.property(fc.array(arbTraceSpans, { minLength: 1, maxLength: 5 }), (many) => {
        const traces = many.map((spans, i) => analyzeTrace(mkTrace(classifyAll(spans), `t${i}`), undefined));
        for (const e of summarizeEndpoints(traces)) {
          let total = 0;
          for (const c of CATEGORIES) total += e.breakdown[c];
          if (total > 0) {
            const f = e.fractions;
            expect(Math.abs(f.waiting + f.computing + f.queued + f.unattributed - 1)).toBeLessThan(0.001);
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('profile summary', () => {
  it('prunes flamegraph nodes under 0.1 % and counts recursion once in totals', () => {
    const profile: Profile = {
      source: 'p',
      format: 'folded',
      timed: false,
      frames: [
        { name: 'main', origin: 'app' },
        { name: 'rec', origin: 'app' },
        { name: 'tiny', origin: 'dependency' },
      ],
      stacks: [[0, 1, 1, 1], [0, 2]],
      samples: [
        { stack: 0, weightUs: 999_000 },
        { stack: 1, weightUs: 500 },
      ],
    };
    const p = summarizeProfile(profile, []);
    const rec = p.hotFunctions.find((h) => h.name === 'rec')!;
    expect([rec.selfMs, rec.totalMs]).toEqual([999, 999]);
    expect(rec.onCriticalPathMs).toBeUndefined();
    expect(p.flamegraph.children[0].children.map((c) => c.name)).toEqual(['rec']); // tiny (0.05 %) pruned
    expect(p.byOrigin.dependency).toBe(0.5);
  });
});
