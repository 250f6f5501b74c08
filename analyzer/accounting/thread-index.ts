import { busyOutsideSpans, type RuntimeData } from '../model/runtime.js';
import type { Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';
import { us } from '../critical-path/critical-path.js';
import { OperationTable } from './operation-key.js';

/** Owner code of on-thread work that ran with no active span. Trace owners are ordinals >= 0. */
export const OWNER_UNTRACED = -1;

/**
 * Everything one JavaScript thread (one pid) did, as sorted, disjoint intervals in integer µs.
 * `busy*` is JavaScript execution with its owner (a trace ordinal or OWNER_UNTRACED); `gc*` are GC pauses,
 * kept apart because a pause happens *inside* someone's execution.
 */
export interface PidTimeline {
  pid: number;
  busyStart: Float64Array;
  busyEnd: Float64Array;
  busyOwner: Int32Array;
  gcStart: Float64Array;
  gcEnd: Float64Array;
}

/** Built once per analysis from all traces and the runtime data; every query is O(log n + answer). */
export interface ThreadIndex {
  pids: Map<number, PidTimeline>;
  /** traceId -> owner ordinal used in `busyOwner`. */
  traceOrdinal: Map<string, number>;
  /**
   * Per operation (operation-key.ts): estimated uncontended duration (µs) of a wait, the lower quartile of the durations of
   * same-operation waits whose end found the loop free. Splits a Node wait's inflated tail into `queued`
   * (docs/accounting.md).
   */
  uncontendedUs: OperationTable<number>;
}

/**
 * Gaps shorter than this between pieces of other work still count as "continuously busy". Between two pieces the
 * loop polls for I/O, and a reply is often read in several chunks by untraced driver code: in real recordings
 * (pg under CPU load) those gaps are 100–300 µs while the reply was already waiting. An idle loop shows gaps of
 * milliseconds.
 */
export const BUSY_GAP_TOLERANCE_US = 1000;

/** Intervals of one pid as parallel arrays: no object per slice (a million spans have millions of slices). */
interface RawIntervals {
  start: number[];
  end: number[];
  owner: number[];
}

export function buildThreadIndex(traces: readonly Trace[], runtime: RuntimeData): ThreadIndex {
  const traceOrdinal = new Map<string, number>();
  const raw = new Map<number, RawIntervals>();
  const rawOf = (pid: number): RawIntervals => {
    let a = raw.get(pid);
    if (!a) raw.set(pid, (a = { start: [], end: [], owner: [] }));
    return a;
  };

  for (let t = 0; t < traces.length; t++) {
    const trace = traces[t];
    if (!traceOrdinal.has(trace.traceId)) traceOrdinal.set(trace.traceId, traceOrdinal.size);
    const owner = traceOrdinal.get(trace.traceId)!;
    for (const s of trace.spans) {
      if (s.pid === undefined || s.onThread === undefined) continue;
      const into = rawOf(s.pid);
      for (const sl of s.onThread) {
        const a = us(sl.startUs);
        const b = us(sl.endUs);
        if (b > a) {
          into.start.push(a);
          into.end.push(b);
          into.owner.push(owner);
        }
      }
    }
  }
  // The recorder's own work holds up requests just as the app's untraced work does.
  for (const [pid, slices] of busyOutsideSpans(runtime)) {
    const into = rawOf(pid);
    for (const sl of slices) {
      const a = us(sl.startUs);
      const b = us(sl.endUs);
      if (b > a) {
        into.start.push(a);
        into.end.push(b);
        into.owner.push(OWNER_UNTRACED);
      }
    }
  }

  const gcByPid = new Map<number, [number, number][]>();
  for (const g of runtime.gc) {
    if (!raw.has(g.pid)) continue; // a GC pause alone says nothing about who ran when
    let a = gcByPid.get(g.pid);
    if (!a) gcByPid.set(g.pid, (a = []));
    const s = us(g.startUs);
    const e = us(g.startUs + g.durationUs);
    if (e > s) a.push([s, e]);
  }

  const pids = new Map<number, PidTimeline>();
  for (const [pid, intervals] of raw) pids.set(pid, timelineOf(pid, intervals, gcByPid.get(pid) ?? []));

  const index: ThreadIndex = { pids, traceOrdinal, uncontendedUs: new OperationTable() };
  index.uncontendedUs = estimateUncontended(traces, index);
  return index;
}

function timelineOf(pid: number, raw: RawIntervals, gc: [number, number][]): PidTimeline {
  const { start: rs, end: re, owner: ro } = raw;
  const order = new Uint32Array(rs.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  // Traced work sorts before untraced at equal start so that, when clocks make them overlap, the span keeps it.
  order.sort((x, y) => rs[x] - rs[y] || ro[y] - ro[x]);
  const bs: number[] = [];
  const be: number[] = [];
  const bo: number[] = [];
  for (let k = 0; k < order.length; k++) {
    const i = order[k];
    const n = bs.length;
    // One thread runs one thing at a time: overlap can only be clock error, so a later piece is clipped.
    const start = n > 0 && rs[i] < be[n - 1] ? be[n - 1] : rs[i];
    if (re[i] <= start) continue;
    if (n > 0 && bo[n - 1] === ro[i] && be[n - 1] === start) be[n - 1] = re[i];
    else {
      bs.push(start);
      be.push(re[i]);
      bo.push(ro[i]);
    }
  }
  gc.sort((x, y) => x[0] - y[0]);
  const gs: number[] = [];
  const ge: number[] = [];
  for (const [s, e] of gc) {
    const n = gs.length;
    if (n > 0 && s <= ge[n - 1]) ge[n - 1] = Math.max(ge[n - 1], e);
    else {
      gs.push(s);
      ge.push(e);
    }
  }
  return {
    pid,
    busyStart: Float64Array.from(bs),
    busyEnd: Float64Array.from(be),
    busyOwner: Int32Array.from(bo),
    gcStart: Float64Array.from(gs),
    gcEnd: Float64Array.from(ge),
  };
}

/** First index whose end is > t (ends are sorted because intervals are disjoint and sorted). */
export function firstEndingAfter(ends: Float64Array, t: number): number {
  let lo = 0;
  let hi = ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ends[mid] > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Start of a GC pause that reaches `t` (within the gap tolerance) and began before it; +∞ when none does. */
function gcPauseBridging(tl: PidTimeline, t: number): number {
  const j = firstEndingAfter(tl.gcEnd, t - BUSY_GAP_TOLERANCE_US);
  return j < tl.gcStart.length && tl.gcStart[j] < t ? tl.gcStart[j] : Infinity;
}

/** Slices and span ends come from one clock but are rounded separately: they may disagree by a few µs. */
const SLICE_CLOCK_SLACK_US = 10;

/** Less queued time than this in a whole wait is the driver reading the reply, not queueing behind anyone. */
export const MIN_QUEUED_RUN_US = 1000;
/** Bounds the walk through one wait (pieces inside it), so a pathological input stays linear. */
const MAX_WALK = 20_000;

/**
 * How long a wait [start, end) of trace `own` sat ready behind other work, as far as the thread's timeline shows.
 * Every time the request's own code ran inside the wait (each continuation of a multi-step operation such as
 * fs.promises.readFile, and the final callback that ended the span), the continuous run of other work right
 * before it (gaps up to BUSY_GAP_TOLERANCE_US) is time the continuation may have been ready but not running.
 * A total under MIN_QUEUED_RUN_US is the driver reading the reply (untraced socket code), not queueing: 0.
 * The end is stamped some way into the final callback, so own code running at `end` that began inside the wait
 * counts as that callback; own code that began before the wait means the wait ended synchronously (0).
 */
export function queuedRunsInWait(tl: PidTimeline, own: number, start: number, end: number): number {
  const { busyStart, busyEnd, busyOwner } = tl;
  const c: Cursor = { k: lastStartingBefore(tl, end), steps: 0 };
  let anchor = end;
  if (c.k >= 0 && busyOwner[c.k] === own && busyEnd[c.k] >= end - BUSY_GAP_TOLERANCE_US) {
    if (busyStart[c.k] <= start) return 0;
    anchor = busyStart[c.k];
    c.k--;
  } else if (c.k >= 0 && busyEnd[c.k] > end + SLICE_CLOCK_SLACK_US) {
    // The end falls inside someone else's work: no callback of ours stamped it (not a Node wait as recorded by
    // timesink, e.g. a hand-made or converted span ending at the reply), so there is no delay to find.
    return 0;
  }
  let total = 0;
  for (; anchor > start && c.steps < MAX_WALK; c.steps++) {
    total += anchor - Math.max(othersRunStart(tl, own, c, anchor, start), start);
    // Back to the previous piece of our own code inside the wait, past other work separated by idle time.
    while (c.k >= 0 && busyOwner[c.k] !== own && busyEnd[c.k] > start) {
      c.k--;
      c.steps++;
    }
    if (c.k < 0 || busyEnd[c.k] <= start || busyStart[c.k] <= start) break;
    anchor = busyStart[c.k];
    c.k--;
  }
  return total >= MIN_QUEUED_RUN_US ? total : 0;
}

/**
 * How long other work had held the thread without a pause (gaps up to BUSY_GAP_TOLERANCE_US, GC pauses included)
 * right before `t`, trace `own`'s own work at `t` aside. For a request whose first span starts at `t`, the longest it
 * can have waited unseen: Node emits 'request' only when the loop reads the socket, and no span can show how long
 * the bytes had been there.
 */
export function busyRunBefore(tl: PidTimeline, own: number, t: number): number {
  const c: Cursor = { k: lastStartingBefore(tl, t), steps: 0 };
  // The request's own first slice, stamped a few µs either side of its start.
  while (c.k >= 0 && tl.busyOwner[c.k] === own && tl.busyEnd[c.k] > t - SLICE_CLOCK_SLACK_US) c.k--;
  return t - othersRunStart(tl, own, c, t, -Infinity);
}

/** A walk backwards over one timeline's pieces: the next piece to look at, and the steps taken (bounded by MAX_WALK). */
interface Cursor {
  k: number;
  steps: number;
}

/** Index of the last piece that started before `t` (-1 when none did). */
function lastStartingBefore(tl: PidTimeline, t: number): number {
  let k = firstEndingAfter(tl.busyEnd, t - BUSY_GAP_TOLERANCE_US);
  while (k < tl.busyStart.length && tl.busyStart[k] < t) k++;
  return k - 1;
}

/**
 * Where the continuous run of other traces' work (gaps up to BUSY_GAP_TOLERANCE_US) that ends at `from` began, no
 * earlier than `floor`; a GC pause between pieces continues the run (it kept the thread from us too; real recordings
 * show 1–3 ms pauses there), unless it reaches back into our own earlier piece. Moves the cursor past the pieces taken.
 */
function othersRunStart(tl: PidTimeline, own: number, c: Cursor, from: number, floor: number): number {
  const { busyStart, busyEnd, busyOwner } = tl;
  let runStart = from;
  while (runStart > floor && c.steps < MAX_WALK) {
    c.steps++;
    if (c.k >= 0 && busyOwner[c.k] !== own && busyEnd[c.k] >= runStart - BUSY_GAP_TOLERANCE_US) {
      runStart = Math.min(runStart, busyStart[c.k]);
      c.k--;
      continue;
    }
    const gcFrom = gcPauseBridging(tl, runStart);
    const ownEnd = c.k >= 0 && busyOwner[c.k] === own ? busyEnd[c.k] : -Infinity;
    if (gcFrom < runStart && gcFrom >= ownEnd) {
      runStart = gcFrom;
      continue;
    }
    break;
  }
  return runStart;
}

/**
 * The recorded thread a span ran on, if any. A pid alone is not an identity across hosts: a foreign (say Python)
 * span whose pid happens to equal a recorded Node pid must not borrow that thread's data, so the span must carry
 * on-thread data itself or be a Node span.
 */
export function threadOf(s: Span, index: ThreadIndex): PidTimeline | undefined {
  if (s.pid === undefined || (s.onThread === undefined && s.language !== 'nodejs')) return undefined;
  return index.pids.get(s.pid);
}

/**
 * Wait spans whose end is stamped by a callback on this thread after an outside event (a reply, a timer): their
 * tail can be queued behind other work. Pool and lock waits end when *another request's code* releases the
 * connection or lock, on this same thread, so the work right before their end is what they waited for, not
 * something they queued behind.
 */
export function hasCallbackEnd(s: Span, index: ThreadIndex): boolean {
  const c = s.class;
  return c !== undefined && c !== 'in_process' && c !== 'pool' && c !== 'lock' && threadOf(s, index) !== undefined;
}

interface Samples {
  /** Durations of waits with no queued run at all. */
  free: number[];
  /** Duration minus queued runs, for every wait: the time the timeline cannot explain as queueing. */
  unexplained: number[];
}

/** The value a quarter of the way up (nearest rank below). */
function lowerQuartile(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[(sorted.length - 1) >> 2];
}

function estimateUncontended(traces: readonly Trace[], index: ThreadIndex): OperationTable<number> {
  const samples = new OperationTable<Samples>();
  for (const trace of traces) {
    const own = index.traceOrdinal.get(trace.traceId)!;
    for (const s of trace.spans) {
      if (!hasCallbackEnd(s, index)) continue;
      const start = us(s.startUs);
      const end = us(s.endUs);
      const d = end - start;
      const acc = samples.getOrCreate(s, newSamples);
      const queued = queuedRunsInWait(threadOf(s, index)!, own, start, end);
      if (queued === 0) acc.free.push(d);
      acc.unexplained.push(Math.max(0, d - queued));
    }
  }
  // Prefer waits that found the loop free. A saturated loop leaves none: then the unexplained part is the best
  // estimate of the operation's own time there is. Either sample is biased upwards on a loaded loop (a "free" wait
  // may still have sat behind work the timeline could not see, or a late thread pool), never downwards: a wait
  // cannot take less than the operation itself. So a low quantile, not the median (one loaded run put the median
  // of free fs readFile waits at 6.2 ms against 0.24–1.3 ms in the others).
  return samples.mapValues((acc) => lowerQuartile(acc.free.length > 0 ? acc.free : acc.unexplained));
}

function newSamples(): Samples {
  return { free: [], unexplained: [] };
}
