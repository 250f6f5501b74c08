/**
 * The main thread's CPU time, and the time it waited for a CPU, for telling a thread blocked in a synchronous call
 * (execSync, spawnSync, a slow *Sync fs call, Atomics.wait) from one computing: over a stretch of on-thread wall
 * time, wall − CPU − waiting for a CPU is the time the thread sat in the kernel waiting for something else.
 * - CPU: process.cpuUsage(), the whole process's: other threads' work in the same stretch (V8's concurrent GC, libuv's
 *   pool) is counted too, so the blocked time derived from it is a lower bound. Node ≥ 23.9's process.threadCpuUsage()
 *   is this thread's only, but Linux answers it (getrusage RUSAGE_THREAD) from the run time as of the thread's last
 *   tick, not the current one: measured on Node 24, a 50 ms Atomics.wait read 22–36 ms blocked in 5 of 10 runs with
 *   it, 49.8–50.3 ms in 10 of 10 with process.cpuUsage() (whose getrusage RUSAGE_SELF brings the running thread's
 *   time up to date).
 * - Waiting for a CPU (run queue): on a busy machine a computing thread is preempted, and its wall time runs on
 *   without CPU time: without this, a CPU burn on a loaded host reads as blocked (measured on the 2-core bench
 *   machine at load 19: a 50 ms burn got 7 ms of CPU). Linux's /proc/thread-self/schedstat has it per thread
 *   (second field, ns), current whenever the thread reads it (it is updated as the thread gets a CPU back). Its first
 *   field, the run time, is not used: for a running thread it lags by up to a scheduler tick. Elsewhere: 0.
 * Each reading costs system calls (~7 µs for cpuUsage, ~10 µs for the schedstat read, measured on the bench machine,
 * docs/BENCHMARKS.md), so the caller reads rarely: see on-thread.ts.
 */
import fs from 'node:fs';

// Taken before any instrumentation patches fs: the recorder's own reads must not become spans.
const { openSync, readSync } = fs;

export interface CpuClock {
  /** User + system CPU time so far, µs. */
  readUs(): number;
  /** Time spent runnable but waiting for a CPU so far, µs (0 when the platform does not say). */
  runDelayUs(): number;
}

/** A reader of this thread's run-queue wait, or null off Linux. Call on the thread to be measured. */
function runDelayReader(): (() => number) | null {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return null;
  }
  const buf = Buffer.alloc(96);
  const read = (): number => {
    const n = readSync(fd, buf, 0, buf.length, 0);
    // "<run ns> <run-queue wait ns> <timeslices>\n"
    let i = buf.indexOf(32);
    if (i < 0 || i >= n) return Number.NaN;
    let v = 0;
    for (i++; i < n; i++) {
      const d = buf[i]! - 48;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    return v / 1000;
  };
  try {
    return Number.isFinite(read()) ? read : null;
  } catch {
    return null;
  }
}

export function threadCpuClock(): CpuClock {
  const runDelay = runDelayReader();
  const runDelayUs = runDelay
    ? (): number => {
        try {
          return runDelay();
        } catch {
          return 0;
        }
      }
    : (): number => 0;
  return {
    readUs: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
    runDelayUs,
  };
}
