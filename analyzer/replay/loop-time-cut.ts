import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Finding } from '../detectors/types.js';
import type { Change } from './change.js';

/**
 * How much event-loop time (µs, summed over the traces it touches) a finding's change frees: the capacity side of a
 * fix, where replay.ts prices its latency side. A saturated loop serves more requests per second only when its
 * on-thread time per request shrinks (aggregate/saturation.ts). Per change:
 * - shorten: the span's own on-thread time, at most `byUs` (shortening a wait frees no loop time);
 * - remove: the on-thread time of the removed subtrees;
 * - batch: the on-thread time of every member but the first (its call stays, now for all of them);
 * - parallelize, cap, unqueue: none (the same work runs, only sooner).
 * Work moved off the loop to a worker thread (event-loop-blocking) is not in the changes, which only unqueue the
 * others: that detector states it as `details.offLoopMs`, taken instead.
 */
export function loopTimeCutUs(finding: Finding, byId: ReadonlyMap<string, AnalyzedTrace>): number {
  const offLoopMs = finding.details?.offLoopMs;
  if (typeof offLoopMs === 'number') return Math.max(0, offLoopMs * 1000);
  let total = 0;
  for (const [traceId, changes] of finding.changes) {
    const at = byId.get(traceId);
    if (at) total += cutInTrace(at, changes);
  }
  return total;
}

function cutInTrace(at: AnalyzedTrace, changes: readonly Change[]): number {
  const counted = new Set<string>();
  let total = 0;
  for (const c of changes) {
    switch (c.type) {
      case 'shorten': {
        const span = at.trace.byId.get(c.spanId);
        if (span) total += Math.min(Math.max(0, c.byUs), ownOnThreadUs(span));
        break;
      }
      case 'remove':
        for (const id of c.spanIds) total += subtreeOnThreadUs(at, id, counted);
        break;
      case 'batch': {
        const members = c.spanIds
          .map((id) => at.trace.byId.get(id))
          .filter((s): s is Span => s !== undefined)
          .sort((a, b) => a.startUs - b.startUs);
        for (const m of members.slice(1)) total += subtreeOnThreadUs(at, m.spanId, counted);
        break;
      }
      default:
        break;
    }
  }
  return total;
}

function ownOnThreadUs(s: Span): number {
  let t = 0;
  for (const sl of s.onThread ?? []) t += Math.max(0, sl.endUs - sl.startUs);
  return t;
}

/** On-thread time of a span and everything under it, each span once across the changes of one finding. */
function subtreeOnThreadUs(at: AnalyzedTrace, spanId: string, counted: Set<string>): number {
  let t = 0;
  const stack = [spanId];
  while (stack.length) {
    const id = stack.pop()!;
    if (counted.has(id)) continue;
    counted.add(id);
    const s = at.trace.byId.get(id);
    if (s) t += ownOnThreadUs(s);
    for (const k of at.trace.children.get(id) ?? []) stack.push(k.spanId);
  }
  return t;
}
