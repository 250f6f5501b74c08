import { emptyBreakdown } from '../model/categories.js';
import { blockedSample, sampleRole } from '../model/frame-role.js';
import type { Profile } from '../model/profile.js';
import type { Span } from '../model/span.js';
import type { AnalyzedTrace, Segment } from '../model/trace.js';

/**
 * A stretch of time a thread spent blocked in a synchronous call (execSync, readFileSync, Atomics.wait…): on the
 * thread, holding the loop, but waiting rather than computing. Today it comes from a timed CPU profile's samples
 * (blockedStretches); a recorder that measures thread CPU time against wall time per on-thread slice can supply the
 * same stretches, and accountBlocked takes them from either.
 */
export interface BlockedStretch {
  /** The process whose thread was blocked; undefined when the source does not say (one-process recordings). */
  pid?: number;
  startUs: number;
  endUs: number;
  /** The blocking API (execSync, readFileSync, Atomics.wait); UNNAMED_BLOCKING_CALL when the source cannot tell. */
  call: string;
  /** The span whose recorded blocked time (Span.blockedUs) this stretch places; undefined for a profile's stretches. */
  span?: Span;
}

/** The call of a stretch placed from a span's blockedUs: the recorder measures that the thread waited, not in what. */
export const UNNAMED_BLOCKING_CALL = 'the blocking synchronous call';

/**
 * The recorder measures blocked time over on-thread slices of at least this long (instrumentation/on-thread.ts
 * LONG_SLICE_MS): a span's blockedUs lies in those.
 */
const MEASURED_SLICE_US = 1000;

/**
 * Where each span's recorded blocked time (Span.blockedUs, a total per span, not placed in time) goes: on the span's
 * own on-thread slices of ≥ 1 ms (where the recorder measured it), longest first, each filled from its start until
 * the total is placed; past those (not expected: each slice's blocked time is at most its length), the shorter
 * slices, longest first. The longest slice is where a blocking call most likely sat (one execSync makes one long
 * slice); within a slice the recorder does not say when, so the start is a convention that moves the amount, not
 * which request it belongs to. A span with a slice inside `profiled` (the time a timed profile of its pid sampled) is
 * skipped: the profile places blocked time in time, or says the thread computed, and counting both would count the
 * blocked time twice. Sorted by start.
 */
export function spanBlockedStretches(traces: readonly AnalyzedTrace[], profiled: readonly ProfiledWindow[]): BlockedStretch[] {
  const out: BlockedStretch[] = [];
  const byStart = [...profiled].sort((a, b) => a.startUs - b.startUs);
  for (const at of traces) {
    for (const span of at.trace.spans) {
      if (!span.blockedUs || span.blockedUs <= 0 || !span.onThread || span.onThread.length === 0) continue;
      if (span.onThread.some((sl) => overlapsAny(byStart, span.pid, sl.startUs, sl.endUs))) continue;
      const slices = [...span.onThread].filter((sl) => sl.endUs > sl.startUs);
      slices.sort((a, b) => {
        const longA = a.endUs - a.startUs >= MEASURED_SLICE_US ? 1 : 0;
        const longB = b.endUs - b.startUs >= MEASURED_SLICE_US ? 1 : 0;
        return longB - longA || b.endUs - b.startUs - (a.endUs - a.startUs) || a.startUs - b.startUs;
      });
      let leftUs = Math.round(span.blockedUs);
      for (const sl of slices) {
        if (leftUs <= 0) break;
        // Paths tile integer µs.
        const startUs = Math.round(sl.startUs);
        const endUs = Math.min(Math.round(sl.endUs), startUs + leftUs);
        if (endUs <= startUs) continue;
        out.push({ ...(span.pid !== undefined ? { pid: span.pid } : {}), startUs, endUs, call: UNNAMED_BLOCKING_CALL, span });
        leftUs -= endUs - startUs;
      }
    }
  }
  return out.sort((a, b) => a.startUs - b.startUs);
}

/** When a timed profile sampled a process (pid undefined: the profile does not say which). */
export interface ProfiledWindow {
  pid?: number;
  startUs: number;
  endUs: number;
}

/** From a timed profile's first sample to its last one's end; none for an untimed or empty profile. */
export function profiledWindow(profile: Profile | undefined): ProfiledWindow[] {
  if (!profile || !profile.timed) return [];
  let startUs = Infinity;
  let endUs = -Infinity;
  for (const s of profile.samples) {
    if (s.timeUs === undefined) continue;
    startUs = Math.min(startUs, s.timeUs);
    endUs = Math.max(endUs, s.timeUs + s.weightUs);
  }
  if (!(endUs > startUs)) return [];
  return [{ ...(profile.pid !== undefined ? { pid: profile.pid } : {}), startUs, endUs }];
}

/** Whether a window of `pid` (or of an unknown pid) in start-sorted, non-overlapping `windows` meets [a, b). */
function overlapsAny(stretches: readonly ProfiledWindow[], pid: number | undefined, a: number, b: number): boolean {
  let lo = 0;
  let hi = stretches.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (stretches[mid].endUs <= a) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < stretches.length && stretches[i].startUs < b; i++) {
    const st = stretches[i];
    if (st.pid === undefined || pid === undefined || st.pid === pid) return true;
  }
  return false;
}

/**
 * All the blocked-time evidence of a recording, one list for the accounting and the detectors: a timed profile's
 * stretches, and the recorder's per-span blocked time placed on the spans the profile did not sample
 * (spanBlockedStretches). Sorted by start; stretches of different pids may overlap.
 */
export function blockedEvidence(traces: readonly AnalyzedTrace[], profile: Profile | undefined): BlockedStretch[] {
  const profiled = blockedStretches(profile);
  const recorded = spanBlockedStretches(traces, profiledWindow(profile));
  if (recorded.length === 0) return profiled;
  return [...profiled, ...recorded].sort((a, b) => a.startUs - b.startUs);
}

/**
 * Consecutive blocked samples of one call, merged into one stretch: nothing else was sampled between them, and the
 * thread does not leave a blocking syscall to run anything worth a sample. (A profiler's ticks thin out while the
 * thread sits in a syscall: 0x's gaps there reach 5–15 ms at a 1 ms interval, and the converters cap a sample's weight
 * at a few typical intervals, so summing weights would lose a tenth of the blocked time.) A stretch ends a sample
 * weight after its last sample. Sorted by start. Empty for untimed profiles: without timestamps nothing can be placed
 * on a request's path.
 */
export function blockedStretches(profile: Profile | undefined): BlockedStretch[] {
  if (!profile || !profile.timed) return [];
  const samples = profile.samples.filter((s) => s.timeUs !== undefined).sort((a, b) => a.timeUs! - b.timeUs!);
  const out: BlockedStretch[] = [];
  let open: BlockedStretch | undefined;
  for (const s of samples) {
    const stack = profile.stacks[s.stack] ?? [];
    const b = blockedSample(profile, stack, s.vmState);
    if (!b) {
      // A stackless sample inside the call ("(program)": V8 found no JavaScript to walk) does not end it when the
      // next blocked sample follows within two intervals; JavaScript, GC or the recorder do.
      const stackless = sampleRole(profile, stack, s.vmState) === 'idle';
      if (!(stackless && open && s.timeUs! - open.endUs <= 2 * s.weightUs)) open = undefined;
      continue;
    }
    // Paths tile integer µs.
    const start = Math.round(s.timeUs!);
    const end = start + Math.round(s.weightUs);
    if (open && open.call === b.call) open.endUs = Math.max(open.endUs, end);
    else out.push((open = { ...(profile.pid !== undefined ? { pid: profile.pid } : {}), startUs: start, endUs: end, call: b.call }));
  }
  return out;
}

/**
 * Moves a request's own on-thread time (`cpu`) that falls in a blocked stretch of its thread (blockedEvidence) to `sync_io`: the thread
 * was waiting for a child process, the disk or another thread, not running the request's JavaScript. Only `cpu`
 * changes: time another request queued behind the block stays that request's `queued` (the block is what it waited
 * for, and sync-io's fix is what frees it). Paths are rebuilt and breakdowns recomputed; traces with no overlap are
 * left as they are.
 */
export function accountBlocked(traces: AnalyzedTrace[], stretches: readonly BlockedStretch[]): void {
  if (stretches.length === 0) return;
  stretches = [...stretches].sort((a, b) => a.startUs - b.startUs);
  const starts = stretches.map((s) => s.startUs);
  // Stretches of two pids may overlap: the running maximum of ends is sorted even when the ends are not.
  const maxEnds = new Float64Array(stretches.length);
  for (let i = 0; i < stretches.length; i++) maxEnds[i] = Math.max(i > 0 ? maxEnds[i - 1] : -Infinity, stretches[i].endUs);
  const firstEndingAfter = (t: number): number => {
    let lo = 0;
    let hi = stretches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (maxEnds[mid] <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const at of traces) {
    let changed = false;
    const path: Segment[] = [];
    for (const seg of at.path) {
      if (seg.category !== 'cpu') {
        path.push(seg);
        continue;
      }
      const pid = at.trace.byId.get(seg.spanId)?.pid;
      let cursor = seg.startUs;
      for (let i = firstEndingAfter(seg.startUs); i < stretches.length && starts[i] < seg.endUs; i++) {
        const st = stretches[i];
        if (st.pid !== undefined && pid !== undefined && st.pid !== pid) continue;
        const a = Math.max(cursor, st.startUs);
        const b = Math.min(seg.endUs, st.endUs);
        if (b <= a) continue;
        // A stretch placed from a span's blocked time is its request's: the slices it lies in were that request's
        // JavaScript, so no other request can have `cpu` there; checked all the same, as the profile's pid is.
        if (st.span !== undefined && st.span.traceId !== at.trace.traceId) continue;
        if (a > cursor) path.push({ ...seg, startUs: cursor, endUs: a });
        path.push({ ...seg, startUs: a, endUs: b, category: 'sync_io' });
        cursor = b;
        changed = true;
      }
      if (cursor === seg.startUs) path.push(seg);
      else if (cursor < seg.endUs) path.push({ ...seg, startUs: cursor });
    }
    if (!changed) continue;
    at.path = path;
    const breakdown = emptyBreakdown();
    for (const s of path) breakdown[s.category] += s.endUs - s.startUs;
    at.breakdownUs = breakdown;
  }
}
