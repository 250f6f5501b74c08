import { describe, expect, it } from 'vitest';
import { UNNAMED_BLOCKING_CALL, accountBlocked, blockedEvidence, blockedStretches, spanBlockedStretches } from './blocked.js';
import { TraceBuilder, analyzeAll, t } from '../detectors/testing/builder.js';
import { timedProfile } from '../detectors/testing/profile.js';
import type { Breakdown } from '../model/categories.js';

const HANDLER = 'handler src/server.js:21';
const EXEC = [HANDLER, 'execSync node:child_process:954', 'spawnSync node:child_process:832', 'spawnSync node:internal/child_process:1108'];

const nonZero = (b: Breakdown) => Object.fromEntries(Object.entries(b).filter(([, v]) => v !== 0));

/** A request on the thread for all of [0, 100), and a second one ready at 10 that runs only after it, at [100, 110). */
function twoRequests() {
  const a = new TraceBuilder();
  a.root({ name: 'GET /status', route: '/status', start: 0, end: 100, onThread: [[0, 100]] });
  const b = new TraceBuilder();
  b.root({ name: 'GET /status', route: '/status', start: 10, end: 110, onThread: [[10, 10.01], [100, 110]] });
  return analyzeAll([a.build(), b.build()]);
}

describe('blocked time is waiting (sync_io)', () => {
  it('the request\'s own on-thread time inside an execSync block moves from cpu to sync_io; the queued request stays queued', () => {
    const [a, b] = twoRequests();
    const profile = timedProfile([
      [0, 20, [HANDLER]],
      [20, 80, EXEC],
      [80, 100, [HANDLER, 'stringify']],
    ]);
    const stretches = blockedStretches(profile);
    expect(stretches).toEqual([{ pid: 4242, startUs: t(20), endUs: t(80), call: 'execSync' }]);
    const queuedBefore = b.breakdownUs.queued;
    accountBlocked([a, b], stretches);
    expect(nonZero(a.breakdownUs)).toEqual({ cpu: 40_000, sync_io: 60_000 });
    expect(a.path.map((s) => [s.category, (s.startUs - t(0)) / 1000, (s.endUs - t(0)) / 1000])).toEqual([
      ['cpu', 0, 20],
      ['sync_io', 20, 80],
      ['cpu', 80, 100],
    ]);
    expect(b.breakdownUs.queued).toBe(queuedBefore);
    expect(b.breakdownUs.sync_io).toBe(0);
  });

  it('negatives: computing …Sync calls, another process, an untimed profile and the recorder\'s own writes change nothing', () => {
    const cases = [
      timedProfile([[20, 80, [HANDLER, 'pbkdf2Sync node:internal/crypto/pbkdf2:60', 'pbkdf2']]]),
      timedProfile([[20, 80, EXEC]], 999),
      { ...timedProfile([[20, 80, EXEC]]), timed: false },
      timedProfile([[20, 80, [HANDLER, 'flush dist/register.mjs:530', 'writeSync node:fs:900', 'write']]]),
    ];
    for (const profile of cases) {
      const [a] = twoRequests();
      accountBlocked([a], blockedStretches(profile));
      expect(nonZero(a.breakdownUs)).toEqual({ cpu: 100_000 });
    }
  });

  it('consecutive samples of one call are one stretch, however sparse; another call or a computing sample splits it', () => {
    const profile = timedProfile([
      [0, 5, [HANDLER, 'readFileSync node:fs:441', 'read']],
      [5, 6, EXEC],
      // The profiler's ticks thin out in a syscall: one tick at 6, the next at 12.
      [12, 13, EXEC],
      [13, 14, [HANDLER]],
      [14, 15, EXEC],
      // A stackless sample inside a call does not split it; a JavaScript one (above, at 13) does.
      [15, 16, ['(program)']],
      [16, 17, EXEC],
    ]);
    expect(blockedStretches(profile).map((s) => [s.call, (s.startUs - t(0)) / 1000, (s.endUs - t(0)) / 1000])).toEqual([
      ['readFileSync', 0, 5],
      ['execSync', 5, 13],
      ['execSync', 14, 17],
    ]);
  });
});

/** One request on the thread in three slices (10, 59.5 and 29.5 ms: 99 ms of cpu), its span carrying `blockedUs`. */
function sliced(blockedUs: number | undefined, pid = 4242) {
  const a = new TraceBuilder({ pid });
  a.root({ name: 'GET /status', route: '/status', start: 0, end: 100, onThread: [[0, 10], [10.5, 70], [70.5, 100]] });
  if (blockedUs !== undefined) a.spans[0].blockedUs = blockedUs;
  return analyzeAll([a.build()]);
}

const ms = (s: { startUs: number; endUs: number }) => [(s.startUs - t(0)) / 1000, (s.endUs - t(0)) / 1000];

describe('the recorder\'s per-span blocked time (Span.blockedUs) is waiting too', () => {
  it('a span\'s blockedUs inside its on-thread time becomes sync_io of that amount, on its longest slice from its start', () => {
    const traces = sliced(40_000);
    const stretches = blockedEvidence(traces, undefined);
    expect(stretches.map((s) => [s.call, s.pid, ...ms(s)])).toEqual([[UNNAMED_BLOCKING_CALL, 4242, 10.5, 50.5]]);
    accountBlocked(traces, stretches);
    expect(traces[0].breakdownUs.sync_io).toBe(40_000);
    expect(traces[0].breakdownUs.cpu).toBe(99_000 - 40_000);
    expect(traces[0].path.filter((s) => s.category === 'sync_io').map(ms)).toEqual([[10.5, 50.5]]);
  });

  it('more blocked time than the longest slice fills it, then the next longest', () => {
    const traces = sliced(70_000);
    expect(blockedEvidence(traces, undefined).map(ms)).toEqual([
      [10.5, 70],
      [70.5, 81],
    ]);
    accountBlocked(traces, blockedEvidence(traces, undefined));
    expect(nonZero(traces[0].breakdownUs)).toMatchObject({ sync_io: 70_000, cpu: 29_000 });
  });

  it('slices under 1 ms (where the recorder does not measure) come last', () => {
    const a = new TraceBuilder();
    a.root({ name: 'GET /status', route: '/status', start: 0, end: 10, onThread: [[0, 0.8], [1, 3], [4, 5.5]] });
    a.spans[0].blockedUs = 3_000;
    expect(spanBlockedStretches(analyzeAll([a.build()]), []).map(ms)).toEqual([
      [1, 3],
      [4, 5],
    ]);
  });

  it('negatives: no blockedUs, blockedUs 0 and a pure CPU burn stay cpu', () => {
    for (const blockedUs of [undefined, 0]) {
      const traces = sliced(blockedUs);
      expect(blockedEvidence(traces, undefined)).toEqual([]);
      accountBlocked(traces, blockedEvidence(traces, undefined));
      expect(nonZero(traces[0].breakdownUs)).toMatchObject({ cpu: 99_000 });
      expect(traces[0].breakdownUs.sync_io).toBe(0);
    }
    const [a] = twoRequests();
    accountBlocked([a], blockedEvidence([a], undefined));
    expect(nonZero(a.breakdownUs)).toEqual({ cpu: 100_000 });
  });

  it('a span the profile\'s stretches already cover keeps the profile\'s placement only (no double counting)', () => {
    const [a, b] = twoRequests();
    a.trace.spans[0].blockedUs = 90_000;
    const profile = timedProfile([
      [0, 20, [HANDLER]],
      [20, 80, EXEC],
      [80, 100, [HANDLER, 'stringify']],
    ]);
    const stretches = blockedEvidence([a, b], profile);
    expect(stretches.map((s) => s.call)).toEqual(['execSync']);
    accountBlocked([a, b], stretches);
    expect(nonZero(a.breakdownUs)).toEqual({ cpu: 40_000, sync_io: 60_000 });
  });

  it('a profile of the span\'s process that sampled it computing wins over its blockedUs (measurement noise)', () => {
    const traces = sliced(40_000);
    const stretches = blockedEvidence(traces, timedProfile([[0, 100, [HANDLER, 'stringify']]]));
    expect(stretches).toEqual([]);
    accountBlocked(traces, stretches);
    expect(traces[0].breakdownUs.sync_io).toBe(0);
  });

  it('a profile of another process does not cover the span: its blockedUs is placed', () => {
    const traces = sliced(40_000);
    const stretches = blockedEvidence(traces, timedProfile([[20, 80, EXEC]], 999));
    accountBlocked(traces, stretches);
    expect(traces[0].breakdownUs.sync_io).toBe(40_000);
  });

  it('two processes\' overlapping stretches each move only their own request\'s cpu, however their ends interleave', () => {
    // Process 4242's profile stretch [20, 80] starts before process 2's recorded one [25, 30] and ends after it: a
    // search by ends alone would miss the first for 4242's slice starting at 50.5.
    const a = new TraceBuilder();
    a.root({ name: 'GET /a', route: '/a', start: 0, end: 100, onThread: [[0, 50], [50.5, 100]] });
    const b = new TraceBuilder({ pid: 2 });
    b.root({ name: 'GET /b', route: '/b', start: 25, end: 35, onThread: [[25, 35]] });
    b.spans[0].blockedUs = 5_000;
    const traces = analyzeAll([a.build(), b.build()]);
    const stretches = blockedEvidence(traces, timedProfile([[20, 80, EXEC]]));
    expect(stretches.map((s) => [s.pid, ...ms(s)])).toEqual([
      [4242, 20, 80],
      [2, 25, 30],
    ]);
    accountBlocked(traces, stretches);
    expect([traces[0].breakdownUs.sync_io, traces[1].breakdownUs.sync_io]).toEqual([59_500, 5_000]);
    expect([traces[0].breakdownUs.cpu, traces[1].breakdownUs.cpu]).toEqual([40_000, 5_000]);
  });
});
