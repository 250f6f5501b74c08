import type { AnalyzedTrace, Segment } from '../../model/trace.js';
import type { RuntimeData } from '../../model/runtime.js';
import type { Change } from '../../replay/change.js';
import { coveredUs } from './intervals.js';

interface QueuedPiece {
  at: AnalyzedTrace;
  seg: Segment;
}

/** Queued critical-path segments per pid, sorted by start: who was waiting for the event loop, when. */
const cache = new WeakMap<readonly AnalyzedTrace[], Map<number, QueuedPiece[]>>();

function queuedByPid(traces: readonly AnalyzedTrace[]): Map<number, QueuedPiece[]> {
  let m = cache.get(traces);
  if (m) return m;
  m = new Map();
  for (const at of traces) {
    for (const seg of at.path) {
      if (seg.category !== 'queued') continue;
      const pid = at.trace.byId.get(seg.spanId)?.pid;
      if (pid === undefined) continue;
      let list = m.get(pid);
      if (!list) m.set(pid, (list = []));
      list.push({ at, seg });
    }
  }
  for (const list of m.values()) list.sort((a, b) => a.seg.startUs - b.seg.startUs);
  cache.set(traces, m);
  return m;
}

export interface Victims {
  /** traceId -> unqueue changes for the queued time inside the window. */
  changes: Map<string, Change[]>;
  totalUs: number;
}

/**
 * Queued time that other traces on the same thread spent inside [startUs, endUs): the delay a blocking piece of
 * work caused elsewhere. Returned as unqueue changes, so the saving of moving that work off the thread is replayed.
 */
export function victimsOf(
  traces: readonly AnalyzedTrace[],
  pid: number,
  startUs: number,
  endUs: number,
  ownTraceId?: string,
  /** Sorted intervals whose queued time belongs to someone else (GC pauses: gc-pressure's). */
  excluding: readonly [number, number][] = [],
): Victims {
  const changes = new Map<string, Change[]>();
  let totalUs = 0;
  for (const { at, seg } of queuedByPid(traces).get(pid) ?? []) {
    if (seg.startUs >= endUs) break;
    if (at.trace.traceId === ownTraceId) continue;
    const a = Math.max(startUs, seg.startUs);
    const b = Math.min(endUs, seg.endUs);
    const o = b - a - coveredUs(excluding, a, b);
    if (b <= a || o <= 0) continue;
    totalUs += o;
    let list = changes.get(at.trace.traceId);
    if (!list) changes.set(at.trace.traceId, (list = []));
    list.push({ type: 'unqueue', spanId: seg.spanId, byUs: o });
  }
  return { changes, totalUs };
}

/** GC pauses of one process as sorted, merged intervals. */
export function gcIntervals(runtime: RuntimeData, pid: number): [number, number][] {
  const pauses = runtime.gc
    .filter((g) => g.pid === pid && g.durationUs > 0)
    .map((g): [number, number] => [g.startUs, g.startUs + g.durationUs])
    .sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const p of pauses) {
    const last = out[out.length - 1];
    if (last && p[0] <= last[1]) last[1] = Math.max(last[1], p[1]);
    else out.push([p[0], p[1]]);
  }
  return out;
}
