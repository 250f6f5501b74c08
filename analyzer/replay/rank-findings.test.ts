import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { rankFindings } from './rank-findings.js';
import type { Change } from './change.js';
import type { Finding } from '../detectors/types.js';
import type { DetectorId } from '../model/analysis.js';
import { TraceBuilder, analyzeAll, contextOf, sql, totalUs } from '../detectors/testing/builder.js';
import { findFixes } from '../detectors/index.js';
import type { AnalyzedTrace } from '../model/trace.js';

function finding(detector: DetectorId, changes: [string, Change[]][], title: string = detector): Finding {
  return {
    detector,
    title,
    why: '',
    confidence: 'medium',
    service: 's',
    advice: { language: 'nodejs', text: '' },
    evidence: [],
    changes: new Map(changes),
  };
}

/** root [0,100] with sequential SELECTs [10,30] [30,60] [60,90]. */
function sequential() {
  const b = new TraceBuilder();
  const root = b.root({ name: 'r', start: 0, end: 100 });
  const ids = [b.add(root, sql('SELECT a', 10, 30)), b.add(root, sql('SELECT b', 30, 60)), b.add(root, sql('SELECT c', 60, 90))];
  return { at: analyzeAll([b.build()])[0], ids };
}

describe('rankFindings', () => {
  it('ranks by standalone saving and reports marginal savings that add up to the combined effect', () => {
    const { at, ids } = sequential();
    const id = at.trace.traceId;
    const par = finding('sequential-io', [[id, [{ type: 'parallelize', spanIds: ids }]]]); // saves 50
    const rm = finding('slow-query', [[id, [{ type: 'shorten', spanId: ids[1], byUs: 20_000 }]]]); // saves 20 alone
    const caps: Change[] = [{ type: 'cap', spanId: ids[1], maxUs: 10_000 }, { type: 'cap', spanId: ids[2], maxUs: 10_000 }];
    const capped = finding('missing-timeout', [[id, caps]]); // saves 20 + 20 alone
    const fixes = rankFindings([rm, par, capped], [at], 100_000, 10);
    expect(fixes.map((f) => [f.rank, f.detector])).toEqual([[1, 'sequential-io'], [2, 'missing-timeout']]);
    expect(fixes[0].savingMs).toBeCloseTo(50, 6);
    expect(fixes[0].savingFraction).toBeCloseTo(0.5, 6);
    // After parallelizing, the group waits max(20, 30, 30) = 30; with both capped at 10 ms, max(20, 10, 10) = 20.
    // slow-query (20 alone, nothing after the parallelization) is not listed.
    expect(fixes[1].standaloneSavingMs).toBeCloseTo(40, 6);
    expect(fixes[1].savingMs).toBeCloseTo(10, 6);
  });

  it('a fix whose marginal saving is 0 after the ones above is not a fix: dropped, the rest re-priced', () => {
    const { at, ids } = sequential();
    const id = at.trace.traceId;
    const par = finding('sequential-io', [[id, [{ type: 'parallelize', spanIds: ids }]]]); // saves 50
    // Alone it saves 20; after parallelizing, the group waits max(20, 10, 30) = 30: nothing.
    const rm = finding('slow-query', [[id, [{ type: 'shorten', spanId: ids[1], byUs: 20_000 }]]]);
    const fixes = rankFindings([rm, par], [at], 100_000, 10);
    expect(fixes.map((f) => f.detector)).toEqual(['sequential-io']);
    // Without the fix above it, it is one.
    expect(rankFindings([rm], [at], 100_000, 10).map((f) => f.savingMs)).toEqual([20]);
  });

  it('floors: 1 ms per affected request, 1 % of its endpoint and a thousandth of the total, all standalone', () => {
    const { at, ids } = sequential();
    const id = at.trace.traceId;
    const small = finding('slow-query', [[id, [{ type: 'shorten', spanId: ids[0], byUs: 900 }]]]); // 0.9 ms in 1 request
    const enough = finding('slow-query', [[id, [{ type: 'shorten', spanId: ids[0], byUs: 1000 }]]], 'enough');
    expect(rankFindings([small], [at], 100_000, 10)).toHaveLength(0);
    expect(rankFindings([enough], [at], 100_000, 10)).toHaveLength(1);
    expect(rankFindings([small], [at], 100_000, 10, { minSavingPerRequestUs: 500, minEndpointShare: 0 })).toHaveLength(1);
    // A share floor: 1 ms of a 2 s total is half a thousandth.
    expect(rankFindings([enough], [at], 2_000_000, 10)).toHaveLength(0);
    // An informational finding with changes is priced like any other; one without (an untimed profile) stays.
    const timedHot = finding('hot-function', [[id, [{ type: 'shorten', spanId: at.trace.root.spanId, byUs: 300 }]]]);
    expect(rankFindings([timedHot], [at], 100_000, 10)).toHaveLength(0);
    expect(rankFindings([finding('hot-function', [])], [at], 100_000, 10, { informational: new Set<DetectorId>(['hot-function']) })).toHaveLength(1);
  });

  it('endpoint floor: 1 % of the time of the requests of the endpoints a fix touches, however few it changes', () => {
    // Four requests of one endpoint (100 ms each) and one of a rare one (100 ms).
    const common = [sequential(), sequential(), sequential(), sequential()];
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /rare', route: '/rare', start: 0, end: 100 });
    const rareQuery = b.add(root, sql('SELECT rare', 10, 90));
    const rare = analyzeAll([b.build()])[0];
    const traces = [...common.map((c) => c.at), rare];
    const total = totalUs(traces);
    const shorten = (at: AnalyzedTrace, spanId: string, byUs: number, title: string) =>
      finding('slow-query', [[at.trace.traceId, [{ type: 'shorten', spanId, byUs }]]], title);
    // One hiccup in one of the 4 common requests: 3 ms of 400 ms is under 1 %, though 3 ms per affected request.
    const hiccup = shorten(common[0].at, common[0].ids[1], 3000, 'hiccup');
    // 5 ms of that one request: 1.25 % of its endpoint's 400 ms.
    const real = shorten(common[0].at, common[0].ids[1], 5000, 'real');
    // The rare endpoint halved: 40 ms of its 100 ms, a tenth of all request time.
    const rareFix = shorten(rare, rareQuery, 40_000, 'rare');
    expect(rankFindings([hiccup, real, rareFix], traces, total, 10).map((f) => f.title)).toEqual(['rare', 'real']);
  });

  it('affected floor: a fix must change at least 1 % of the requests of its endpoints', () => {
    // 101 requests of one endpoint; a fix of 20 ms in one of them passes every time floor but is seen once in 101.
    const many = Array.from({ length: 101 }, () => sequential());
    const traces = many.map((m) => m.at);
    const total = totalUs(traces);
    const once = finding('gc-pressure', [[many[0].at.trace.traceId, [{ type: 'remove', spanIds: [many[0].ids[0]] }]]], 'once');
    const twice = finding('gc-pressure', [0, 1].map((i) => [many[i].at.trace.traceId, [{ type: 'remove', spanIds: [many[i].ids[0]] }]]), 'twice');
    expect(rankFindings([once, twice], traces, total, 10, { minEndpointShare: 0 }).map((f) => f.title)).toEqual(['twice']);
    expect(rankFindings([once], traces, total, 10, { minEndpointShare: 0, minAffectedShare: 0 })).toHaveLength(1);
  });

  it('findings of one change group become one fix with the joint replayed saving', () => {
    const { at, ids } = sequential();
    const id = at.trace.traceId;
    const group = { key: 'loop', title: 'Change the loop', why: 'both' };
    // Each alone: removing one of the three queries saves its own duration (20, 30).
    const a = { ...finding('n-plus-one', [[id, [{ type: 'remove', spanIds: [ids[0]] }]]], 'a'), changeGroup: group, confidence: 'high' as const };
    const b = { ...finding('n-plus-one', [[id, [{ type: 'remove', spanIds: [ids[1]] }]]], 'b'), changeGroup: group, confidence: 'medium' as const };
    const other = finding('slow-query', [[id, [{ type: 'remove', spanIds: [ids[2]] }]]], 'other');
    const fixes = rankFindings([a, other, b], [at], 100_000, 10);
    expect(fixes.map((f) => [f.title, f.savingMs])).toEqual([
      ['Change the loop', 50],
      ['other', 30],
    ]);
    expect(fixes[0].confidence).toBe('medium');
    expect(fixes[0].details).toEqual({ mergedFindings: 2 });
    // Different keys never merge.
    const b2 = { ...b, changeGroup: { ...group, key: 'another loop' } };
    expect(rankFindings([a, b2], [at], 100_000, 10).map((f) => f.title)).toEqual(['b', 'a']);
  });

  it('drops findings with no saving unless informational, and cuts to top', () => {
    const { at, ids } = sequential();
    const id = at.trace.traceId;
    const none = finding('n-plus-one', [[id, []]]);
    const info = finding('hot-function', []);
    const a = finding('lock-contention', [[id, [{ type: 'remove', spanIds: [ids[0]] }]]]);
    const b = finding('pool-exhaustion', [[id, [{ type: 'remove', spanIds: [ids[1]] }]]]);
    const informational = new Set<DetectorId>(['hot-function']);
    expect(rankFindings([none, info, a, b], [at], 100_000, 10, { informational }).map((f) => f.detector)).toEqual(['pool-exhaustion', 'lock-contention', 'hot-function']);
    expect(rankFindings([none, info, a, b], [at], 100_000, 1, { informational })).toHaveLength(1);
    // Not informational: a finding with no saving goes like any other.
    expect(rankFindings([none, info, a, b], [at], 100_000, 10).map((f) => f.detector)).toEqual(['pool-exhaustion', 'lock-contention']);
  });

  it('skips a change that would lengthen a trace instead of reporting a negative saving', () => {
    const { at, ids } = sequential();
    const slowBatch = finding('n-plus-one', [[at.trace.traceId, [{ type: 'batch', spanIds: ids, durationUs: 500_000 }]]]);
    expect(rankFindings([slowBatch], [at], 100_000, 10)).toHaveLength(0);
  });

  it('property: every saving is within the total, and the savings together never exceed it', () => {
    fc.assert(
      fc.property(fixtureSet(), (traces) => {
        const total = totalUs(traces);
        const fixes = findFixes(contextOf(traces), total, 50);
        let sum = 0;
        for (const f of fixes) {
          expect(f.savingMs).toBeGreaterThanOrEqual(0);
          expect(f.savingMs * 1000).toBeLessThanOrEqual(total + 1e-6);
          sum += f.savingMs * 1000;
        }
        expect(sum).toBeLessThanOrEqual(total + 1e-6);
      }),
      { numRuns: 60 },
    );
  });

  it('property: random overlapping findings never promise more than the total', () => {
    fc.assert(
      fc.property(fixtureSet(), fc.array(fc.tuple(fc.nat(), fc.nat(), fc.nat({ max: 5 })), { maxLength: 12 }), (traces, picks) => {
        const findings = picks.map(([p, q, kind], i) => {
          const at = traces[p % traces.length];
          const ids = at.trace.spans.filter((s) => s.spanId !== at.trace.root.spanId).map((s) => s.spanId);
          const id = ids.length > 0 ? ids[q % ids.length] : at.trace.root.spanId;
          const change: Change =
            kind === 0 ? { type: 'remove', spanIds: [id] }
            : kind === 1 ? { type: 'parallelize', spanIds: ids }
            : kind === 2 ? { type: 'batch', spanIds: ids.slice(0, 3), durationUs: (q % 50) * 1000 }
            : kind === 3 ? { type: 'cap', spanId: id, maxUs: (q % 20) * 1000 }
            : kind === 4 ? { type: 'shorten', spanId: id, byUs: (q % 30) * 1000 }
            : { type: 'unqueue', spanId: at.trace.root.spanId, byUs: (q % 30) * 1000 };
          return finding('sequential-io', [[at.trace.traceId, [change]]], `f${i}`);
        });
        const total = totalUs(traces);
        const fixes = rankFindings(findings, traces, total, 100, { minSavingUs: 0 });
        const sum = fixes.reduce((s, f) => s + f.savingMs * 1000, 0);
        expect(sum).toBeLessThanOrEqual(total + 1e-6);
        for (const f of fixes) expect(f.savingFraction).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { numRuns: 100 },
    );
  });
});

/** 1-3 requests mixing the planted patterns: N+1 loops, sequential reads, pool waits, at random sizes. */
function fixtureSet(): fc.Arbitrary<AnalyzedTrace[]> {
  const request = fc.record({
    loop: fc.nat({ max: 12 }),
    seq: fc.nat({ max: 4 }),
    pool: fc.nat({ max: 30 }),
    ms: fc.integer({ min: 1, max: 20 }),
    overlap: fc.boolean(),
    /** On-thread work at the start of the request (ms): requests on one thread then queue behind each other. */
    busy: fc.nat({ max: 80 }),
    offset: fc.nat({ max: 60 }),
  });
  return fc.array(request, { minLength: 1, maxLength: 3 }).map((reqs) => {
    const built = reqs.map((r, k) => {
      const b = new TraceBuilder();
      const total = r.pool + (r.loop + r.seq) * r.ms + 10;
      const t0 = k * r.offset;
      const root = b.root({ name: 'GET /x', route: '/x', start: t0, end: t0 + total, onThread: r.busy > 0 ? [[t0, t0 + Math.min(r.busy, total)]] : undefined });
      let at = t0;
      if (r.pool > 0) b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: at, end: at + r.pool });
      at += r.pool;
      for (let i = 0; i < r.loop; i++) {
        const s = r.overlap ? at : at + i * r.ms;
        b.add(root, sql(`SELECT * FROM items WHERE id = ${i}`, s, s + r.ms));
      }
      at += r.loop * r.ms;
      for (let i = 0; i < r.seq; i++) b.add(root, sql(`SELECT * FROM t${i}`, at + i * r.ms, at + (i + 1) * r.ms));
      return b.build();
    });
    return analyzeAll(built);
  });
}
