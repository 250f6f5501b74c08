import { describe, expect, it } from 'vitest';
import type { Analysis, DetectorId, Fix, Saturation } from '../../analyzer/model/analysis.js';
import type { Fractions } from '../../analyzer/model/categories.js';
import { analysisWith } from '../fixtures/analysis.js';
import { checkHiddenQueueing, compare, formatTable } from './compare.js';
import type { Expected } from './expectations.js';

function fix(rank: number, detector: DetectorId, savingMs: number): Fix {
  return {
    rank,
    detector,
    title: detector,
    why: '',
    savingMs,
    savingFraction: 0,
    standaloneSavingMs: savingMs,
    confidence: 'high',
    service: 's',
    affectedTraces: 1,
    advice: { language: 'nodejs', text: '' },
    evidence: [],
  };
}

/** The shared fixture with the fractions and fixes under test (compare reads only these and the total). */
function analysis(fixes: Fix[], fractions: Fractions, criticalPathMs = 10_000): Analysis {
  const a = analysisWith({ db: criticalPathMs });
  return { ...a, fixes, summary: { ...a.summary, criticalPathMs, fractions } };
}

const waitingOnly: Fractions = { waiting: 0.97, computing: 0.02, queued: 0.01, unattributed: 0 };
const expected: Expected = { detector: 'n-plus-one', savingMs: 1000, fractions: { waiting: 1, computing: 0, queued: 0 } };

describe('compare', () => {
  it('passes when the detector, saving and fractions are within tolerance', () => {
    const row = compare('orders', analysis([fix(2, 'sequential-io', 100), fix(1, 'n-plus-one', 1200)], waitingOnly), expected);
    expect(row.failures).toEqual([]);
    expect(row.pass).toBe(true);
    expect(row.measuredDetector).toBe('n-plus-one');
  });
  it('fails when another detector ranks first, and says where the expected one is', () => {
    const row = compare('orders', analysis([fix(1, 'sequential-io', 2000), fix(2, 'n-plus-one', 1000)], waitingOnly), expected);
    expect(row.pass).toBe(false);
    expect(row.failures.join()).toMatch(/expected n-plus-one ranked #1, got sequential-io .* n-plus-one is #2/);
  });
  it('fails when the saving is off by more than 25 %', () => {
    expect(compare('orders', analysis([fix(1, 'n-plus-one', 1260)], waitingOnly), expected).pass).toBe(false);
    expect(compare('orders', analysis([fix(1, 'n-plus-one', 740)], waitingOnly), expected).pass).toBe(false);
    expect(compare('orders', analysis([fix(1, 'n-plus-one', 760)], waitingOnly), expected).pass).toBe(true);
  });
  it('fails when a fraction is off by more than 5 points', () => {
    const row = compare('orders', analysis([fix(1, 'n-plus-one', 1000)], { waiting: 0.94, computing: 0.06, queued: 0, unattributed: 0 }), expected);
    expect(row.failures).toHaveLength(2);
    expect(row.failures[0]).toMatch(/^waiting 94.0% vs expected 100.0%/);
  });
  it('when only waiting is planted, checks waiting and the sum of computing and queued, not their split', () => {
    const waitingOnlyTruth: Expected = { detector: 'n-plus-one', savingMs: 1000, fractions: { waiting: 0.95, computingPlusQueued: 0.05 } };
    // 2 % computing + 3 % queued or 5 % + 0 %: the split is not planted, both pass.
    expect(compare('orders', analysis([fix(1, 'n-plus-one', 1000)], { waiting: 0.95, computing: 0.02, queued: 0.03, unattributed: 0 }), waitingOnlyTruth).pass).toBe(true);
    expect(compare('orders', analysis([fix(1, 'n-plus-one', 1000)], { waiting: 0.95, computing: 0.05, queued: 0, unattributed: 0 }), waitingOnlyTruth).pass).toBe(true);
    const row = compare('orders', analysis([fix(1, 'n-plus-one', 1000)], { waiting: 0.89, computing: 0.04, queued: 0.07, unattributed: 0 }), waitingOnlyTruth);
    expect(row.failures).toEqual([
      'waiting 89.0% vs expected 95.0% (off by 6.0 points, limit 5)',
      'computing + queued 11.0% vs expected 5.0% (off by 6.0 points, limit 5)',
    ]);
    // Unattributed time counts against the sum too.
    const unattributed = compare('orders', analysis([fix(1, 'n-plus-one', 1000)], { waiting: 0.93, computing: 0, queued: 0, unattributed: 0.07 }), {
      ...waitingOnlyTruth,
      fractions: { waiting: 0.9, computingPlusQueued: 0.1 },
    });
    expect(unattributed.failures).toEqual(['computing + queued 0.0% vs expected 10.0% (off by 10.0 points, limit 5)']);
    expect(formatTable([row])).toMatch(/\| 95.0% \/ 5.0% \(computing \+ queued\) \| 89.0% \/ 4.0% \/ 7.0% \| – \/ no warning \| NO \|/);
  });
  it('checks where the #1 fix points and which category holds the waiting, when the truth says', () => {
    const f = { ...fix(1, 'sync-io', 100), evidence: [{ traceId: 't', spanIds: [], location: 'samples/apps/shell/server.cjs:21' }] };
    const expected: Expected = { detector: 'sync-io', savingMs: 100, fractions: { waiting: 0.4, computingPlusQueued: 0.6 }, location: 'shell/server.cjs:21', waitingCategory: 'sync_io' };
    const fractions = { waiting: 0.4, computing: 0.1, queued: 0.5, unattributed: 0 };
    const base = analysis([f], fractions);
    const right = { ...base, summary: { ...base.summary, breakdown: { ...base.summary.breakdown, db: 0, sync_io: 4000, cpu: 1000, queued: 5000 } } };
    expect(compare('shell', right, expected).failures).toEqual([]);
    // The same waiting in another category (an uninstrumented wait), and the fix at another line: both fail.
    const wrong = { ...right, fixes: [{ ...f, evidence: [{ traceId: 't', spanIds: [], location: 'samples/apps/shell/server.cjs:31' }] }], summary: { ...right.summary, breakdown: { ...right.summary.breakdown, sync_io: 0, uninstrumented_wait: 4000 } } };
    expect(compare('shell', wrong, expected).failures).toEqual([
      '#1 points at samples/apps/shell/server.cjs:31, expected shell/server.cjs:21',
      'sync_io 0.0% vs expected waiting 40.0% (limit 5 points)',
    ]);
  });
  it('fails with no fixes when one is expected', () => {
    expect(compare('orders', analysis([], waitingOnly), expected).failures[0]).toMatch(/got no fixes/);
  });
  it('control: fails when any fix claims more than 5 % of the total', () => {
    const control: Expected = { detector: null, fractions: { waiting: 1, computing: 0, queued: 0 }, maxFixFraction: 0.05 };
    expect(compare('clean', analysis([fix(1, 'slow-query', 400)], waitingOnly), control).pass).toBe(true);
    const row = compare('clean', analysis([fix(1, 'slow-query', 600)], waitingOnly), control);
    expect(row.pass).toBe(false);
    expect(row.largestFixFraction).toBeCloseTo(0.06);
  });
  it('formats a table with one line per app and the reasons for failures', () => {
    const rows = [
      compare('orders', analysis([fix(1, 'n-plus-one', 1000)], waitingOnly), expected),
      compare('orders2', analysis([fix(1, 'sequential-io', 1000)], waitingOnly), expected),
    ];
    const table = formatTable(rows);
    expect(table.split('\n').filter((l) => l.startsWith('| orders'))).toHaveLength(2);
    expect(table).toMatch(/\| orders \| n-plus-one \| n-plus-one \| 1000 ms \| 1000 ms \| 100.0% \/ 0.0% \/ 0.0% \| 97.0% \/ 2.0% \/ 1.0% \| – \/ no warning \| yes \|/);
    expect(table).toMatch(/- orders2: expected n-plus-one ranked #1, got sequential-io/);
  });
});

describe('checkHiddenQueueing', () => {
  const withWarning = (valueMs?: number): Analysis => {
    const a = analysis([fix(1, 'n-plus-one', 1000)], waitingOnly);
    if (valueMs !== undefined) a.warnings.push({ code: 'queued-before-first-span', message: '', count: 1, valueMs });
    return a;
  };
  const check = (valueMs: number | undefined, clientMs: number, appRequestMs: number) => {
    const a = withWarning(valueMs);
    return checkHiddenQueueing(compare('thumbnails', a, expected), a, { clientMs, appRequestMs });
  };

  it('where clients waited a real share before the handlers, wants the warning within +25 % / −40 %', () => {
    // 12,000 ms at the clients, 6,000 ms in the handlers: 6,000 ms unseen.
    expect(check(5000, 12_000, 6000).pass).toBe(true);
    expect(check(7400, 12_000, 6000).pass).toBe(true);
    expect(check(3700, 12_000, 6000).pass).toBe(true);
    expect(check(7600, 12_000, 6000).failures.join()).toContain('queued before first span 7600 ms vs expected 6000 ms');
    expect(check(3500, 12_000, 6000).failures.join()).toContain('queued before first span 3500 ms vs expected 6000 ms');
    expect(check(undefined, 12_000, 6000).failures.join()).toContain('no queued-before-first-span warning');
  });

  it('where they hardly waited, wants no warning; in between, checks nothing', () => {
    expect(check(undefined, 10_000, 9900).pass).toBe(true);
    expect(check(500, 10_000, 9900).failures.join()).toContain('where the clients waited only 100 ms');
    expect(check(500, 10_000, 9400).pass).toBe(true); // 6 %: between the two shares
  });

  it('an estimate that says it is an upper bound may lie above the truth by any amount, but not below its tolerance', () => {
    const upper = (valueMs: number) => {
      const a = withWarning(valueMs);
      a.saturation = saturationSection({ beforeFirstSpan: { requests: 10, totalMs: valueMs, bound: 'upper' } });
      return checkHiddenQueueing(compare('thumbnails', a, expected), a, { clientMs: 12_000, appRequestMs: 6000 });
    };
    expect(upper(12_000).pass).toBe(true);
    expect(upper(3500).failures.join()).toContain('queued before first span 3500 ms vs expected 6000 ms');
  });

  it('shows both in the table', () => {
    expect(formatTable([check(5000, 12_000, 6000)])).toContain('| 6000 ms / 5000 ms |');
    expect(formatTable([check(undefined, 10_000, 9900)])).toContain('| 100 ms / no warning |');
  });
});

function saturationSection(over: Partial<Saturation> = {}): Saturation {
  return {
    saturated: true,
    utilization: 0.97,
    queuedShare: 0.7,
    beforeFirstSpan: { requests: 0, totalMs: 0, bound: 'estimate' },
    requests: 800,
    windowMs: 16_000,
    throughputPerSec: 50,
    processes: 1,
    coresUsed: 0.97,
    cpuMsPerRequest: 20,
    outsideSpansMsPerRequest: 3,
    saturationPerSec: 50,
    endpoints: [
      { endpoint: 'GET /quote/:id', requests: 400, cpuMsPerRequest: 24, cpuShare: 0.6 },
      { endpoint: 'GET /price/:id', requests: 400, cpuMsPerRequest: 16, cpuShare: 0.4 },
    ],
    hotFunctions: [],
    sentence: '',
    ...over,
  };
}

describe('compare: a saturated loop', () => {
  const want: Expected = {
    detector: null,
    fractions: { waiting: 0, computing: 1, queued: 0 },
    saturation: { cpuMsPerRequest: 21, endpoints: { 'GET /quote/:id': 25, 'GET /price/:id': 17 } },
  };
  const of = (sat: Saturation | undefined, verdict = 'Saturated: …') => {
    const a = analysis([], { waiting: 0, computing: 1, queued: 0, unattributed: 0 });
    return compare('saturated', { ...a, summary: { ...a.summary, verdict }, ...(sat ? { saturation: sat } : {}) }, want);
  };

  it('passes when saturation leads the verdict and the event-loop time per request is within 15 %, overall and per endpoint', () => {
    expect(of(saturationSection()).failures).toEqual([]);
  });

  it('fails when the loop is not called saturated, or the verdict leads with something else', () => {
    expect(of(saturationSection({ saturated: false })).failures.join()).toContain('not called saturated');
    expect(of(saturationSection(), 'Mostly computing: 95 % of request time is CPU work.').failures.join()).toContain('not called saturated');
    expect(of(undefined).failures.join()).toContain('no saturation section');
  });

  it('fails when the time per request, the rate or an endpoint is off by more than 15 %', () => {
    const slow = of(saturationSection({ cpuMsPerRequest: 25, saturationPerSec: 40 })).failures.join();
    expect(slow).toContain('event-loop ms per request 25.00 vs expected 21.00');
    expect(slow).toContain('saturation req/s 40.00 vs expected 47.62');
    const ep = of(saturationSection({ endpoints: [{ endpoint: 'GET /quote/:id', requests: 400, cpuMsPerRequest: 30, cpuShare: 1 }] })).failures.join();
    expect(ep).toContain('GET /quote/:id event-loop ms per request 30.00 vs expected 25.00');
    expect(ep).toContain('no event-loop time for GET /price/:id');
  });
});
