import { emptyBreakdown, type Category } from '../model/categories.js';
import type { Span } from '../model/span.js';
import { ATTR } from '../../format/recording.js';
import type { AnalyzedTrace, Segment, Trace } from '../model/trace.js';
import { criticalPath, us } from '../critical-path/critical-path.js';
import { classifySpan } from '../classify/classify.js';
import { endpointOf } from './endpoint.js';
import { firstEndingAfter, hasCallbackEnd, queuedRunsInWait, threadOf, type PidTimeline, type ThreadIndex } from './thread-index.js';

export { MIN_QUEUED_RUN_US } from './thread-index.js';

/**
 * Accounts every microsecond of a trace's critical path to exactly one category (docs/accounting.md):
 * wait-class pieces to their class (minus a Node wait's queued tail), in-process self time to cpu / gc /
 * queued / uninstrumented_wait from on-thread data, or to in_process_unattributed when there is none.
 * The segments tile [root.start, root.end) in integer µs, so the breakdown sums exactly to the root duration.
 */
export function analyzeTrace(trace: Trace, index: ThreadIndex | undefined): AnalyzedTrace {
  const pieces = criticalPath(trace);
  const path: Segment[] = [];
  const own = index?.traceOrdinal.get(trace.traceId);

  const push = (span: Span, category: Category, startUs: number, endUs: number): void => {
    if (endUs <= startUs) return;
    const last = path[path.length - 1];
    if (last && last.spanId === span.spanId && last.category === category && last.endUs === startUs) last.endUs = endUs;
    else path.push({ spanId: span.spanId, startUs, endUs, category });
  };

  for (const p of pieces) {
    const span = p.span;
    const cls = span.class ?? classifySpan(span);
    if (cls !== 'in_process') {
      const tail = index && own !== undefined ? queuedTailUs(span, p.endUs, index, own) : 0;
      const split = Math.max(p.startUs, p.endUs - tail);
      push(span, cls, p.startUs, split);
      push(span, 'queued', split, p.endUs);
      continue;
    }
    const tl = index ? threadOf(span, index) : undefined;
    if (!tl || own === undefined) {
      push(span, 'in_process_unattributed', p.startUs, p.endUs);
      continue;
    }
    const cut = Math.min(Math.max(p.startUs, unknownAfterUs(span)), p.endUs);
    attributeSelfTime(tl, own, p.startUs, cut, (c, a, b) => push(span, c, a, b));
    // Past the recorder's slice cap the span's own JavaScript is unknown: an idle-looking thread may have been
    // running it, so that time cannot be called a wait.
    attributeSelfTime(tl, own, cut, p.endUs, (c, a, b) => push(span, c === 'uninstrumented_wait' ? 'in_process_unattributed' : c, a, b));
  }

  const breakdownUs = emptyBreakdown();
  for (const s of path) breakdownUs[s.category] += s.endUs - s.startUs;
  const { endpoint, service } = endpointOf(trace.root);
  return { trace, path, breakdownUs, endpoint, service };
}

/** Where a span's recorded slices stop being complete (the recorder capped them); +∞ when they are complete. */
function unknownAfterUs(span: Span): number {
  const dropped = span.attributes[ATTR.slicesDropped];
  if (!(typeof dropped === 'number' ? dropped > 0 : typeof dropped === 'string' && Number(dropped) > 0)) return Infinity;
  const slices = span.onThread;
  return slices && slices.length > 0 ? us(slices[slices.length - 1].endUs) : us(span.startUs);
}

/**
 * Node subtlety: a wait ends when its callback runs, so a reply that arrived while the loop ran other work
 * looks like a longer wait. The time the wait's continuations sat behind other work (queuedRunsInWait), bounded
 * by the part beyond the operation's uncontended duration, is queued, not waiting. It is taken from the end of
 * the piece that reaches the span's own end.
 */
function queuedTailUs(span: Span, pieceEnd: number, index: ThreadIndex, own: number): number {
  const end = us(span.endUs);
  if (pieceEnd !== end || !hasCallbackEnd(span, index)) return 0;
  const start = us(span.startUs);
  const run = queuedRunsInWait(threadOf(span, index)!, own, start, end);
  if (run <= 0) return 0;
  const uncontended = index.uncontendedUs.get(span) ?? end - start;
  return Math.max(0, Math.min(run, end - start - uncontended));
}

/**
 * Splits in-process self time [a, b) by what the thread was doing: this request's own JavaScript → cpu
 * (gc where a GC pause falls inside it); other requests' or untraced work, or GC outside our own code → queued;
 * nothing at all → uninstrumented_wait (idle loop, no span explains the wait).
 */
export function attributeSelfTime(
  tl: PidTimeline,
  own: number,
  a: number,
  b: number,
  emit: (c: Category, startUs: number, endUs: number) => void,
): void {
  const nb = tl.busyStart.length;
  const ng = tl.gcStart.length;
  let i = firstEndingAfter(tl.busyEnd, a);
  let j = firstEndingAfter(tl.gcEnd, a);
  let t = a;
  while (t < b) {
    while (i < nb && tl.busyEnd[i] <= t) i++;
    while (j < ng && tl.gcEnd[j] <= t) j++;
    let next = b;
    let owner: number | undefined;
    if (i < nb) {
      if (tl.busyStart[i] <= t) {
        owner = tl.busyOwner[i];
        next = Math.min(next, tl.busyEnd[i]);
      } else next = Math.min(next, tl.busyStart[i]);
    }
    let inGc = false;
    if (j < ng) {
      if (tl.gcStart[j] <= t) {
        inGc = true;
        next = Math.min(next, tl.gcEnd[j]);
      } else next = Math.min(next, tl.gcStart[j]);
    }
    const category: Category =
      owner === own ? (inGc ? 'gc' : 'cpu') : owner !== undefined || inGc ? 'queued' : 'uninstrumented_wait';
    emit(category, t, next);
    t = next;
  }
}
