/**
 * On-thread time per span. Every callback run (async_hooks before/after, promise reactions included) and every
 * synchronous context switch (context.with, e.g. the code right after a span starts) opens a slice; the slice's time
 * goes to the span that was active when that work was scheduled (recorded at async init, like AsyncLocalStorage
 * does). Nested runs are exclusive: the outer slice pauses while the inner one runs.
 * A span started inside a run is "adopted" at once: its slice opens at its start, not when (or if) its code is entered
 * with context.with, and closes when it ends, its code is entered or returns, or it creates async work (then it is an
 * async call whose caller continues), after which the outer slice resumes. A span started
 * and ended within one synchronous run (readFileSync) is thus on-thread for its whole duration, and a synchronous
 * block of such spans is recorded without holes.
 * Work with no active span becomes "busy" slices for runtime-<pid>.jsonl; time outside any callback is idle. The
 * recorder's own work (asRecorder: encoding and writing spans) is kept apart, so that it delays requests in the
 * analysis as it did in the process, but is never reported as the app's work to fix.
 *
 * Blocked or computing: a slice of 1 ms or more (LONG_SLICE_MS) reads the thread's CPU clock when it closes. Since
 * the last reading (the anchor, renewed at the start of a run from idle when older than ANCHOR_MS), the thread was
 * on-thread for a known wall time; wall − CPU − time preempted (waiting for a CPU, thread-cpu.ts) over that window is
 * time spent waiting in the kernel inside a synchronous call, and is charged to the long slice (capped at its length). The other slices of the window are
 * taken to compute, so at most their blocked time (each under 1 ms) is misplaced onto the long one. One system call
 * per long slice and at most one per ANCHOR_MS: no cost on the short slices that make most of a service's work.
 */
import { createHook, executionAsyncResource, type AsyncHook } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { addSlice, kTiming, type SpanTiming, type TimedObject } from './span-timing.js';
import type { CpuClock } from './thread-cpu.js';

/** Marker for "no JavaScript of ours is running" (between callbacks). */
const IDLE = Symbol('idle');
/** Marker for the recorder's own work. */
const RECORDER = Symbol('recorder');
type Target = SpanTiming | null | typeof IDLE | typeof RECORDER;

const BUSY_MERGE_MS = 0.01;
const MAX_BUSY_PAIRS = 50_000;
/**
 * Slices at least this long are checked for blocked time (shorter ones cannot hide much). Cost on the realistic bench
 * service: +1–12 % (median +5 %) CPU per request over the tracker without readings; 2 ms and a 20 ms anchor cost
 * about as much (+3 % median, same range) and read less truly (other threads' CPU over the longer windows):
 * docs/BENCHMARKS.md.
 */
const LONG_SLICE_MS = 1;
/** A run starting from idle renews the CPU anchor when it is older than this. */
const ANCHOR_MS = 5;

export class OnThreadTracker {
  private current: Target = IDLE;
  private sliceStart = 0;
  private readonly stack: Target[] = [];
  /** How many frames on top (current included) are adopted spans: started in this run, code not entered yet. */
  private adopted = 0;
  /** The target running beneath the adopted frames: the code that started them. */
  private beneathAdopted: Target = IDLE;
  private hook: AsyncHook | null = null;
  /** Flat [startMs, endMs, ...] of work with no active span, on the performance.now() clock. */
  private busy: number[] = [];
  /** The same for the recorder's own work. */
  private own: number[] = [];
  busyDropped = 0;
  /** Blocked time of work with no active span (or the recorder's), µs: counted, not placed. */
  untracedBlockedUs = 0;
  /** The last CPU reading: when (performance clock, ms), its value (µs), and the on-thread wall time since (ms). */
  private anchorWallMs = 0;
  private anchorCpuUs = 0;
  private anchorRunDelayUs = 0;
  private onThreadSinceAnchorMs = 0;

  constructor(
    private readonly activeTiming: () => SpanTiming | null,
    private readonly maxSlices: number,
    /** The clock, injectable so tests can run on exact times. */
    private readonly now: () => number = () => performance.now(),
    /** The thread's CPU clock; null: blocked time is not measured. */
    private readonly cpu: CpuClock | null = null,
  ) {}

  start(): void {
    if (this.cpu) this.reanchor();
    this.hook = createHook({
      init: (_id: number, _type: string, _trigger: number, resource: object) => {
        // The span whose code is running now is the span active in this context (context.with and callbacks both
        // go through enter()), so the running target is the cheap answer; outside any run, ask the context.
        // An adopted span that creates async work is an async call (pg's query, which is not entered with
        // context.with): its own code has started its I/O, and what follows is its caller's, as before adoption.
        if (this.adopted > 0) {
          const now = this.now();
          this.close(now);
          this.dropAdopted();
          this.sliceStart = now;
        }
        const c = this.current;
        if (c === RECORDER) return;
        const t = c === IDLE ? this.activeTiming() : c;
        if (t !== null && !t.ended) (resource as TimedObject)[kTiming] = t;
      },
      before: () => {
        const t = (executionAsyncResource() as TimedObject)[kTiming];
        this.enter(t === undefined || t.ended ? null : t);
      },
      after: () => {
        this.exit();
      },
    });
    this.hook.enable();
  }

  stop(): void {
    this.hook?.disable();
    this.hook = null;
  }

  /**
   * Runs the recorder's own work: its time goes to neither a span nor the app's untraced work. The running target
   * only pauses (no stack frame, no end of adoption): the recorder's work is not the app's code being entered.
   */
  asRecorder(work: () => void): void {
    const paused = this.current;
    const start = this.now();
    this.close(start);
    this.current = RECORDER;
    this.sliceStart = start;
    try {
      work();
    } finally {
      const end = this.now();
      this.close(end);
      this.current = paused;
      this.sliceStart = end;
    }
  }

  /** A run of code for `target` begins now (callback or context.with). */
  enter(target: SpanTiming | null): void {
    let now = this.now();
    // From idle nothing is open, so the run may start after the readings (see reanchor).
    if (this.current === IDLE && this.cpu !== null && now - this.anchorWallMs >= ANCHOR_MS) now = this.reanchor();
    this.close(now);
    // Code is entered (the adopted span's own context.with, or anything else): adoption has served its purpose.
    if (this.adopted > 0) this.dropAdopted();
    // A runaway stack means before/after lost pairing (an exception escaped a callback): start over.
    if (this.stack.length > 10_000) this.stack.length = 0;
    this.stack.push(this.current);
    this.current = target;
    this.sliceStart = now;
  }

  exit(): void {
    const now = this.now();
    this.close(now);
    if (this.adopted > 0) this.dropAdopted();
    this.current = this.stack.length ? this.stack.pop()! : IDLE;
    this.sliceStart = now;
    // The credit left by a reading at the end of the run (see blockedMs) was for a slice that does not follow.
    if (this.current === IDLE && this.onThreadSinceAnchorMs < 0) this.onThreadSinceAnchorMs = 0;
  }

  /**
   * A span starts now: inside a run, its slice opens now and the running one pauses (see the file's comment). Outside
   * any run nothing is timed, so nothing is adopted.
   */
  adopt(t: SpanTiming, startMs?: number): void {
    const c = this.current;
    if (c === IDLE || c === RECORDER) return;
    // From the span's own start when given (the recorder's work on it since then is the span's too).
    const now = startMs === undefined ? this.now() : Math.max(startMs, this.sliceStart);
    this.close(now);
    if (this.adopted === 0) this.beneathAdopted = c;
    this.adopted++;
    this.stack.push(c);
    this.current = t;
    this.sliceStart = now;
  }

  /** Banks the running slice of `t` up to now (the span is ending while its code runs). */
  settle(t: SpanTiming): void {
    if (this.current !== t) return;
    const now = this.now();
    this.close(now);
    this.sliceStart = now;
    if (this.adopted > 0) {
      // An adopted span ended before its code returned: what runs next is the code that started it.
      this.current = this.stack.pop()!;
      this.adopted--;
    }
  }

  /** Pops the adopted frames: the time from now on belongs to the code beneath them. */
  private dropAdopted(): void {
    this.stack.length -= this.adopted;
    this.current = this.beneathAdopted;
    this.adopted = 0;
  }

  /**
   * Reads the clocks and returns the wall time the reading stands for: taken after both reads, so that a preemption
   * in the middle of them (counted by neither CPU nor run-queue delta of the next window) is outside that window too.
   */
  private reanchor(): number {
    this.anchorCpuUs = this.cpu!.readUs();
    this.anchorRunDelayUs = this.cpu!.runDelayUs();
    const at = this.now();
    this.anchorWallMs = at;
    this.onThreadSinceAnchorMs = 0;
    return at;
  }

  /** The blocked part of a long slice of `durMs` that closes now (see the file's comment), ms; renews the anchor. */
  private blockedMs(now: number, durMs: number): number {
    const cpuUs = this.cpu!.readUs();
    const runDelayUs = this.cpu!.runDelayUs();
    const notBlockedMs = (cpuUs - this.anchorCpuUs + runDelayUs - this.anchorRunDelayUs) / 1000;
    const blocked = Math.min(durMs, Math.max(0, this.onThreadSinceAnchorMs - notBlockedMs));
    this.anchorCpuUs = cpuUs;
    this.anchorRunDelayUs = runDelayUs;
    // The next slice opens at `now`, before these readings: the part of it until they were done is not in the new
    // window (a preemption while reading would otherwise read as blocked).
    const at = this.now();
    this.anchorWallMs = at;
    this.onThreadSinceAnchorMs = now - at;
    return blocked;
  }

  private close(now: number): void {
    const c = this.current;
    if (c === IDLE) return;
    const durMs = now - this.sliceStart;
    let blockedMs = 0;
    if (durMs > 0) {
      this.onThreadSinceAnchorMs += durMs;
      if (durMs >= LONG_SLICE_MS && this.cpu !== null) blockedMs = this.blockedMs(now, durMs);
    }
    if (c !== null && c !== RECORDER && !c.ended) {
      addSlice(c, this.sliceStart, now, this.maxSlices);
      c.blockedUs += blockedMs * 1000;
      return;
    }
    this.untracedBlockedUs += blockedMs * 1000;
    // Untraced work (or a span's code after it ended), or the recorder's.
    if (now <= this.sliceStart) return;
    const b = c === RECORDER ? this.own : this.busy;
    const n = b.length;
    if (n && this.sliceStart - b[n - 1]! < BUSY_MERGE_MS) {
      b[n - 1] = now;
    } else if (n < MAX_BUSY_PAIRS * 2) {
      b.push(this.sliceStart, now);
    } else {
      this.busyDropped++;
    }
  }

  /** Takes the busy slices gathered so far. */
  drainBusy(): number[] {
    const b = this.busy;
    this.busy = [];
    return b;
  }

  /** Takes the recorder's own slices gathered so far. */
  drainRecorder(): number[] {
    const b = this.own;
    this.own = [];
    return b;
  }
}
