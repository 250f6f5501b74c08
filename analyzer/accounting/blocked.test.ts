import { describe, expect, it } from 'vitest';
import { accountBlocked, blockedStretches } from './blocked.js';
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
