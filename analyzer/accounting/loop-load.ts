import type { Trace } from '../model/trace.js';
import { us } from '../critical-path/critical-path.js';
import { firstEndingAfter, OWNER_UNTRACED, threadOf, type ThreadIndex } from './thread-index.js';

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
    for (let k = firstEndingAfter(tl.busyEnd, w.start); k < tl.busyStart.length && tl.busyStart[k] < w.end; k++) {
      const d = Math.min(w.end, tl.busyEnd[k]) - Math.max(w.start, tl.busyStart[k]);
      if (d <= 0) continue;
      if (tl.busyOwner[k] === OWNER_UNTRACED) outside += d;
      else traced += d;
    }
    out.push({ pid, windowStartUs: w.start, windowEndUs: w.end, requests: w.requests, tracedUs: traced, outsideSpansUs: outside });
  }
  return out.sort((a, b) => a.pid - b.pid);
}
