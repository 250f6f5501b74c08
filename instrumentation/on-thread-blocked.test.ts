/**
 * The blocked reading's arithmetic on exact clocks (see on-thread.ts): a long slice is charged wall − CPU − run-queue
 * wait over the window since the last reading, capped at its length; short slices are not read; a run from idle
 * renews the anchor when it is old; the reads' own time is kept out of the next window.
 */
import { describe, expect, it } from 'vitest';
import { OnThreadTracker } from './on-thread.js';
import { newTiming } from './span-timing.js';
import type { CpuClock } from './thread-cpu.js';

function clocks(): {
  now: () => number;
  wall: (ms: number) => void;
  cpu: (ms: number) => void;
  queue: (ms: number) => void;
  reads: () => number;
  clock: CpuClock;
} {
  let wallMs = 1000;
  let cpuUs = 0;
  let queueUs = 0;
  let reads = 0;
  return {
    now: () => wallMs,
    wall: (ms) => void (wallMs += ms),
    /** The thread computes for ms: wall and CPU advance together. */
    cpu: (ms) => {
      wallMs += ms;
      cpuUs += ms * 1000;
    },
    /** The thread waits for a CPU for ms. */
    queue: (ms) => {
      wallMs += ms;
      queueUs += ms * 1000;
    },
    reads: () => reads,
    clock: {
      readUs: () => {
        reads++;
        return cpuUs;
      },
      runDelayUs: () => queueUs,
    },
  };
}

describe('blocked time of a span (exact clocks)', () => {
  it('charges a long slice its wall time that was neither CPU nor waiting for a CPU', () => {
    const c = clocks();
    const tracker = new OnThreadTracker(() => null, 64, c.now, c.clock);
    // start() takes the first reading; its async hook is not wanted here (the clocks are fake).
    tracker.start();
    tracker.stop();
    const t = newTiming(1000);
    tracker.enter(t);
    c.cpu(2); // starting the call
    c.wall(50); // blocked in the kernel
    c.queue(3); // woken, waiting for a CPU
    c.cpu(1);
    tracker.exit();
    expect(t.onThreadUs).toBe(56_000);
    expect(t.blockedUs).toBeCloseTo(50_000, 6);
  });

  it('reads nothing for a computing span, and charges it nothing', () => {
    const c = clocks();
    const tracker = new OnThreadTracker(() => null, 64, c.now, c.clock);
    // start() takes the first reading; its async hook is not wanted here (the clocks are fake).
    tracker.start();
    tracker.stop();
    const t = newTiming(1000);
    tracker.enter(t);
    c.cpu(30);
    c.queue(20); // preempted: not blocked
    tracker.exit();
    expect(t.onThreadUs).toBe(50_000);
    expect(t.blockedUs).toBe(0);
  });

  it('leaves short slices unread: their blocked time is not measured', () => {
    const c = clocks();
    const tracker = new OnThreadTracker(() => null, 64, c.now, c.clock);
    // start() takes the first reading; its async hook is not wanted here (the clocks are fake).
    tracker.start();
    tracker.stop();
    const afterStart = c.reads();
    const t = newTiming(1000);
    tracker.enter(t);
    c.wall(0.5);
    tracker.exit();
    expect(c.reads()).toBe(afterStart);
    expect(t.blockedUs).toBe(0);
  });

  it('takes the window from the last reading: computing slices before the long one are not blocked time', () => {
    const c = clocks();
    const tracker = new OnThreadTracker(() => null, 64, c.now, c.clock);
    // start() takes the first reading; its async hook is not wanted here (the clocks are fake).
    tracker.start();
    tracker.stop();
    const a = newTiming(1000);
    const b = newTiming(1000);
    tracker.enter(a);
    c.cpu(0.8); // short, computing: not read
    tracker.exit();
    c.wall(1); // idle: neither counted as on-thread nor read (anchor still young)
    tracker.enter(b);
    c.wall(10); // blocked
    tracker.exit();
    expect(a.blockedUs).toBe(0);
    expect(b.blockedUs).toBeCloseTo(10_000, 6);
  });

  it('renews the anchor at the start of a run from idle once it is older than 5 ms', () => {
    const c = clocks();
    const tracker = new OnThreadTracker(() => null, 64, c.now, c.clock);
    // start() takes the first reading; its async hook is not wanted here (the clocks are fake).
    tracker.start();
    tracker.stop();
    const before = c.reads();
    tracker.enter(null);
    tracker.exit();
    expect(c.reads()).toBe(before); // anchor 0 ms old
    c.wall(6);
    tracker.enter(null);
    tracker.exit();
    expect(c.reads()).toBe(before + 1);
  });

  it('without a CPU clock measures nothing', () => {
    const c = clocks();
    const tracker = new OnThreadTracker(() => null, 64, c.now, null);
    // start() takes the first reading; its async hook is not wanted here (the clocks are fake).
    tracker.start();
    tracker.stop();
    const t = newTiming(1000);
    tracker.enter(t);
    c.wall(50);
    tracker.exit();
    expect(t.onThreadUs).toBe(50_000);
    expect(t.blockedUs).toBe(0);
    expect(c.reads()).toBe(0);
  });
});
