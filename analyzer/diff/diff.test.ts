import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyBreakdown, fractionsOf, type Breakdown } from '../model/categories.js';
import type { Analysis, EndpointSummary, Fix } from '../model/analysis.js';
import { computeDiff, fixKey } from './diff.js';

function bd(parts: Partial<Breakdown>): Breakdown {
  return { ...emptyBreakdown(), ...parts };
}

function endpoint(name: string, count: number, p95Ms: number, mean: Partial<Breakdown>): EndpointSummary {
  const meanBreakdown = bd(mean);
  const breakdown = emptyBreakdown();
  for (const k of Object.keys(meanBreakdown) as (keyof Breakdown)[]) breakdown[k] = meanBreakdown[k] * count;
  return { service: 'api', name, language: 'nodejs', count, errors: 0, p50Ms: p95Ms / 2, p95Ms, p99Ms: p95Ms * 1.2, breakdown, fractions: fractionsOf(breakdown), meanBreakdown, p95Breakdown: meanBreakdown };
}

function fix(detector: Fix['detector'], confidence: Fix['confidence'], details: Fix['details'], endpointName = 'GET /a', title = `fix ${detector}`): Fix {
  return {
    rank: 1,
    detector,
    title,
    why: 'because',
    savingMs: 10,
    savingFraction: 0.1,
    standaloneSavingMs: 10,
    confidence,
    service: 'api',
    endpoint: endpointName,
    affectedTraces: 1,
    advice: { language: 'nodejs', text: 'do it' },
    evidence: [],
    ...(details ? { details } : {}),
  };
}

/** An analysis whose only meaningful numbers are the ones given. */
function analysis(o: { traces: number; p95Ms: number; total: Partial<Breakdown>; endpoints?: EndpointSummary[]; fixes?: Fix[] }): Analysis {
  const breakdown = bd(o.total);
  const criticalPathMs = Object.values(breakdown).reduce((a, b) => a + b, 0);
  return {
    schemaVersion: 1,
    generator: { name: 'timesink', version: '0', createdAt: '' },
    inputs: { files: [], services: ['api'], languages: ['nodejs'], startEpochMs: 0, endEpochMs: 0, hasRuntimeData: false, hasOnThreadData: false },
    summary: { traces: o.traces, spans: 0, criticalPathMs, breakdown, fractions: fractionsOf(breakdown), p50Ms: o.p95Ms / 2, p95Ms: o.p95Ms, p99Ms: o.p95Ms, verdict: '' },
    endpoints: o.endpoints ?? [],
    services: [],
    fixes: o.fixes ?? [],
    traces: [],
    timelines: [],
    partial: false,
    warnings: [],
    redacted: false,
  };
}

describe('computeDiff', () => {
  it('normalises category totals per request, so different trace counts compare fairly', () => {
    const before = analysis({ traces: 10, p95Ms: 100, total: { db: 500, cpu: 100 } });
    const after = analysis({ traces: 20, p95Ms: 100, total: { db: 400, cpu: 200 } });
    const d = computeDiff(before, after);
    const db = d.overall.categories.find((c) => c.category === 'db')!;
    expect(db.beforeMs).toBe(50);
    expect(db.afterMs).toBe(20);
    expect(db.deltaMs).toBe(-30);
    expect(d.overall.meanMs.beforeMs).toBe(60);
    expect(d.overall.meanMs.afterMs).toBe(30);
    expect(d.regressed).toBe(false);
    expect(d.improvements.some((s) => s.includes('Critical path per request fell'))).toBe(true);
  });

  it('flags p95 worse by more than 10 % and more than 5 ms', () => {
    const d = computeDiff(analysis({ traces: 1, p95Ms: 100, total: { db: 50 } }), analysis({ traces: 1, p95Ms: 116, total: { db: 50 } }));
    expect(d.regressed).toBe(true);
    expect(d.reasons[0]).toMatch(/p95 latency rose from 100 ms to 116 ms \(\+16 %\)/);
  });

  it('does not flag a large relative change that is tiny in ms, nor a small relative change that is large in ms', () => {
    const tiny = computeDiff(analysis({ traces: 1, p95Ms: 2, total: { db: 2 } }), analysis({ traces: 1, p95Ms: 6, total: { db: 6 } }));
    expect(tiny.regressed).toBe(false);
    const big = computeDiff(analysis({ traces: 1, p95Ms: 2000, total: { db: 2000 } }), analysis({ traces: 1, p95Ms: 2150, total: { db: 2150 } }));
    expect(big.regressed).toBe(false);
  });

  it('flags a rise in mean critical path per request even when p95 holds', () => {
    const d = computeDiff(analysis({ traces: 4, p95Ms: 100, total: { db: 200 } }), analysis({ traces: 4, p95Ms: 100, total: { db: 280 } }));
    expect(d.regressed).toBe(true);
    expect(d.reasons).toHaveLength(1);
    expect(d.reasons[0]).toMatch(/Critical path per request rose from 50 ms to 70 ms/);
  });

  it('matches endpoints by service and name, flags an endpoint p95 regression only with enough requests', () => {
    const before = analysis({ traces: 30, p95Ms: 100, total: { db: 30 }, endpoints: [endpoint('GET /a', 20, 50, { db: 40 }), endpoint('GET /b', 3, 50, { db: 40 }), endpoint('GET /gone', 5, 10, {})] });
    const after = analysis({ traces: 30, p95Ms: 100, total: { db: 30 }, endpoints: [endpoint('GET /a', 20, 70, { db: 60 }), endpoint('GET /b', 3, 500, { db: 40 }), endpoint('GET /new', 5, 10, {})] });
    const d = computeDiff(before, after);
    const a = d.endpoints.find((e) => e.name === 'GET /a')!;
    expect(a.presence).toBe('both');
    expect(a.p95!.deltaMs).toBe(20);
    expect(a.categories.find((c) => c.category === 'db')!.deltaMs).toBe(20);
    expect(a.regressed).toBe(true);
    expect(d.endpoints.find((e) => e.name === 'GET /b')!.regressed).toBe(false);
    expect(d.endpoints.find((e) => e.name === 'GET /gone')!.presence).toBe('before-only');
    expect(d.endpoints.find((e) => e.name === 'GET /new')!.presence).toBe('after-only');
    expect(d.regressed).toBe(true);
    expect(d.reasons).toEqual([expect.stringContaining('api GET /a: p95 rose from 50 ms to 70 ms')]);
  });

  it('classifies fixes as resolved, new and still open by detector, service, endpoint and key detail', () => {
    const before = analysis({
      traces: 1,
      p95Ms: 10,
      total: { db: 10 },
      fixes: [fix('n-plus-one', 'high', { calls: 12, statement: 'SELECT a' }, 'GET /a', '12 queries'), fix('sequential-io', 'medium', undefined), fix('slow-query', 'high', { statement: 'SELECT b' })],
    });
    const after = analysis({
      traces: 1,
      p95Ms: 10,
      total: { db: 10 },
      // Same N+1 (title and call count changed, statement did not); slow-query now on another statement.
      fixes: [fix('n-plus-one', 'high', { calls: 30, statement: 'SELECT a' }, 'GET /a', '30 queries'), fix('slow-query', 'low', { statement: 'SELECT c' })],
    });
    const d = computeDiff(before, after);
    const by = (s: string) => d.fixes.filter((f) => f.status === s).map((f) => `${f.detector}:${f.title}`);
    expect(by('still-open')).toEqual(['n-plus-one:30 queries']);
    expect(by('resolved').sort()).toEqual(['sequential-io:fix sequential-io', 'slow-query:fix slow-query']);
    expect(by('new')).toEqual(['slow-query:fix slow-query']);
    // The new fix is low confidence: no regression from fixes.
    expect(d.regressed).toBe(false);
  });

  it('a new high-confidence fix is a regression on its own', () => {
    const d = computeDiff(analysis({ traces: 1, p95Ms: 10, total: { db: 10 } }), analysis({ traces: 1, p95Ms: 10, total: { db: 10 }, fixes: [fix('sync-io', 'high', { function: 'readFileSync' })] }));
    expect(d.regressed).toBe(true);
    expect(d.reasons[0]).toMatch(/New high-confidence problem: fix sync-io/);
  });

  it('pairs duplicate keys one to one', () => {
    const two = [fix('n-plus-one', 'low', undefined), fix('n-plus-one', 'low', undefined)];
    const d = computeDiff(analysis({ traces: 1, p95Ms: 1, total: {}, fixes: two }), analysis({ traces: 1, p95Ms: 1, total: {}, fixes: [two[0]!] }));
    expect(d.fixes.map((f) => f.status).sort()).toEqual(['resolved', 'still-open']);
  });

  it('fixKey ignores titles and sizes but not identity', () => {
    expect(fixKey(fix('n-plus-one', 'high', { calls: 1, statement: 'S' }, 'GET /a', 'x'))).toBe(fixKey(fix('n-plus-one', 'low', { calls: 9, statement: 'S' }, 'GET /a', 'y')));
    expect(fixKey(fix('n-plus-one', 'high', { statement: 'S' }, 'GET /a'))).not.toBe(fixKey(fix('n-plus-one', 'high', { statement: 'S' }, 'GET /b')));
  });

  it('thresholds can be tightened', () => {
    const before = analysis({ traces: 1, p95Ms: 100, total: { db: 100 } });
    const after = analysis({ traces: 1, p95Ms: 104, total: { db: 100 } });
    expect(computeDiff(before, after).regressed).toBe(false);
    expect(computeDiff(before, after, { relative: 0.02, absoluteMs: 1 }).regressed).toBe(true);
  });
});

describe('computeDiff properties', () => {
  const arbBreakdown = fc.record({ db: fc.nat(10_000), network: fc.nat(10_000), cpu: fc.nat(10_000), queued: fc.nat(1000) });
  const detectors = ['n-plus-one', 'sequential-io', 'slow-query', 'sync-io'] as const;
  const arbFix = fc.record({ d: fc.constantFrom(...detectors), conf: fc.constantFrom('high', 'medium', 'low') as fc.Arbitrary<Fix['confidence']>, stmt: fc.constantFrom('A', 'B', 'C') });
  const arbAnalysis = fc
    .record({ traces: fc.integer({ min: 1, max: 500 }), p95Ms: fc.nat(2000), total: arbBreakdown, fixes: fc.array(arbFix, { maxLength: 6 }) })
    .map((o) => analysis({ traces: o.traces, p95Ms: o.p95Ms, total: o.total, fixes: o.fixes.map((f) => fix(f.d, f.conf, { statement: f.stmt })) }));

  it('an analysis compared with itself has not regressed and every fix is still open', () => {
    fc.assert(
      fc.property(arbAnalysis, (a) => {
        const d = computeDiff(a, a);
        expect(d.regressed).toBe(false);
        expect(d.fixes.every((f) => f.status === 'still-open')).toBe(true);
        expect(d.overall.categories.every((c) => c.deltaMs === 0)).toBe(true);
      }),
    );
  });

  it('swapping sides negates every delta, and fixes are partitioned one to one', () => {
    fc.assert(
      fc.property(arbAnalysis, arbAnalysis, (a, b) => {
        const ab = computeDiff(a, b);
        const ba = computeDiff(b, a);
        ab.overall.categories.forEach((c, i) => expect(c.deltaMs + ba.overall.categories[i]!.deltaMs).toBeCloseTo(0, 9));
        expect(ab.overall.p95.deltaMs + ba.overall.p95.deltaMs).toBe(0);
        const n = (s: string) => ab.fixes.filter((f) => f.status === s).length;
        expect(n('resolved') + n('still-open')).toBe(a.fixes.length);
        expect(n('new') + n('still-open')).toBe(b.fixes.length);
        expect(ba.fixes.filter((f) => f.status === 'resolved').length).toBe(n('new'));
      }),
    );
  });
});
