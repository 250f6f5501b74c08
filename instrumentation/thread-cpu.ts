/**
 * The CPU time of the main thread, for telling a thread blocked in a synchronous call (execSync, spawnSync, a slow
 * *Sync fs call, Atomics.wait) from one computing: over a stretch of on-thread time, wall minus CPU is the time the
 * thread sat in the kernel waiting.
 * Node ≥ 23.9 has process.threadCpuUsage() (this thread only). Node 20 has only process.cpuUsage(), which is the
 * whole process's: other threads' work in the same stretch (V8's concurrent GC, libuv's pool) is counted too, so the
 * blocked time derived from it is a lower bound. Linux's /proc/thread-self/schedstat is per thread but not current
 * for a running thread (it is updated at scheduler ticks, up to 4 ms behind), which would show a computing thread as
 * blocked: worse than a lower bound.
 * Each reading is a system call (~5–8 µs measured on the bench machine, docs/BENCHMARKS.md), so callers read it
 * rarely: see on-thread.ts.
 */

export type CpuClockKind = 'thread' | 'process';

export interface CpuClock {
  kind: CpuClockKind;
  /** User + system CPU time so far, µs. */
  readUs(): number;
}

interface ThreadCpuProcess {
  threadCpuUsage?: () => NodeJS.CpuUsage;
}

export function threadCpuClock(): CpuClock {
  const p = process as unknown as ThreadCpuProcess;
  if (typeof p.threadCpuUsage === 'function') {
    const read = p.threadCpuUsage.bind(process);
    return {
      kind: 'thread',
      readUs: () => {
        const u = read();
        return u.user + u.system;
      },
    };
  }
  return {
    kind: 'process',
    readUs: () => {
      const u = process.cpuUsage();
      return u.user + u.system;
    },
  };
}
