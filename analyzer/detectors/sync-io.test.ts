import { describe, expect, it } from 'vitest';
import { syncIo } from './sync-io.js';
import { TraceBuilder, analyzeAll, contextOf, sql, t } from './testing/builder.js';
import type { Profile } from '../model/profile.js';
import { fixOf } from './testing/fixes.js';
import { isSyncCallSequence } from './support/blocking.js';
import { timedProfile } from './testing/profile.js';

/** A reads a file synchronously [10,40] inside its on-thread run [0,45] (too short for event-loop-blocking); B's callback is ready at 15. */
function pair(name: string) {
  const a = new TraceBuilder();
  const root = a.root({ name: 'GET /page', route: '/page', start: 0, end: 100, onThread: [[0, 45]] });
  a.add(root, { name, cls: 'fs', start: 10, end: 40, attrs: { 'timesink.code_location': '/app/page.js:8:3' } });
  const b = new TraceBuilder();
  const broot = b.root({ name: 'GET /orders', route: '/orders', start: 5, end: 100, onThread: [[45, 50]] });
  b.add(broot, sql('SELECT 1', 5, 15));
  return analyzeAll([a.build(), b.build()]);
}

describe('sync-io', () => {
  it('readFileSync blocking another request: saving = its queued time inside the block of calls (15..40 ms)', () => {
    const ctx = contextOf(pair('fs readFileSync'));
    const [f] = syncIo.detect(ctx);
    expect(f.title).toBe('Replace readFileSync in /app/page.js:8 by its asynchronous version');
    expect(f.advice.text).toContain('readFileSync');
    // B is ready at 15 and waits until A's run ends at 45; the async read frees the thread for the call [10,40], not
    // for A's own JavaScript after it [40,45], which still holds B: 25 ms.
    expect(fixOf(ctx, 'sync-io')!.savingMs).toBeCloseTo(25, 6);
    expect(fixOf(ctx, 'event-loop-blocking')).toBeUndefined();
  });

  it('does not fire on the asynchronous call', () => {
    expect(syncIo.detect(contextOf(pair('fs readFile')))).toHaveLength(0);
  });
});

describe('sync-io from a timed profile', () => {
  it('finds pbkdf2Sync with no span, charges it to the request running it, and replays the queued time it caused', () => {
    // A runs on-thread [0,45], pbkdf2Sync sampled [10,40]; B is ready at 15 and queued until 45.
    const a = new TraceBuilder();
    a.root({ name: 'POST /login', route: '/login', start: 0, end: 100, onThread: [[0, 45]] });
    const b = new TraceBuilder();
    const broot = b.root({ name: 'GET /orders', route: '/orders', start: 5, end: 100, onThread: [[45, 50]] });
    b.add(broot, sql('SELECT 1', 5, 15));
    const traces = analyzeAll([a.build(), b.build()]);
    const samples = [];
    for (let ms = 10; ms < 40; ms++) samples.push({ stack: 0, weightUs: 1000, timeUs: t(ms) });
    const profile: Profile = {
      source: 'test',
      format: 'cpuprofile',
      pid: 4242,
      frames: [
        { name: 'login', file: '/app/auth.js', line: 31, origin: 'app' },
        { name: 'pbkdf2Sync', file: 'node:internal/crypto/pbkdf2', line: 60, origin: 'runtime' },
      ],
      stacks: [[0, 1]],
      samples,
      timed: true,
    };
    const ctx = contextOf(traces, { profile });
    const [f] = syncIo.detect(ctx);
    expect(f.title).toBe('Replace pbkdf2Sync in /app/auth.js:31 by its asynchronous version');
    expect(f.endpoint).toBe('GET /login');
    // B waits [15,45] behind A's synchronous run, [15,40] of it behind the call; the run is sync-io's, not
    // event-loop-blocking's (counted once).
    expect(fixOf(ctx, 'sync-io')!.savingMs).toBeCloseTo(25, 6);
    expect(fixOf(ctx, 'event-loop-blocking')).toBeUndefined();
  });
});

describe('sync-io grouping of one handler\'s block', () => {
  const L1 = '/app/page.js:12';
  const L2 = '/app/page.js:9';

  /**
   * Request `i` at 200·i ms: its handler runs on-thread [1,45] and reads three files synchronously in [10,40] (the
   * recorder sampled a location on some of them); a concurrent request is ready at 15 and queued until 45.
   */
  function request(i: number, handler: string, locations: (string | undefined)[]) {
    const o = 200 * i;
    const a = new TraceBuilder();
    const root = a.root({ name: 'GET /page', route: '/page', start: o, end: o + 100, onThread: [[o, o + 1]] });
    const h = a.add(root, { name: handler, start: o + 1, end: o + 100, onThread: [[o + 1, o + 45]] });
    locations.forEach((loc, k) =>
      a.add(h, { name: 'fs readFileSync', cls: 'fs', start: o + 10 + 10 * k, end: o + 20 + 10 * k, attrs: loc ? { 'timesink.code_location': `${loc}:3` } : {} }),
    );
    const b = new TraceBuilder();
    const broot = b.root({ name: 'GET /orders', route: '/orders', start: o + 5, end: o + 100, onThread: [[o + 45, o + 50]] });
    b.add(broot, sql('SELECT 1', o + 5, o + 15));
    return [a.build(), b.build()];
  }

  /** A timed profile in which timesink's span writer is sampled in writeSync inside request 2's block. */
  const recorderWrites: Profile = {
    source: 'test',
    format: 'cpuprofile',
    pid: 4242,
    frames: [
      { name: 'render', file: '/app/page.js', line: 12, origin: 'app' },
      { name: 'flush', file: '/home/dev/timesink/dist/register.cjs', line: 900, origin: 'app' },
      { name: 'writeSync', file: 'node:fs', line: 900, origin: 'runtime' },
    ],
    stacks: [[0, 1, 2]],
    samples: [30, 31, 32].map((ms) => ({ stack: 0, weightUs: 1000, timeUs: t(400 + ms) })),
    timed: true,
  };

  it('makes one fix of one handler\'s blocks, ignoring timesink\'s own writes and the odd located call', () => {
    const traces = analyzeAll([
      ...request(0, 'request handler', [L1, undefined, L1]),
      ...request(1, 'request handler', [L2, L1, L1]),
      ...request(2, 'request handler', [undefined, undefined, L1]),
    ]);
    const ctx = contextOf(traces, { profile: recorderWrites });
    const found = syncIo.detect(ctx);
    expect(found).toHaveLength(1);
    expect(found[0].title).toBe(`Replace readFileSync in ${L1} by its asynchronous version`);
    // Each block [10,40] holds one other request (ready at 15) for 25 ms: 3 × 25.
    expect(fixOf(ctx, 'sync-io')!.savingMs).toBeCloseTo(75, 6);
  });

  it('keeps two handlers\' blocks apart', () => {
    const traces = analyzeAll([
      ...request(0, 'render page', [L1, L1, L1]),
      ...request(1, 'render report', [L1, L1, L1]),
    ]);
    const found = syncIo.detect(contextOf(traces));
    expect(found).toHaveLength(2);
  });

  it('still reports a …Sync call the profile found in the app\'s own code', () => {
    const traces = analyzeAll([...request(2, 'request handler', [L1, L1, L1])]);
    const appWrites: Profile = { ...recorderWrites, frames: recorderWrites.frames.map((f) => (f.name === 'flush' ? { ...f, file: '/app/log.js' } : f)) };
    const [f] = syncIo.detect(contextOf(traces, { profile: appWrites }));
    expect(f.details?.calls).toBe('readFileSync, writeSync');
  });
});

/**
 * A's handler runs on-thread [0,80] (a long run) and makes 20 readFileSync calls of 0.1 ms each; B is ready at 5 and
 * queued until 80. `gapMs(i)` is the code between call i and call i+1.
 */
function callSequence(gapMs: (i: number) => number) {
  const a = new TraceBuilder();
  const root = a.root({ name: 'GET /page', route: '/page', start: 0, end: 100, onThread: [[0, 80]] });
  let at = 0.5;
  for (let i = 0; i < 20; i++) {
    a.add(root, { name: 'fs readFileSync', cls: 'fs', start: at, end: at + 0.1, attrs: { 'timesink.code_location': '/app/page.js:8:3' } });
    at += 0.1 + gapMs(i);
  }
  const b = new TraceBuilder();
  const broot = b.root({ name: 'GET /orders', route: '/orders', start: 1, end: 100, onThread: [[80, 85]] });
  b.add(broot, sql('SELECT 1', 1, 5));
  return contextOf(analyzeAll([a.build(), b.build()]));
}

describe('sync-io owns a stalled block of synchronous calls', () => {
  it('20 calls 0.05 ms apart with one 74 ms stall between calls 10 and 11: the block is sync-io\'s, not event-loop-blocking\'s', () => {
    // Calls take 2 of the run's 80 ms (< 10 %), but the typical step is 0.1 ms call + 0.05 ms code (67 % call) and
    // the block [0.5, 77.45] covers the run: only the one stall is not call time.
    const ctx = callSequence((i) => (i === 9 ? 74 : 0.05));
    expect(fixOf(ctx, 'sync-io')).toBeDefined();
    expect(fixOf(ctx, 'event-loop-blocking')).toBeUndefined();
  });

  it('a CPU loop that reads a file every 4 ms (calls 2.5 % of every step) stays event-loop-blocking\'s', () => {
    const ctx = callSequence(() => 3.9);
    expect(fixOf(ctx, 'event-loop-blocking')).toBeDefined();
    expect(fixOf(ctx, 'sync-io')).toBeUndefined();
  });

  it('a CPU-only long run stays event-loop-blocking\'s', () => {
    const a = new TraceBuilder();
    a.root({ name: 'GET /page', route: '/page', start: 0, end: 100, onThread: [[0, 80]] });
    const b = new TraceBuilder();
    const broot = b.root({ name: 'GET /orders', route: '/orders', start: 1, end: 100, onThread: [[80, 85]] });
    b.add(broot, sql('SELECT 1', 1, 5));
    const ctx = contextOf(analyzeAll([a.build(), b.build()]));
    expect(fixOf(ctx, 'event-loop-blocking')).toBeDefined();
    expect(fixOf(ctx, 'sync-io')).toBeUndefined();
  });

  it('isSyncCallSequence: dense calls qualify; a call at each end of a CPU run, or a block covering a small part, does not', () => {
    const call = (start: number, end: number) => ({ startUs: start, endUs: end }) as Parameters<typeof isSyncCallSequence>[0][number];
    const dense = Array.from({ length: 10 }, (_, i) => call(i * 150, i * 150 + 100));
    expect(isSyncCallSequence(dense, 0, 1500)).toBe(true);
    expect(isSyncCallSequence(dense, 0, 10_000)).toBe(false); // the block is 15 % of the run
    expect(isSyncCallSequence([call(0, 100), call(50_000, 50_100), call(99_900, 100_000)], 0, 100_000)).toBe(false);
    expect(isSyncCallSequence(dense.slice(0, 2), 0, 250)).toBe(false);
  });
});

describe('sync-io from profile samples alone (execSync has no span)', () => {
  it('names the API the handler called at the handler\'s line, however sparse the ticks in the syscall', () => {
    const a = new TraceBuilder();
    a.root({ name: 'GET /status', route: '/status', start: 0, end: 62, onThread: [[0, 62]] });
    const b = new TraceBuilder();
    b.root({ name: 'GET /status', route: '/status', start: 5, end: 80, onThread: [[5, 5.01], [62, 80]] });
    const handler = 'handler src/server.js:21';
    const exec = [handler, 'execSync node:child_process:954', 'spawnSync node:child_process:832', 'spawnSync node:internal/child_process:1108'];
    // Ticks every 8 ms inside the call: nothing else sampled between them.
    const runs: Parameters<typeof timedProfile>[0] = [[0, 2, [handler]]];
    for (let ms = 2; ms < 58; ms += 8) runs.push([ms, ms + 1, exec]);
    runs.push([58, 62, [handler, 'stringify']], [62, 80, [handler]]);
    const ctx = contextOf(analyzeAll([a.build(), b.build()]), { profile: timedProfile(runs) });
    const findings = syncIo.detect(ctx);
    expect(findings.map((f) => f.title)).toEqual(['Replace execSync in src/server.js:21 by its asynchronous version']);
    // B was ready at 5 and waited through the block (2 → 51 ms, the last tick's interval ending there).
    expect(findings[0].why).toContain('delaying 1 other request');
  });
});

describe('sync-io from the recorder\'s per-span blocked time alone (no span for the call, no profile)', () => {
  /** A holds the thread for [0, 62], `blockedUs` of it blocked; B is ready at 5 and runs after it. */
  function recorded(blockedUs: number, attrs: Record<string, string> = {}) {
    const a = new TraceBuilder();
    a.root({ name: 'GET /status', route: '/status', start: 0, end: 62, onThread: [[0, 62]], attrs });
    a.spans[0].blockedUs = blockedUs;
    const b = new TraceBuilder();
    b.root({ name: 'GET /status', route: '/status', start: 5, end: 80, onThread: [[5, 5.01], [62, 80]] });
    return analyzeAll([a.build(), b.build()]);
  }

  it('proposes the fix at the span\'s code location; the saving is the queued time inside the placed block', () => {
    const ctx = contextOf(recorded(50_000, { 'timesink.code_location': '/app/server.js:27:17' }));
    const findings = syncIo.detect(ctx);
    expect(findings.map((f) => f.title)).toEqual(['Replace the blocking synchronous call in /app/server.js:27 by its asynchronous version']);
    expect(findings[0].why).toContain('delaying 1 other request');
    // The 50 ms is placed from the slice's start, [0, 50]: B, ready at 5, waited 45 ms of it.
    expect(fixOf(ctx, 'sync-io')!.savingMs).toBeCloseTo(45, 6);
    expect(fixOf(ctx, 'event-loop-blocking')).toBeUndefined();
  });

  it('without a sampled location, names the span it blocked in', () => {
    expect(syncIo.detect(contextOf(recorded(50_000))).map((f) => f.title)).toEqual([
      'Replace the blocking synchronous call in GET /status by its asynchronous version',
    ]);
  });

  it('negatives: blockedUs 0, and a CPU burn\'s few ms of measurement noise (under 10 % of the run), stay event-loop-blocking\'s', () => {
    for (const blockedUs of [0, 3_000]) {
      const ctx = contextOf(recorded(blockedUs));
      expect(syncIo.detect(ctx), `blockedUs ${blockedUs}`).toHaveLength(0);
      expect(fixOf(ctx, 'event-loop-blocking'), `blockedUs ${blockedUs}`).toBeDefined();
    }
  });

  it('a span the profile covers is named from the profile, once', () => {
    const handler = 'handler src/server.js:21';
    const exec = [handler, 'execSync node:child_process:954', 'spawnSync node:child_process:832', 'spawnSync node:internal/child_process:1108'];
    const profile = timedProfile([
      [0, 2, [handler]],
      [2, 52, exec],
      [52, 62, [handler, 'stringify']],
      [62, 80, [handler]],
    ]);
    const findings = syncIo.detect(contextOf(recorded(50_000), { profile }));
    expect(findings.map((f) => f.title)).toEqual(['Replace execSync in src/server.js:21 by its asynchronous version']);
  });
});
