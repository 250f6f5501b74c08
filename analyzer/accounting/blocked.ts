import { emptyBreakdown } from '../model/categories.js';
import { blockedSample, sampleRole } from '../model/frame-role.js';
import type { Profile } from '../model/profile.js';
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
  /** The blocking API (execSync, readFileSync, Atomics.wait). */
  call: string;
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
 * Moves a request's own on-thread time (`cpu`) that falls in a blocked stretch of its thread to `sync_io`: the thread
 * was waiting for a child process, the disk or another thread, not running the request's JavaScript. Only `cpu`
 * changes: time another request queued behind the block stays that request's `queued` (the block is what it waited
 * for, and sync-io's fix is what frees it). Paths are rebuilt and breakdowns recomputed; traces with no overlap are
 * left as they are.
 */
export function accountBlocked(traces: AnalyzedTrace[], stretches: readonly BlockedStretch[]): void {
  if (stretches.length === 0) return;
  const starts = stretches.map((s) => s.startUs);
  const firstEndingAfter = (t: number): number => {
    // Stretches of one source do not overlap, so ends are sorted like starts.
    let lo = 0;
    let hi = stretches.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (stretches[mid].endUs <= t) lo = mid + 1;
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
