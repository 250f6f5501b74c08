import { describe, expect, it } from 'vitest';
import { burnCpuMs } from './testing/burn-cpu.js';
import { OnThreadTracker } from './on-thread.js';
import { addSlice, formatSlices, newTiming } from './span-timing.js';

describe('addSlice', () => {
  it('stores integer µs slices relative to the span start and sums the exact total', () => {
    const t = newTiming(100);
    addSlice(t, 100.5, 101.25, 10); // 500 µs at 500
    addSlice(t, 103, 103.0004, 10); // 0.4 µs at 3000
    expect(formatSlices(t.slices)).toBe('500:750,3000:0');
    expect(t.onThreadUs).toBeCloseTo(750.4, 6);
  });

  it('merges a slice that starts within 10 µs of the previous end', () => {
    const t = newTiming(0);
    addSlice(t, 1, 2, 10);
    addSlice(t, 2.008, 3, 10);
    addSlice(t, 3.02, 4, 10);
    expect(formatSlices(t.slices)).toBe('1000:2000,3020:980');
  });

  it('caps the slices but keeps counting the total', () => {
    const t = newTiming(0);
    for (let i = 0; i < 5; i++) addSlice(t, i, i + 0.5, 3);
    expect(t.slices).toHaveLength(6);
    expect(t.slicesDropped).toBe(2);
    expect(t.onThreadUs).toBeCloseTo(2500, 6);
  });

  it('ignores empty and negative slices', () => {
    const t = newTiming(0);
    addSlice(t, 2, 2, 10);
    addSlice(t, 3, 1, 10);
    expect(t.slices).toEqual([]);
    expect(t.onThreadUs).toBe(0);
  });
});

describe('OnThreadTracker', () => {
  /** A manual clock: each step() advances it by the given ms. */
  function fakeClock(): { now: () => number; step: (ms: number) => void } {
    let t = 1000;
    return { now: () => t, step: (ms) => void (t += ms) };
  }

  it('splits nested runs exclusively: the outer span pauses while the inner one runs', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    const outer = newTiming(1000);
    const inner = newTiming(1002);
    tracker.enter(outer);
    clock.step(4);
    tracker.enter(inner);
    clock.step(6);
    tracker.exit();
    clock.step(4);
    tracker.exit();
    expect(inner.onThreadUs).toBe(6000);
    expect(formatSlices(inner.slices)).toBe('2000:6000');
    expect(outer.onThreadUs).toBe(8000);
    expect(formatSlices(outer.slices)).toBe('0:4000,10000:4000');
  });

  it('books work with no span as busy and time between runs as idle', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    tracker.enter(null);
    clock.step(3);
    tracker.exit();
    clock.step(5); // outside any run: idle
    tracker.enter(null);
    clock.step(2);
    tracker.exit();
    expect(tracker.drainBusy()).toEqual([1000, 1003, 1008, 1010]);
    expect(tracker.drainBusy()).toEqual([]);
  });

  it('keeps the recorder\'s own work apart: neither the span it interrupts nor the app\'s busy time', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    const t = newTiming(1000);
    tracker.enter(t);
    clock.step(2);
    tracker.asRecorder(() => clock.step(5)); // a flush inside the span's code
    clock.step(1);
    tracker.exit();
    tracker.enter(null);
    tracker.asRecorder(() => clock.step(3)); // the flush timer: no span
    tracker.exit();
    expect(t.onThreadUs).toBe(3000);
    expect(formatSlices(t.slices)).toBe('0:2000,7000:1000');
    expect(tracker.drainRecorder()).toEqual([1002, 1007, 1008, 1011]);
    expect(tracker.drainBusy()).toEqual([]);
  });

  it('the recorder\'s work pauses an adopted span without ending its adoption', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    const parent = newTiming(1000);
    tracker.enter(parent);
    clock.step(1);
    const child = newTiming(1001);
    tracker.adopt(child, 1001); // a synchronous child span starts
    clock.step(1);
    tracker.asRecorder(() => clock.step(2)); // a flush in the middle of it
    clock.step(1);
    tracker.settle(child); // the child ends: the parent resumes
    child.ended = true;
    clock.step(1);
    tracker.exit();
    expect(child.onThreadUs).toBe(2000);
    expect(formatSlices(child.slices)).toBe('0:1000,3000:1000');
    expect(parent.onThreadUs).toBe(2000);
    expect(tracker.drainRecorder()).toEqual([1002, 1004]);
  });

  it('banks the running slice when a span ends inside it, and books the rest as busy', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    const t = newTiming(1000);
    tracker.enter(t);
    clock.step(3);
    tracker.settle(t);
    t.ended = true;
    clock.step(2);
    tracker.exit();
    expect(t.onThreadUs).toBe(3000);
    expect(tracker.drainBusy()).toEqual([1003, 1005]);
  });

  it('adopts a span from its start: a synchronous child covers its whole duration and the parent resumes after', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    const parent = newTiming(1000);
    tracker.enter(parent);
    clock.step(1);
    const child = newTiming(1001);
    tracker.adopt(child, 1001); // startSpan
    clock.step(2); // the recorder's and the instrumentation's work before context.with
    tracker.enter(child);
    clock.step(3); // readFileSync
    tracker.exit();
    clock.step(1); // the instrumentation's code before span.end()
    tracker.settle(child);
    child.ended = true;
    clock.step(4);
    tracker.exit();
    expect(formatSlices(child.slices)).toBe('0:5000');
    expect(formatSlices(parent.slices)).toBe('0:1000,6000:5000');
    expect(parent.onThreadUs + child.onThreadUs).toBe(11000);
    expect(tracker.drainBusy()).toEqual([]);
  });

  it('ends an adoption whose span outlives the run when the run ends, and never adopts outside a run', () => {
    const clock = fakeClock();
    const tracker = new OnThreadTracker(() => null, 64, clock.now);
    const outside = newTiming(1000);
    tracker.adopt(outside);
    clock.step(5); // idle: nobody's
    const parent = newTiming(1005);
    tracker.enter(parent);
    clock.step(1);
    const asyncChild = newTiming(1006);
    tracker.adopt(asyncChild); // started, never entered, ends later
    clock.step(2);
    tracker.exit();
    clock.step(5); // idle again
    tracker.enter(null);
    clock.step(1);
    tracker.exit();
    expect(outside.onThreadUs).toBe(0);
    expect(formatSlices(parent.slices)).toBe('0:1000');
    expect(formatSlices(asyncChild.slices)).toBe('0:2000');
    expect(tracker.drainBusy()).toEqual([1013, 1014]);
  });

  it('ends an adoption when the adopted span creates async work (an async call not entered with context.with)', async () => {
    const parent = newTiming(performance.now());
    const tracker = new OnThreadTracker(() => null, 64);
    tracker.start();
    let child = newTiming(0);
    try {
      await new Promise<void>((resolve) =>
        setImmediate(() => {
          // The immediate's run is the parent's (entered explicitly: the tracker started after it was scheduled).
          tracker.enter(parent);
          child = newTiming(performance.now());
          tracker.adopt(child, child.startPerfMs);
          void Promise.resolve(); // the call's async work: from here on, the caller's code
          burnCpuMs(5);
          tracker.exit();
          resolve();
        }),
      );
    } finally {
      tracker.stop();
    }
    expect(child.onThreadUs).toBeLessThan(1000);
    expect(parent.onThreadUs).toBeGreaterThanOrEqual(5000);
  });

  it('attributes real callbacks to the span that scheduled them', async () => {
    const t = newTiming(performance.now());
    let active: typeof t | null = null;
    const tracker = new OnThreadTracker(() => active, 64);
    tracker.start();
    try {
      active = t;
      const timer = new Promise<void>((resolve) => setTimeout(() => (burnCpuMs(8), resolve()), 1));
      active = null;
      await timer;
    } finally {
      tracker.stop();
    }
    // Wall-clock on a shared machine: at least the burn, at most the burn plus scheduling noise.
    expect(t.onThreadUs).toBeGreaterThanOrEqual(8000);
    expect(t.slices.length).toBeGreaterThan(0);
  });
});
