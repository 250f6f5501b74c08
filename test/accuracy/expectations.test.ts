import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTruth } from '../../samples/lib/apps.mjs';
import { expectedFor, poolWaitUnits } from './expectations.js';

describe('poolWaitUnits', () => {
  it('counts the startup burst and the steady state of a closed loop', () => {
    // 10 clients, 2 connections: the burst waits 0,0,1,1,2,2,3,3,4,4 = 20; then 4 per request.
    expect(poolWaitUnits(10, 10, 2)).toBe(20);
    expect(poolWaitUnits(12, 10, 2)).toBe(28);
  });
  it('is zero when the pool is as large as the concurrency', () => {
    expect(poolWaitUnits(100, 4, 4)).toBe(0);
  });
});

describe('expectedFor', () => {
  const series = (count: number, totalMs: number) => ({ count, totalMs, meanMs: totalMs / count });
  it('orders: (N - 1) query times per request for the N+1; waiting = call → database answer / request time', () => {
    const e = expectedFor(loadTruth('orders'), {
      requestsByPath: { '/orders?customer=3': 100 },
      queryMs: { '20': 21 },
      // call → result (28 800) also holds the reply waiting for the thread: not the waiting.
      stats: { query: series(1300, 28_800), answered: series(1300, 27_300), request: series(100, 30_000) },
    });
    expect(e.detector).toBe('n-plus-one');
    expect(e.savingMs).toBeCloseTo(100 * 9 * 21);
    // The rest (the app's JavaScript and the queueing behind it) is not split: only its sum is expected.
    expect(e.fractions).toEqual({ waiting: 0.91, computingPlusQueued: expect.closeTo(0.09) });
  });
  it('feed: one fix for the loop, 3 × (N − 1) query times per request; quiet: no fix at all', () => {
    const e = expectedFor(loadTruth('feed'), {
      requestsByPath: { '/feed?page=1': 40 },
      queryMs: { '10': 11 },
      stats: { query: series(1000, 12_000), answered: series(1000, 11_000), request: series(40, 12_500) },
    });
    expect(e.detector).toBe('n-plus-one');
    expect(e.savingMs).toBeCloseTo(40 * 3 * 7 * 11);
    expect(e.fractions).toEqual({ waiting: 0.88, computingPlusQueued: expect.closeTo(0.12) });
    const quiet = expectedFor(loadTruth('quiet'), { requestsByPath: { '/status/42': 400 } });
    expect(quiet).toEqual({ detector: null, fractions: { waiting: 0, computingPlusQueued: 1 }, maxFixFraction: 0 });
  });
  it('orders: refuses without the app-timed requests', () => {
    expect(() => expectedFor(loadTruth('orders'), { requestsByPath: { '/orders?customer=3': 1 }, queryMs: { '20': 21 } })).toThrow(
      /missing measurement/,
    );
  });
  it('gateway: the app-timed sum - max of the three dashboard calls; waiting = upstream time / request time', () => {
    const e = expectedFor(loadTruth('gateway'), {
      requestsByPath: { '/dashboard': 10, '/search?q=shoes': 10 },
      stats: { upstream: series(40, 1960), answered: series(40, 1900), parallelSaving: series(10, 720), request: series(20, 2000) },
    });
    expect(e.savingMs).toBeCloseTo(720);
    expect(e.fractions).toEqual({ waiting: 0.95, computingPlusQueued: expect.closeTo(0.05) });
  });
  it('shell: like files, with the waiting in sync_io at the handler\'s line', () => {
    const e = expectedFor(loadTruth('shell'), {
      requestsByPath: { '/status': 10 },
      stats: { blocking: series(10, 400), delayed: series(10, 900), request: series(10, 1000) },
    });
    expect(e).toMatchObject({ detector: 'sync-io', savingMs: 900, location: 'shell/server.cjs:21', waitingCategory: 'sync_io' });
    expect(e.fractions).toEqual({ waiting: 0.4, computingPlusQueued: expect.closeTo(0.6) });
    // The truth's line is the handler's: a profile names a function by the line it starts on.
    const source = readFileSync(new URL('../../samples/apps/shell/server.cjs', import.meta.url), 'utf8').split('\n');
    const line = Number(loadTruth('shell').truth.fixAt.split(':')[1]);
    expect(source[line - 1]).toContain("app.get('/status', async (req, res) => {");
  });
  it('files: the saving is the time other in-flight requests spent behind the blocks, not request - block', () => {
    const e = expectedFor(loadTruth('files'), {
      requestsByPath: { '/page/home': 10 },
      stats: { blocking: series(10, 60), delayed: series(10, 360), request: series(10, 600) },
    });
    expect(e.detector).toBe('sync-io');
    expect(e.savingMs).toBeCloseTo(360);
    expect(e.fractions).toEqual({ waiting: 0.1, computingPlusQueued: expect.closeTo(0.9) });
  });
  it('thumbnails: computing is the handler\'s synchronous share of the request (burn included), the rest queued', () => {
    const e = expectedFor(loadTruth('thumbnails'), {
      requestsByPath: { '/thumbnail/3': 2 },
      stats: { burn: series(2, 20), handler: series(2, 24), request: series(2, 80) },
    });
    expect(e.fractions).toEqual({ waiting: 0, computing: expect.closeTo(0.3), queued: expect.closeTo(0.7) });
    // The saving is still request − burn: moving the burn off the loop leaves the handler's other code on it.
    expect(e.savingMs).toBeCloseTo(60);
    expect(() => expectedFor(loadTruth('thumbnails'), { requestsByPath: {}, stats: { burn: series(2, 20), request: series(2, 80) } })).toThrow(
      /missing measurement/,
    );
  });
  it('refuses to guess when a measurement is missing', () => {
    expect(() => expectedFor(loadTruth('reports'), { requestsByPath: { '/report': 5 } })).toThrow(/missing measurement/);
  });
  it('clean: no detector, fixes capped at 5 %', () => {
    const stats = { answered: { count: 10, meanMs: 90, totalMs: 900 }, request: { count: 10, meanMs: 100, totalMs: 1000 } };
    const e = expectedFor(loadTruth('clean'), { requestsByPath: {}, stats });
    expect(e.detector).toBeNull();
    expect(e.maxFixFraction).toBe(0.05);
    expect(e.fractions).toMatchObject({ waiting: 0.9 });
    expect((e.fractions as { computingPlusQueued: number }).computingPlusQueued).toBeCloseTo(0.1, 9);
    expect(() => expectedFor(loadTruth('clean'), { requestsByPath: {} })).toThrow(/clean truth-stats/);
  });
});
