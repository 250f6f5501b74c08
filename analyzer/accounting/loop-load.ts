import type { Trace } from '../model/trace.js';
import { us } from '../critical-path/critical-path.js';
import { BUSY_GAP_TOLERANCE_US, firstEndingAfter, OWNER_UNTRACED, threadOf, type PidTimeline, type ThreadIndex } from './thread-index.js';

/** How busy one request-serving thread was while it served requests. */
export interface LoopLoad {
  pid: number;
  /** First request start to last request end on this thread, µs. */
  windowStartUs: number;
  windowEndUs: number;
  requests: number;
  /** JavaScript on the thread inside the window: requests' own spans and work outside any span. */
  tracedUs: number;
  outsideSpansUs: number;
  /**
   * Gaps shorter than BUSY_GAP_TOLERANCE_US between two pieces of work: the loop going from one ready callback to the
   * next (libuv's own bookkeeping, a poll that finds work at once), idle only in name. libuv's utilisation counts
   * them as active; without them a saturated loop under a contended CPU read 83 % busy where its ELU said 94 %.
   */
  shortGapsUs: number;
  /** GC pauses outside every piece of work (V8 runs incremental marking and idle-time collection as tasks of their own). */
  gcOutsideUs: number;
}

/**
 * Per thread that served requests (server or consumer roots): its busy time within the window in which it served
 * them. The index holds every piece of on-thread work, traced or not (the recorder's own included), as disjoint
 * intervals, so the sum is the loop's busy time; its share of the window is the utilisation (aggregate/saturation.ts).
 */
export function loopLoads(traces: readonly Trace[], index: ThreadIndex): LoopLoad[] {
  const windows = new Map<number, { start: number; end: number; requests: number }>();
  for (const t of traces) {
    const r = t.root;
    if (r.kind !== 'server' && r.kind !== 'consumer') continue;
    const tl = threadOf(r, index);
    if (!tl) continue;
    const w = windows.get(tl.pid);
    const start = us(r.startUs);
    const end = us(Math.max(r.startUs, r.endUs));
    if (!w) windows.set(tl.pid, { start, end, requests: 1 });
    else {
      w.start = Math.min(w.start, start);
      w.end = Math.max(w.end, end);
      w.requests++;
    }
  }
  const out: LoopLoad[] = [];
  for (const [pid, w] of windows) {
    const tl = index.pids.get(pid)!;
    let traced = 0;
    let outside = 0;
    let gaps = 0;
    let prevEnd = Infinity;
    for (let k = firstEndingAfter(tl.busyEnd, w.start); k < tl.busyStart.length && tl.busyStart[k] < w.end; k++) {
      const from = Math.max(w.start, tl.busyStart[k]);
      const d = Math.min(w.end, tl.busyEnd[k]) - from;
      if (d <= 0) continue;
      if (tl.busyOwner[k] === OWNER_UNTRACED) outside += d;
      else traced += d;
      const gap = from - prevEnd;
      if (gap > 0 && gap < BUSY_GAP_TOLERANCE_US) gaps += gap;
      prevEnd = Math.min(w.end, tl.busyEnd[k]);
    }
    out.push({
      pid,
      windowStartUs: w.start,
      windowEndUs: w.end,
      requests: w.requests,
      tracedUs: traced,
      outsideSpansUs: outside,
      shortGapsUs: gaps,
      gcOutsideUs: gcOutsideWork(tl, w.start, w.end),
    });
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** GC pause time in [start, end) not covered by any busy piece (pieces and pauses are each sorted and disjoint). */
function gcOutsideWork(tl: PidTimeline, start: number, end: number): number {
  let total = 0;
  for (let g = firstEndingAfter(tl.gcEnd, start); g < tl.gcStart.length && tl.gcStart[g] < end; g++) {
    const a = Math.max(start, tl.gcStart[g]);
    const b = Math.min(end, tl.gcEnd[g]);
    let covered = 0;
    for (let k = firstEndingAfter(tl.busyEnd, a); k < tl.busyStart.length && tl.busyStart[k] < b; k++) {
      covered += Math.max(0, Math.min(b, tl.busyEnd[k]) - Math.max(a, tl.busyStart[k]));
    }
    total += Math.max(0, b - a - covered);
  }
  return total;
}
