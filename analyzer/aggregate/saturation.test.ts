import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { analyze } from '../analyze.js';
import { emptyRuntime } from '../model/runtime.js';
import type { Span } from '../model/span.js';
import type { Fix } from '../model/analysis.js';
import type { IngestResult } from '../ingest/types.js';
import { mkSpan } from '../critical-path/testing/spans.js';
import { isSaturated, openLoopQueueRatio, saturationOf, type SaturationInput } from './saturation.js';

const B = 1_700_000_000_000_000;

/**
 * `n` requests on one thread (pid 1), each `cpuMs` of JavaScript at the end of its span, on `clients` connections.
 * Closed loop with no gap (`gapMs` 0): request k's JavaScript runs [k·cpu, (k+1)·cpu) and its span starts when the
 * JavaScript of request k − clients ended (it was read then and waited for the clients − 1 ahead of it): the loop is
 * always busy, and a request queues (clients − 1)·cpu inside its span. With a gap, the loop idles `gapMs` between
 * requests and a request starts right before its own JavaScript.
 */
function loopInput(n: number, cpuMs: number, clients: number, gapMs = 0, endpoint = (k: number) => (k % 2 ? 'GET /b' : 'GET /a')): IngestResult {
  const spans: Span[] = [];
  const cpu = cpuMs * 1000;
  const step = cpu + gapMs * 1000;
  for (let k = 0; k < n; k++) {
    const burn = B + k * step;
    const start = gapMs > 0 ? burn : B + Math.max(0, k - clients + 1) * step;
    spans.push(
      mkSpan(`s${k}`, undefined, start, burn + cpu, {
        traceId: `t${k}`,
        name: endpoint(k),
        pid: 1,
        attributes: { 'http.route': endpoint(k).slice(4), 'http.request.method': 'GET', 'network.peer.address': '127.0.0.1', 'network.peer.port': 5000 + (k % clients) },
        onThread: [{ startUs: burn, endUs: burn + cpu }],
      }),
    );
  }
  return { spans, runtime: emptyRuntime(), profiles: [], manifests: [{ format: 'timesink-recording', formatVersion: 1, timesinkVersion: '0', startUs: B, settings: { redact: true, onThread: true, runtimeIntervalMs: 100, profiler: 'none' }, processes: [], availableParallelism: 8 }], files: [], warnings: [], partial: false };
}

describe('saturation (analyze end to end)', () => {
  it('a loop busy all the time with requests queued behind each other: saturated, first in the verdict, with the planted numbers', () => {
    const a = analyze(loopInput(200, 5, 4), { createdAt: 'x' });
    const s = a.saturation!;
    expect(s.saturated).toBe(true);
    expect(s.utilization).toBeCloseTo(1, 3);
    expect(s.cpuMsPerRequest).toBeCloseTo(5, 3);
    expect(s.saturationPerSec).toBeCloseTo(200, 1);
    // 200 requests over 1 s of loop time.
    expect(s.throughputPerSec).toBeCloseTo(200, 0);
    expect(s.processes).toBe(1);
    expect(s.coresAvailable).toBe(8);
    expect(s.coresUsed).toBeCloseTo(1, 2);
    expect(s.endpoints.map((e) => [e.endpoint, e.requests, Math.round(e.cpuMsPerRequest * 1000) / 1000])).toEqual([
      ['GET /a', 100, 5],
      ['GET /b', 100, 5],
    ]);
    // Queued: 15 ms of each 20 ms request once the 4 clients are all in.
    expect(s.queuedShare).toBeGreaterThan(0.7);
    expect(a.summary.verdict).toMatch(/^Saturated: the event loop was busy 100 % of the time .* one process saturates at ~200 req\/s \(5(\.0)? ms of event-loop time per request\)/);
    expect(s.sentence).toContain('more processes (cluster, worker threads, replicas: 7 more cores here)');
  });

  it('the same requests with the loop idle between them: not saturated, and the verdict stays the usual one', () => {
    const a = analyze(loopInput(100, 5, 4, 20), { createdAt: 'x' });
    const s = a.saturation!;
    expect(s.saturated).toBe(false);
    expect(s.utilization).toBeCloseTo(0.2, 2);
    expect(s.cpuMsPerRequest).toBeCloseTo(5, 3);
    expect(a.summary.verdict).not.toMatch(/Saturated/);
    expect(s.sentence).toMatch(/^Not saturated/);
  });

  it('a busy loop whose requests do not queue (one client) is not saturated: queueing is what makes it the answer', () => {
    const s = analyze(loopInput(100, 5, 1), { createdAt: 'x' }).saturation!;
    expect(s.utilization).toBeCloseTo(1, 2);
    expect(s.queuedShare).toBeLessThan(0.05);
    expect(s.saturated).toBe(false);
  });

  it('queueing most of request time on a loop busy 60-80 % is saturated too; less busy, or less queued, is not', () => {
    expect(isSaturated(0.77, 0.76)).toBe(true); // the real Koa service's numbers (docs/ACCURACY.md)
    expect(isSaturated(0.85, 0.45)).toBe(true);
    expect(isSaturated(0.59, 0.9)).toBe(false); // the loop idles: the requests wait on something else
    expect(isSaturated(0.77, 0.55)).toBe(false); // busy-ish, but queueing is not most of the time
    expect(isSaturated(1, 0.3)).toBe(false); // busy, but requests barely queue
  });

  it('no on-thread data: no saturation section (utilisation unknown)', () => {
    const input = loopInput(20, 5, 4);
    for (const s of input.spans) delete s.onThread;
    expect(analyze(input, { createdAt: 'x' }).saturation).toBeUndefined();
  });
});

function fix(rank: number, loopTimeSavedMs: number | undefined, details?: Fix['details']): Fix {
  return {
    rank,
    detector: 'hot-function',
    title: `fix ${rank}`,
    why: '',
    savingMs: 0,
    savingFraction: 0,
    standaloneSavingMs: 0,
    confidence: 'high',
    service: 'svc',
    affectedTraces: 1,
    advice: { language: 'nodejs', text: '' },
    evidence: [],
    ...(loopTimeSavedMs !== undefined ? { loopTimeSavedMs } : {}),
    ...(details ? { details } : {}),
  };
}

/** 1000 requests, 10 s of loop time (10 ms each) over 10 s; 6 s queued in spans and 4 s before first spans. */
function priced(fixes: Fix[]): ReturnType<typeof saturationOf> {
  const input: SaturationInput = {
    traces: [],
    loads: [
      {
        pid: 1,
        windowStartUs: 0,
        windowEndUs: 10_000_000,
        requests: 1000,
        tracedUs: 9_000_000,
        outsideSpansUs: 700_000,
        shortGapsUs: 200_000,
        gcOutsideUs: 100_000,
      },
    ],
    beforeFirstSpan: { requests: 1000, totalUs: 4_000_000, maxUs: 5000, unboundedRequests: 0, boundedRequests: 1000, lateRequests: 0, bound: 'estimate' },
    breakdown: {
      db: 0, cache: 0, network: 0, dns: 0, fs: 0, sync_io: 0, messaging: 0, pool: 0, lock: 0, timer: 0, uninstrumented_wait: 0,
      cpu: 10_000, gc: 0, queued: 6000, in_process_unattributed: 0,
    },
    criticalPathMs: 16_000,
    runtime: emptyRuntime(),
    fixes,
  };
  return saturationOf(input);
}

describe('saturationOf: queueing priced for fixes that free loop time, and the capacity projection', () => {
  it('a fix freeing a quarter of the loop time saves a quarter of all queueing (closed loop), before first spans included', () => {
    const { saturation, fixes } = priced([fix(1, 2500)]);
    expect(saturation!.cpuMsPerRequest).toBeCloseTo(10, 6);
    expect(saturation!.outsideSpansMsPerRequest).toBeCloseTo(1, 6);
    expect(saturation!.queuedShare).toBeCloseTo(10 / 20, 6);
    expect(fixes[0]!.queueSavingMs).toBeCloseTo(0.25 * 10_000, 6);
    expect(saturation!.projection).toMatchObject({ fixRanks: [1], queueSavingMs: 2500 });
    expect(saturation!.projection!.cpuMsPerRequest).toBeCloseTo(7.5, 6);
    expect(saturation!.projection!.saturationPerSec).toBeCloseTo(1000 / 7.5, 6);
    expect(saturation!.sentence).toContain('With #1, one process saturates at ~133 req/s instead of 100 req/s.');
  });

  it('work moved off the loop already unqueues the queueing in spans in its replay: only the queueing before first spans is added', () => {
    const { fixes, saturation } = priced([fix(1, 5000, { offLoopMs: 5000 })]);
    expect(fixes[0]!.queueSavingMs).toBeCloseTo(0.5 * 4000, 6);
    // Moved to a worker thread, the work still needs a core: no lower CPU per request to project.
    expect(saturation!.projection).toBeUndefined();
  });

  it('fixes that free no loop time get no queue saving and no projection; two that overlap never free more than all of it', () => {
    expect(priced([fix(1, undefined), fix(2, 0)]).saturation!.projection).toBeUndefined();
    // 1 % of the loop's time: too little to project (and still priced).
    expect(priced([fix(1, 100)]).saturation!.projection).toBeUndefined();
    expect(priced([fix(1, 100)]).fixes[0]!.queueSavingMs).toBeCloseTo(100, 6);
    expect(priced([fix(1, undefined)]).fixes[0]!.queueSavingMs).toBeUndefined();
    const both = priced([fix(1, 8000), fix(2, 8000), fix(3, 8000)]);
    // The top two: 80 %, then 80 % of the 20 % left: 96 % freed, 0.4 ms left per request.
    expect(both.saturation!.projection!.fixRanks).toEqual([1, 2]);
    expect(both.saturation!.projection!.cpuMsPerRequest).toBeCloseTo(0.4, 6);
    const q = both.fixes.map((f) => f.queueSavingMs!);
    expect(q[0]).toBeCloseTo(8000, 6);
    expect(q[1]).toBeCloseTo(1600, 6);
    expect(q.reduce((x, y) => x + y, 0)).toBeLessThanOrEqual(10_000);
  });

  it('the open-loop (M/D/1) ratio: 1 with nothing freed, never above the closed-loop 1 − f, and falling as the loop is busier', () => {
    expect(openLoopQueueRatio(0.9, 0)).toBeCloseTo(1, 9);
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (rho, f) => {
        const r = openLoopQueueRatio(rho, f);
        return r >= -1e-12 && r <= 1 - f + 1e-9;
      }),
    );
    expect(openLoopQueueRatio(0.95, 0.2)).toBeLessThan(openLoopQueueRatio(0.5, 0.2));
  });
});
