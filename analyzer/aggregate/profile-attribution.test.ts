import { describe, expect, it } from 'vitest';
import { summarizeProfile } from './profile-summary.js';
import { recordingCost } from './recording-cost.js';
import { timedProfile } from '../detectors/testing/profile.js';
import { TraceBuilder, analyzeAll, t } from '../detectors/testing/builder.js';
import { emptyRuntime } from '../model/runtime.js';

const HANDLER = 'handler src/routes/users.js:40';

describe('profile summary: whose time each sample is', () => {
  it('idle, GC, recorder and blocked samples are counted apart; hot functions and origins are CPU only, with the app call site', () => {
    const profile = timedProfile([
      [0, 40, ['(root)', 'epoll_pwait@@GLIBC_2.6']],
      [40, 50, ['(garbage collector)']],
      [50, 60, [HANDLER, 'onStart dist/register.mjs:631']],
      [60, 80, [HANDLER, 'execSync node:child_process:954', 'spawnSync node:internal/child_process:1108']],
      [80, 95, [HANDLER, 'respond node_modules/koa/lib/application.js:256', 'stringify']],
      [95, 100, [HANDLER]],
    ]);
    const p = summarizeProfile(profile, []);
    expect({ total: p.totalMs, cpu: p.cpuMs, idle: p.idleMs, gc: p.gcMs, recorder: p.recorderMs, blocked: p.blockedMs }).toEqual({
      total: 100,
      cpu: 20,
      idle: 40,
      gc: 10,
      recorder: 10,
      blocked: 20,
    });
    expect(p.hotFunctions.map((h) => [h.name, h.selfMs, h.selfFraction, h.calledFrom])).toEqual([
      ['stringify', 15, 0.75, 'src/routes/users.js:40'],
      ['handler', 5, 0.25, undefined],
    ]);
    expect(p.byOrigin).toEqual({ app: 5, dependency: 0, runtime: 15 });
    // The flamegraph still draws every sample.
    expect(p.flamegraph.valueMs).toBe(100);
  });
});

describe('recording cost', () => {
  /** Two requests on one thread; B is ready at 30 but waits until 40 while the recorder writes spans in [30, 40). */
  function scene() {
    const a = new TraceBuilder();
    a.root({ name: 'GET /a', route: '/a', start: 0, end: 30, onThread: [[0, 30]] });
    const b = new TraceBuilder();
    b.root({ name: 'GET /b', route: '/b', start: 30, end: 60, onThread: [[30, 30.01], [40, 60]] });
    const runtime = emptyRuntime();
    runtime.recorderBusy.set(4242, [{ startUs: t(30), endUs: t(40) }]);
    return { traces: analyzeAll([a.build(), b.build()], runtime), runtime };
  }

  it('its own accounting plus its hooks sampled inside requests; the queueing it caused is on the critical path', () => {
    const { traces, runtime } = scene();
    const profile = timedProfile([
      [0, 25, ['handler src/a.js:1']],
      [25, 30, ['handler src/a.js:1', 'onEnd dist/register.mjs:1132']],
      // The busy slice sampled too: counted once, from the recorder's own accounting.
      [30, 40, ['flush dist/register.mjs:530', 'writeSync node:fs:900']],
      [40, 60, ['handler src/b.js:1']],
    ]);
    const cost = recordingCost(traces, runtime, profile)!;
    // Thread time: 10 ms busy + 5 ms of hooks in request A = 15 ms over 2 requests.
    expect(cost.threadMs).toBeCloseTo(15, 6);
    expect(cost.threadMsPerRequest).toBeCloseTo(7.5, 6);
    // On the critical path: A's 5 ms of hook cpu, and B's queueing behind the busy slice (30.01 → 40).
    expect(cost.onCriticalPathMs).toBeCloseTo(5 + 9.99, 2);
    expect(cost.criticalPathShare).toBeCloseTo(14.99 / 60, 3);
    expect(cost.sources).toEqual(['recorder-accounting', 'profile']);
  });

  it('negatives: nothing from the recorder means no cost line; start-up hooking outside the requests does not count', () => {
    const a = new TraceBuilder();
    a.root({ name: 'GET /a', route: '/a', start: 100, end: 130, onThread: [[100, 130]] });
    const traces = analyzeAll([a.build()]);
    expect(recordingCost(traces, emptyRuntime(), undefined)).toBeUndefined();
    const startup = timedProfile([
      [0, 50, ['main src/server.js:1', 'onStart dist/register.mjs:631']],
      [100, 130, ['handler src/a.js:1']],
    ]);
    expect(recordingCost(traces, emptyRuntime(), startup)).toBeUndefined();
  });
});
