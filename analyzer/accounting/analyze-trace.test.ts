import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MIN_QUEUED_RUN_US, analyzeTrace } from './analyze-trace.js';
import { buildThreadIndex } from './thread-index.js';
import { arbTraceSpans, mkSpan, mkTrace } from '../critical-path/testing/spans.js';
import { classifyAll } from '../classify/classify.js';
import { CATEGORIES, emptyBreakdown, fractionsOf, type Breakdown, type Category } from '../model/categories.js';
import { emptyRuntime, type RuntimeData } from '../model/runtime.js';
import type { Span } from '../model/span.js';
import type { AnalyzedTrace, Trace } from '../model/trace.js';

function nonZero(b: Breakdown): Partial<Record<Category, number>> {
  const out: Partial<Record<Category, number>> = {};
  for (const c of CATEGORIES) if (b[c] !== 0) out[c] = b[c];
  return out;
}

function sum(b: Breakdown): number {
  let s = 0;
  for (const c of CATEGORIES) s += b[c];
  return s;
}

const db = (id: string, parent: string, a: number, b: number, extra: Partial<Span> = {}): Span =>
  mkSpan(id, parent, a, b, { kind: 'client', attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1' }, ...extra });

describe('analyzeTrace: foreign traces (no runtime data)', () => {
  it('waits go to their class, in-process self time to in_process_unattributed', () => {
    const t = mkTrace(
      classifyAll([
        mkSpan('r', undefined, 0, 100, { language: 'python' }),
        db('q', 'r', 20, 50),
        mkSpan('h', 'r', 60, 90, { kind: 'client', attributes: { 'http.request.method': 'GET', 'url.full': 'http://x/y' } }),
      ]),
    );
    const a = analyzeTrace(t, undefined);
    expect(nonZero(a.breakdownUs)).toEqual({ db: 30, network: 30, in_process_unattributed: 40 });
    expect(a.path.map((s) => [s.spanId, s.category, s.startUs, s.endUs])).toEqual([
      ['r', 'in_process_unattributed', 0, 20],
      ['q', 'db', 20, 50],
      ['r', 'in_process_unattributed', 50, 60],
      ['h', 'network', 60, 90],
      ['r', 'in_process_unattributed', 90, 100],
    ]);
  });

  it('issue 16: a query still running when a later one started was not awaited before it: db 30, not 40', () => {
    const t = mkTrace(
      classifyAll([
        mkSpan('r', undefined, 0, 100, { language: 'python' }),
        db('q1', 'r', 10, 40),
        db('q2', 'r', 20, 50),
        mkSpan('h', 'r', 60, 90, { kind: 'client', attributes: { 'http.request.method': 'GET', 'url.full': 'http://x/y' } }),
      ]),
    );
    const a = analyzeTrace(t, undefined);
    expect(nonZero(a.breakdownUs)).toEqual({ db: 30, network: 30, in_process_unattributed: 40 });
    expect(a.path.some((s) => s.spanId === 'q1')).toBe(false);
  });

  it('nested waits: a pool checkout inside a query, an HTTP call into another service with its own db', () => {
    const t = mkTrace(
      classifyAll([
        mkSpan('r', undefined, 0, 100),
        db('q', 'r', 10, 40),
        mkSpan('p', 'q', 10, 25, { name: 'pg-pool.connect' }),
        mkSpan('h', 'r', 40, 95, { kind: 'client', attributes: { 'http.method': 'GET' } }),
        mkSpan('srv', 'h', 45, 90, { kind: 'server', service: 'other', language: 'go' }),
        db('q2', 'srv', 50, 70),
      ]),
    );
    const a = analyzeTrace(t, undefined);
    expect(nonZero(a.breakdownUs)).toEqual({ pool: 15, db: 15 + 20, network: 5 + 5, in_process_unattributed: 10 + 5 + 5 + 20 });
    expect(sum(a.breakdownUs)).toBe(100);
  });

  it('names the endpoint from route and method (stable and older keys)', () => {
    const r = mkSpan('r', undefined, 0, 1, { attributes: { 'http.request.method': 'GET', 'http.route': '/users/:id' } });
    expect(analyzeTrace(mkTrace([r]), undefined).endpoint).toBe('GET /users/:id');
    const r2 = mkSpan('r', undefined, 0, 1, { name: 'GET', attributes: { 'http.method': 'POST', 'http.route': '/x' } });
    expect(analyzeTrace(mkTrace([r2]), undefined).endpoint).toBe('POST /x');
    const r3 = mkSpan('r', undefined, 0, 1, { name: 'job' });
    expect(analyzeTrace(mkTrace([r3]), undefined).endpoint).toBe('job');
  });
});

describe('analyzeTrace: on-thread data', () => {
  /**
   * One pid. Request t1: root [0,100) with own slices [0,10) and [50,60), a query [20,50).
   * Request t2 ran [10,20) on the same thread; untraced work ran [60,70); GC paused [5,8) (inside t1's own
   * code) and [65,66) (inside untraced work). Nothing ran [70,100).
   */
  function scene(): { t1: Trace; t2: Trace; runtime: RuntimeData } {
    const t1 = mkTrace(
      classifyAll([
        mkSpan('r', undefined, 0, 100, { pid: 1, onThread: [{ startUs: 0, endUs: 10 }, { startUs: 50, endUs: 60 }] }),
        db('q', 'r', 20, 50, { pid: 1, onThread: [] }),
      ]),
      't1',
    );
    const t2 = mkTrace(classifyAll([mkSpan('r2', undefined, 10, 20, { pid: 1, onThread: [{ startUs: 10, endUs: 20 }] })]), 't2');
    const runtime = emptyRuntime();
    runtime.untracedBusy.set(1, [{ startUs: 60, endUs: 70 }]);
    runtime.gc.push({ pid: 1, startUs: 5, durationUs: 3, kind: 'minor' }, { pid: 1, startUs: 65, durationUs: 1, kind: 'minor' });
    return { t1, t2, runtime };
  }

  it('own slices → cpu, GC inside them → gc, other work → queued, idle → uninstrumented_wait', () => {
    const { t1, t2, runtime } = scene();
    const index = buildThreadIndex([t1, t2], runtime);
    const a = analyzeTrace(t1, index);
    expect(nonZero(a.breakdownUs)).toEqual({ cpu: 5 + 2 + 10, gc: 3, queued: 10 + 10, db: 30, uninstrumented_wait: 30 });
    expect(a.path.map((s) => [s.category, s.startUs, s.endUs])).toEqual([
      ['cpu', 0, 5],
      ['gc', 5, 8],
      ['cpu', 8, 10],
      ['queued', 10, 20],
      ['db', 20, 50],
      ['cpu', 50, 60],
      ['queued', 60, 70],
      ['uninstrumented_wait', 70, 100],
    ]);
  });

  it('the other request sees the same thread from its side', () => {
    const { t1, t2, runtime } = scene();
    const index = buildThreadIndex([t1, t2], runtime);
    expect(nonZero(analyzeTrace(t2, index).breakdownUs)).toEqual({ cpu: 10 });
  });

  it('past the recorder\'s slice cap, idle-looking time is unattributed, not a wait', () => {
    const { t1, t2, runtime } = scene();
    t1.root.attributes['timesink.slices_dropped'] = 3;
    const a = analyzeTrace(t1, buildThreadIndex([t1, t2], runtime));
    // Last recorded slice ends at 60: [70,100) was idle → unattributed; everything before is unchanged.
    expect(nonZero(a.breakdownUs)).toEqual({ cpu: 17, gc: 3, queued: 20, db: 30, in_process_unattributed: 30 });
  });

  it('a foreign span whose pid collides with a recorded Node pid does not borrow its thread', () => {
    const { t1, t2, runtime } = scene();
    const py = mkTrace([mkSpan('p', undefined, 0, 100, { pid: 1, language: 'python' })], 't4');
    expect(nonZero(analyzeTrace(py, buildThreadIndex([t1, t2, py], runtime)).breakdownUs)).toEqual({ in_process_unattributed: 100 });
  });

  it('a span in a pid without any on-thread data stays in_process_unattributed', () => {
    const { t1, runtime } = scene();
    const foreign = mkTrace([mkSpan('f', undefined, 0, 50, { pid: 2 })], 't3');
    const index = buildThreadIndex([t1, foreign], runtime);
    expect(nonZero(analyzeTrace(foreign, index).breakdownUs)).toEqual({ in_process_unattributed: 50 });
  });
});

/**
 * A single-threaded event loop simulated by construction: every request runs `c1` µs of JavaScript, sends one
 * query that truly takes `latency` µs, and runs `c2` µs when the reply's callback gets the loop. Ready work runs
 * in order of readiness. The truth per request is known: db = latency, queued = callback start − reply time.
 */
interface SimRequest {
  arrival: number;
  c1: number;
  c2: number;
  latency: number;
  statement: string;
}
interface SimTruth {
  trace: Trace;
  db: number;
  queued: number;
  cpu: number;
}

function simulate(reqs: SimRequest[]): SimTruth[] {
  type Task = { ready: number; seq: number; run: (start: number) => number };
  const ready: Task[] = [];
  let seq = 0;
  const truths: SimTruth[] = [];
  reqs.forEach((r, n) => {
    const traceId = `t${n}`;
    ready.push({
      ready: r.arrival,
      seq: seq++,
      run: (s1) => {
        const e1 = s1 + r.c1;
        const reply = e1 + r.latency;
        ready.push({
          ready: reply,
          seq: seq++,
          run: (s2) => {
            const e2 = s2 + r.c2;
            const root = mkSpan(`r${n}`, undefined, s1, e2, {
              pid: 7,
              onThread: [{ startUs: s1, endUs: e1 }, { startUs: s2, endUs: e2 }],
              attributes: { 'http.method': 'GET', 'http.route': '/r' },
            });
            const q = db(`q${n}`, `r${n}`, e1, s2, { name: 'pg.query', pid: 7, onThread: [], attributes: { 'db.system': 'postgresql', 'db.statement': r.statement } });
            truths[n] = { trace: mkTrace(classifyAll([root, q]), traceId), db: r.latency, queued: s2 - reply, cpu: r.c1 + r.c2 };
            return e2;
          },
        });
        return e1;
      },
    });
  });
  let now = 0;
  while (ready.length > 0) {
    ready.sort((a, b) => a.ready - b.ready || a.seq - b.seq);
    const task = ready.shift()!;
    now = task.run(Math.max(now, task.ready));
  }
  return truths;
}

describe('analyzeTrace: Node queued tail under concurrent CPU load', () => {
  const rng = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);

  it('a reply that waited for the loop is queued, not db: exact truth on a constructed load', () => {
    const rand = rng(42);
    const reqs: SimRequest[] = [];
    for (let i = 0; i < 200; i++) {
      const heavy = rand() < 0.1;
      const slow = rand() < 0.5;
      reqs.push({
        arrival: Math.floor(i * 8000 + rand() * 6000),
        c1: heavy ? 20_000 + Math.floor(rand() * 10_000) : 200 + Math.floor(rand() * 300),
        c2: 100 + Math.floor(rand() * 300),
        latency: slow ? 10_000 : 4_000,
        statement: slow ? `SELECT * FROM big WHERE id = ${i}` : `SELECT name FROM small WHERE id = ${i}`,
      });
    }
    const truths = simulate(reqs);
    const index = buildThreadIndex(
      truths.map((t) => t.trace),
      emptyRuntime(),
    );
    let contended = 0;
    let queuedTotal = 0;
    for (const truth of truths) {
      const a = analyzeTrace(truth.trace, index);
      if (truth.queued >= MIN_QUEUED_RUN_US) contended++;
      queuedTotal += truth.queued;
      const b = a.breakdownUs;
      expect(b.cpu).toBe(truth.cpu);
      expect(b.db + b.queued).toBe(truth.db + truth.queued);
      // A wait of a millisecond or more is found exactly; a shorter one may be left in db (MIN_QUEUED_RUN_US).
      if (truth.queued >= MIN_QUEUED_RUN_US) expect(b.queued).toBe(truth.queued);
      else expect([0, truth.queued]).toContain(b.queued);
      expect(nonZero(b)).toEqual(nonZero({ ...emptyBreakdown(), db: b.db, queued: b.queued, cpu: b.cpu }));
    }
    // The scene really is contended: otherwise the test proves nothing.
    expect(contended).toBeGreaterThan(15);
    expect(queuedTotal).toBeGreaterThan(100_000);
  });

  it('without contention nothing is moved', () => {
    const reqs: SimRequest[] = [0, 1, 2, 3].map((i) => ({ arrival: i * 50_000, c1: 500, c2: 500, latency: 10_000, statement: 'SELECT 1' }));
    const truths = simulate(reqs);
    const index = buildThreadIndex(
      truths.map((t) => t.trace),
      emptyRuntime(),
    );
    for (const truth of truths) expect(nonZero(analyzeTrace(truth.trace, index).breakdownUs)).toEqual({ db: 10_000, cpu: 1000 });
  });
});

describe('analyzeTrace properties', () => {
  it('the parts sum exactly to the root duration, and the fractions to 1', () => {
    const arbWithClass = fc.tuple(arbTraceSpans, fc.array(fc.constantFrom('db', 'http', 'internal', 'redis'), { minLength: 41, maxLength: 41 }));
    fc.assert(
      fc.property(arbWithClass, fc.boolean(), ([spans, kinds], withThread) => {
        spans.forEach((s, i) => {
          if (i === 0) return;
          const k = kinds[i];
          if (k === 'db') Object.assign(s, { kind: 'client', attributes: { 'db.system': 'mysql' } });
          if (k === 'redis') Object.assign(s, { kind: 'client', attributes: { 'db.system': 'redis' } });
          if (k === 'http') Object.assign(s, { kind: 'client', attributes: { 'http.method': 'GET' } });
          if (withThread) Object.assign(s, { pid: 1, onThread: i % 3 === 0 ? [{ startUs: s.startUs, endUs: s.startUs + (s.endUs - s.startUs) / 3 }] : [] });
        });
        if (withThread) Object.assign(spans[0], { pid: 1, onThread: [{ startUs: 0.5, endUs: 7.25 }] });
        const t = mkTrace(classifyAll(spans));
        const rt = emptyRuntime();
        rt.untracedBusy.set(1, [{ startUs: 100, endUs: 180 }]);
        rt.gc.push({ pid: 1, startUs: 3, durationUs: 50, kind: 'major' });
        const a: AnalyzedTrace = analyzeTrace(t, withThread ? buildThreadIndex([t], rt) : undefined);
        expect(sum(a.breakdownUs)).toBe(Math.round(t.root.endUs) - Math.round(t.root.startUs));
        let at = Math.round(t.root.startUs);
        for (const s of a.path) {
          expect(s.startUs).toBe(at);
          expect(s.endUs).toBeGreaterThan(s.startUs);
          at = s.endUs;
        }
        const f = fractionsOf(a.breakdownUs);
        const fs = f.waiting + f.computing + f.queued + f.unattributed;
        if (sum(a.breakdownUs) > 0) expect(Math.abs(fs - 1)).toBeLessThan(0.001);
      }),
      { numRuns: 400 },
    );
  });
});

describe('analyzeTrace: waits ended by another request are not queued', () => {
  it('a pool checkout released by another request\'s code stays pool time', () => {
    // Request 2 holds the only connection until its code at [40,45) releases it; request 1's checkout ends at 45.
    const t1 = mkTrace(
      classifyAll([
        mkSpan('r', undefined, 0, 60, { pid: 1, onThread: [{ startUs: 0, endUs: 5 }, { startUs: 45, endUs: 60 }] }),
        mkSpan('p', 'r', 5, 45, { name: 'pg-pool.connect', pid: 1, onThread: [] }),
      ]),
      'a',
    );
    const t2 = mkTrace(classifyAll([mkSpan('r2', undefined, 5, 45, { pid: 1, onThread: [{ startUs: 5, endUs: 45 }] })]), 'b');
    const a = analyzeTrace(t1, buildThreadIndex([t1, t2], emptyRuntime()));
    expect(nonZero(a.breakdownUs)).toEqual({ cpu: 20, pool: 40 });
  });
});

/**
 * A multi-step I/O operation on a simulated event loop, by construction: `fs.promises.readFile` is several thread-pool
 * round trips (open, fstat, read, close), each of known latency, and each step's callback runs a little of the
 * request's own JavaScript (inside the fs span) before issuing the next step. Every callback waits for the loop
 * behind whatever is running. Per request the truth is known: fs = Σ step latencies + own JavaScript inside the span,
 * queued = Σ (callback start − step completion), cpu = the handler's JavaScript before and after.
 */
interface StepRequest {
  /** When the request arrives; for a closed loop, the client it belongs to (see simulateSteps). */
  arrival: number;
  c1: number;
  latencies: number[];
  /** Own JavaScript in each intermediate callback, and in the final one before the span's end is stamped. */
  cStep: number;
  cEnd: number;
  c2: number;
}
interface StepTruth {
  trace: Trace;
  fs: number;
  queued: number;
  cpu: number;
  inFlight: number;
}

/** `think` ≥ 0 makes it a closed loop: request i+clients arrives `think` µs after request i finished. */
function simulateSteps(reqs: StepRequest[], closed?: { clients: number; think: number }): StepTruth[] {
  type Task = { ready: number; seq: number; run: (start: number) => number };
  const ready: Task[] = [];
  let seq = 0;
  const truths: StepTruth[] = [];
  const start = (n: number, arrival: number): void => {
    const r = reqs[n];
    ready.push({
      ready: arrival,
      seq: seq++,
      run: (s0) => {
        const e0 = s0 + r.c1;
        const fsSlices: { startUs: number; endUs: number }[] = [];
        let queued = 0;
        const step = (i: number, issued: number): void => {
          const done = issued + r.latencies[i];
          ready.push({
            ready: done,
            seq: seq++,
            run: (s) => {
              queued += s - done;
              if (i < r.latencies.length - 1) {
                fsSlices.push({ startUs: s, endUs: s + r.cStep });
                step(i + 1, s + r.cStep);
                return s + r.cStep;
              }
              const fsEnd = s + r.cEnd;
              const end = fsEnd + r.c2;
              fsSlices.push({ startUs: s, endUs: fsEnd });
              const root = mkSpan(`r${n}`, undefined, s0, end, {
                pid: 7,
                onThread: [{ startUs: s0, endUs: e0 }, { startUs: fsEnd, endUs: end }],
                attributes: { 'http.method': 'GET', 'http.route': '/thumbnail/:id' },
              });
              const read = mkSpan(`f${n}`, `r${n}`, e0, fsEnd, { name: 'fs readFile', pid: 7, onThread: fsSlices });
              const inFlight = r.latencies.reduce((a, b) => a + b, 0);
              truths[n] = {
                trace: mkTrace(classifyAll([root, read]), `t${n}`),
                fs: inFlight + (r.latencies.length - 1) * r.cStep + r.cEnd,
                queued,
                cpu: r.c1 + r.c2,
                inFlight,
              };
              if (closed && n + closed.clients < reqs.length) start(n + closed.clients, end + closed.think);
              return end;
            },
          });
        };
        step(0, e0);
        return e0;
      },
    });
  };
  if (closed) for (let n = 0; n < Math.min(closed.clients, reqs.length); n++) start(n, reqs[n].arrival);
  else reqs.forEach((r, n) => start(n, r.arrival));
  let now = 0;
  while (ready.length > 0) {
    ready.sort((a, b) => a.ready - b.ready || a.seq - b.seq);
    const task = ready.shift()!;
    now = task.run(Math.max(now, task.ready));
  }
  return truths;
}

describe('analyzeTrace: a multi-step I/O operation under CPU contention (fs.promises.readFile)', () => {
  const rng = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const STEPS = [180, 120, 260, 90]; // open, fstat, read, close: µs in the thread pool

  it('every step\'s wait for the loop is queued, the thread-pool time stays fs: exact truth', () => {
    const rand = rng(7);
    const reqs: StepRequest[] = [];
    for (let i = 0; i < 300; i++) {
      const heavy = rand() < 0.15;
      reqs.push({
        arrival: Math.floor(i * 6000 + rand() * 5000),
        c1: 100 + Math.floor(rand() * 200),
        latencies: STEPS,
        cStep: 40,
        cEnd: 30,
        // Heavy requests hold the loop for 20–30 ms: every step callback of the others due then waits behind it.
        c2: heavy ? 20_000 + Math.floor(rand() * 10_000) : 300 + Math.floor(rand() * 300),
      });
    }
    const truths = simulateSteps(reqs);
    const index = buildThreadIndex(
      truths.map((t) => t.trace),
      emptyRuntime(),
    );
    let multiStep = 0;
    let queuedTotal = 0;
    for (const truth of truths) {
      const b = analyzeTrace(truth.trace, index).breakdownUs;
      expect(b.cpu).toBe(truth.cpu);
      expect(b.fs + b.queued).toBe(truth.fs + truth.queued);
      if (truth.queued >= MIN_QUEUED_RUN_US) expect(b.queued).toBe(truth.queued);
      else expect([0, truth.queued]).toContain(b.queued);
      expect(nonZero(b)).toEqual(nonZero({ ...emptyBreakdown(), fs: b.fs, queued: b.queued, cpu: b.cpu }));
      queuedTotal += truth.queued;
      // Requests whose wait for the loop is split over several callbacks: what the last-callback tail alone misses.
      const slices = truth.trace.spans.find((s) => s.name === 'fs readFile')!.onThread!;
      if (slices.length > 1 && truth.queued >= MIN_QUEUED_RUN_US && slices[0].startUs - truth.trace.root.startUs > 0) multiStep++;
    }
    expect(multiStep).toBeGreaterThan(20);
    expect(queuedTotal).toBeGreaterThan(200_000);
  });

  it('a saturated closed loop (8 clients, 10 ms of CPU each, no wait ever finds the loop free): queued is right within the steps\' in-flight time', () => {
    const reqs: StepRequest[] = Array.from({ length: 160 }, () => ({ arrival: 0, c1: 150, latencies: STEPS, cStep: 40, cEnd: 30, c2: 10_000 }));
    const truths = simulateSteps(reqs, { clients: 8, think: 200 });
    const index = buildThreadIndex(
      truths.map((t) => t.trace),
      emptyRuntime(),
    );
    let queued = 0;
    let truthQueued = 0;
    for (const truth of truths.slice(8)) {
      const b = analyzeTrace(truth.trace, index).breakdownUs;
      expect(b.cpu).toBe(truth.cpu);
      expect(b.fs + b.queued).toBe(truth.fs + truth.queued);
      // No uncontended sample exists: the thread-pool time run over by other work cannot be told from queueing.
      expect(b.queued).toBeGreaterThanOrEqual(truth.queued);
      expect(b.queued).toBeLessThanOrEqual(truth.queued + truth.inFlight);
      queued += b.queued;
      truthQueued += truth.queued;
    }
    // Steady state: each request's steps wait tens of ms behind the others' CPU (the scene really is saturated).
    expect(truthQueued / (truths.length - 8)).toBeGreaterThan(30_000);
    expect(queued / truthQueued).toBeLessThan(1.02);
  });

  it('a thread-pool stall while the loop is idle stays fs, even though other work ran during the wait', () => {
    // A: readFile whose read step takes 30 ms in the thread pool. B runs 10 ms of CPU during that step, then the loop
    // is idle until A's read completes: A's callback ran at once, nothing of A's wait is queued.
    const reqs: StepRequest[] = [
      { arrival: 0, c1: 100, latencies: [180, 120, 30_000, 90], cStep: 40, cEnd: 30, c2: 300 },
      { arrival: 1_000, c1: 10_000, latencies: [180, 120, 260, 90], cStep: 40, cEnd: 30, c2: 300 },
      // Uncontended samples of the operation.
      ...[60_000, 80_000, 100_000].map((arrival) => ({ arrival, c1: 100, latencies: STEPS, cStep: 40, cEnd: 30, c2: 300 })),
    ];
    const truths = simulateSteps(reqs);
    expect(truths[0].queued).toBe(0);
    const index = buildThreadIndex(
      truths.map((t) => t.trace),
      emptyRuntime(),
    );
    expect(nonZero(analyzeTrace(truths[0].trace, index).breakdownUs)).toEqual({ fs: truths[0].fs, cpu: 400 });
    // B's read starts after its own CPU and meets no one: exact too.
    expect(analyzeTrace(truths[1].trace, index).breakdownUs.queued).toBe(truths[1].queued);
  });
});
