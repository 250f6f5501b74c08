import { describe, expect, it } from 'vitest';
import { eventLoopBlocking } from './event-loop-blocking.js';
import { TraceBuilder, analyzeAll, contextOf, sql, t } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';
import type { Profile } from '../model/profile.js';
import { emptyRuntime } from '../model/runtime.js';

/**
 * Trace A blocks the loop for `blockMs` from 0. Trace B's query ends at `readyMs`; its callback can only run once A
 * yields, so B is queued [readyMs, blockMs) and runs [blockMs, blockMs + 10], then waits 20 ms more.
 */
function pair(blockMs: number, readyMs = 20) {
  const a = new TraceBuilder();
  a.root({ name: 'GET /report', route: '/report', start: 0, end: 200, onThread: [[0, blockMs]] });
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /orders', route: '/orders', start: 10, end: blockMs + 30, onThread: [[blockMs, blockMs + 10]] });
  b.add(root, sql('SELECT * FROM orders WHERE id = 1', 10, readyMs));
  return analyzeAll([a.build(), b.build()]);
}

function profileOver(fromMs: number, toMs: number): Profile {
  const samples = [];
  for (let ms = fromMs; ms < toMs; ms++) samples.push({ stack: 0, weightUs: 1000, timeUs: t(ms) });
  return {
    source: 'test',
    format: 'cpuprofile',
    pid: 4242,
    frames: [
      { name: 'handle', file: '/app/server.js', line: 3, origin: 'app' },
      { name: 'renderReport', file: '/app/report.js', line: 12, origin: 'app' },
    ],
    stacks: [[0, 1]],
    samples,
    timed: true,
  };
}

describe('event-loop-blocking', () => {
  it('a 120 ms slice queues another request for 100 ms: moving it off the loop saves those 100 ms', () => {
    const traces = pair(120);
    const ctx = contextOf(traces, { profile: profileOver(0, 120) });
    const [f] = eventLoopBlocking.detect(ctx);
    expect(f.title).toBe('Move the synchronous work in GET /report off the event loop: renderReport (/app/report.js:12)');
    expect(f.confidence).toBe('high');
    expect(f.why).toContain('held up 1 other request for 100 ms');
    const fix = fixOf(ctx, 'event-loop-blocking')!;
    expect(fix.savingMs).toBeCloseTo(100, 6);
    expect(fix.evidence[0].location).toBe('/app/report.js:12');
    expect(fix.advice.text).toMatch(/piscina|worker_threads/);
  });

  it('without a profile it still fires, with medium confidence', () => {
    const [f] = eventLoopBlocking.detect(contextOf(pair(120)));
    expect(f.confidence).toBe('medium');
  });

  it('a shorter run fires when the queueing it caused is a large share of all request time', () => {
    // 40 ms run; B queued [20,40] = 20 ms, over 5 % of the 260 ms total.
    const ctx = contextOf(pair(40));
    expect(eventLoopBlocking.detect(ctx)).toHaveLength(1);
    expect(fixOf(ctx, 'event-loop-blocking')!.savingMs).toBeCloseTo(20, 6);
  });

  it('does not fire on a shorter run that barely delayed anyone, nor on runs under 5 ms', () => {
    // 40 ms run, B ready at 39: 1 ms queued, under 5 % of the total.
    expect(eventLoopBlocking.detect(contextOf(pair(40, 39)))).toHaveLength(0);
    expect(eventLoopBlocking.detect(contextOf(pair(4, 12)))).toHaveLength(0);
  });

  it('merges a request\'s per-span slices into one run: ten 8 ms slices back to back block like one 80 ms run', () => {
    const a = new TraceBuilder();
    const root = a.root({ name: 'GET /report', route: '/report', start: 0, end: 200 });
    for (let i = 0; i < 10; i++) a.add(root, { name: `step ${i}`, start: i * 8, end: i * 8 + 8, onThread: [[i * 8, i * 8 + 8]] });
    const b = new TraceBuilder();
    const broot = b.root({ name: 'GET /orders', route: '/orders', start: 10, end: 110, onThread: [[80, 90]] });
    b.add(broot, sql('SELECT * FROM orders WHERE id = 1', 10, 20));
    const ctx = contextOf(analyzeAll([a.build(), b.build()]));
    const [f] = eventLoopBlocking.detect(ctx);
    expect(f.details?.longestRunMs).toBe(80);
    expect(fixOf(ctx, 'event-loop-blocking')!.savingMs).toBeCloseTo(60, 6);
  });

  it('a long slice that delayed nobody saves nothing and is not ranked', () => {
    const a = new TraceBuilder();
    a.root({ name: 'GET /report', route: '/report', start: 0, end: 200, onThread: [[0, 120]] });
    const ctx = contextOf(analyzeAll([a.build()]));
    expect(eventLoopBlocking.detect(ctx)).toHaveLength(1);
    expect(fixOf(ctx, 'event-loop-blocking')).toBeUndefined();
  });
});

describe('event-loop-blocking and GC', () => {
  it('queued time behind a GC pause inside the run is gc-pressure\'s, not the code\'s', () => {
    const runtime = emptyRuntime();
    runtime.gc = [{ pid: 4242, startUs: t(60), durationUs: 40_000, kind: 'major' }];
    const a = new TraceBuilder();
    a.root({ name: 'GET /report', route: '/report', start: 0, end: 200, onThread: [[0, 120]] });
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /orders', route: '/orders', start: 10, end: 150, onThread: [[120, 130]] });
    b.add(root, sql('SELECT * FROM orders WHERE id = 1', 10, 20));
    const ctx = contextOf(analyzeAll([a.build(), b.build()], runtime), { runtime });
    // B is queued [20,120] = 100 ms, 40 ms of it during the pause.
    expect(fixOf(ctx, 'event-loop-blocking')!.standaloneSavingMs).toBeCloseTo(60, 6);
  });
});

describe('event-loop-blocking, untraced work', () => {
  it('work with no span that queued a request is found from the runtime data', () => {
    const runtime = emptyRuntime();
    runtime.untracedBusy.set(4242, [{ startUs: t(0), endUs: t(120) }]);
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /orders', route: '/orders', start: 10, end: 150, onThread: [[120, 130]] });
    b.add(root, sql('SELECT * FROM orders WHERE id = 1', 10, 20));
    const ctx = contextOf(analyzeAll([b.build()], runtime), { runtime });
    const [f] = eventLoopBlocking.detect(ctx);
    expect(f.title).toBe('Move the untraced synchronous work in process 4242 off the event loop');
    expect(fixOf(ctx, 'event-loop-blocking')!.savingMs).toBeCloseTo(100, 6);
  });

  it('a long run no request waited behind (start-up) neither makes it fire nor names the stack', () => {
    const runtime = emptyRuntime();
    // 900 ms of module loading before the first request, then a 10 ms run that held one request up for 10 ms.
    runtime.untracedBusy.set(4242, [{ startUs: t(-1000), endUs: t(-100) }, { startUs: t(20), endUs: t(30) }]);
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /orders', route: '/orders', start: 10, end: 150, onThread: [[30, 34]] });
    b.add(root, sql('SELECT * FROM orders WHERE id = 1', 10, 20));
    const [f] = eventLoopBlocking.detect(contextOf(analyzeAll([b.build()], runtime), { runtime }));
    expect(f.why).toBe('1 run(s) of up to 10.0 ms of work outside any request held up 1 request for 10.0 ms in total.');
    // Only the start-up run: no request waited, no finding.
    runtime.untracedBusy.set(4242, [{ startUs: t(-1000), endUs: t(-100) }]);
    expect(eventLoopBlocking.detect(contextOf(analyzeAll([b.build()], runtime), { runtime }))).toEqual([]);
  });

  it('the recorder\'s own work queues the request the same, but is no fix for the app', () => {
    const runtime = emptyRuntime();
    runtime.recorderBusy.set(4242, [{ startUs: t(0), endUs: t(120) }]);
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /orders', route: '/orders', start: 10, end: 150, onThread: [[120, 130]] });
    b.add(root, sql('SELECT * FROM orders WHERE id = 1', 10, 20));
    const analyzed = analyzeAll([b.build()], runtime);
    const ctx = contextOf(analyzed, { runtime });
    expect(eventLoopBlocking.detect(ctx)).toEqual([]);
    // Its query's reply (at 20) waited for the recorder until 120: queued, not database time.
    expect(analyzed[0]!.breakdownUs.queued).toBeCloseTo(100_000, 0);
  });
});
