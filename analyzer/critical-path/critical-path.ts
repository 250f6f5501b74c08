import type { Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';

/**
 * One piece of a critical path before accounting: [startUs, endUs) owned by `span`, the deepest span on the path
 * at that time (a child's piece where a child is on the path, else the span's own "self" time).
 * Times are integer microseconds.
 */
export interface PathPiece {
  span: Span;
  startUs: number;
  endUs: number;
}

/** Integer microseconds: the model carries float64 µs; every boundary is rounded once, here. */
export function us(t: number): number {
  return Math.round(t);
}

/**
 * A child is on the path only if it is part of the synchronous call tree: FOLLOWS_FROM links and children that
 * outlive their parent (fire-and-forget work the parent never awaited) are reported but never waited for.
 */
export function isAwaitedChild(child: Span, parent: Span): boolean {
  return !child.followsFrom && us(child.endUs) <= us(parent.endUs);
}

interface Frame {
  span: Span;
  /** Start of this span's window (its own start). */
  windowStart: number;
  /** Walk position: everything at or after `t` inside the window is already on the path. */
  t: number;
  /** Awaited children, latest end first. */
  kids: Span[];
  next: number;
}

function compareByEndDesc(a: Span, b: Span): number {
  const d = us(b.endUs) - us(a.endUs);
  if (d !== 0) return d;
  const s = us(a.startUs) - us(b.startUs);
  if (s !== 0) return s;
  // Span ids make the choice independent of the order the input format listed the spans in.
  return a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/**
 * The critical path of a trace: walk back from the root's end, at each instant descending into the child that
 * finished last (as Jaeger UI's CriticalPath and Uber's CRISP do), then, back in the parent at that child's
 * start, into the child that finished last *by then*.
 *
 * Causality: a sibling still running when the child taken after it started was not awaited before that child
 * (the parent launched the later child while it was in flight), so it is not what the parent waited for and
 * none of it is on the path: the overlapped time stays the parent's own. Only a child that ended at or before
 * the walk position is taken (Jaeger UI takes only children ending strictly before the returning child's start;
 * a child ending exactly when the next starts was awaited, so here it is taken).
 * Example: root [0,100), children [10,40), [20,50), [60,90): the path is [60,90) and [20,50); [10,40) was still
 * running at 20, so [0,20) is the root's own.
 *
 * Returns time-ordered, non-overlapping pieces covering exactly [root.start, root.end) in integer µs; every
 * child on the path is on it whole (from its start, clipped to its parent's, to its end).
 * O(n log n): each span's children are sorted once and every child is visited once.
 */
export function criticalPath(trace: Trace): PathPiece[] {
  const out: PathPiece[] = [];
  const root = trace.root;
  const rootStart = us(root.startUs);
  const rootEnd = Math.max(rootStart, us(root.endUs));
  const stack: Frame[] = [openFrame(trace, root, rootStart, rootEnd)];

  // Pieces are produced from the end backwards, then reversed once.
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    let descended = false;
    while (f.next < f.kids.length) {
      const c = f.kids[f.next++];
      const cEnd = us(c.endUs);
      // Still running at the walk position: not awaited before the child taken after it. The walk position only
      // moves back, so a child skipped here never qualifies later.
      if (cEnd > f.t) continue;
      const cStart = Math.max(us(c.startUs), f.windowStart);
      if (cStart >= cEnd) continue; // zero-length (or wholly before the parent): nothing to wait for
      if (cEnd < f.t) out.push({ span: f.span, startUs: cEnd, endUs: f.t });
      f.t = cStart;
      stack.push(openFrame(trace, c, cStart, cEnd));
      descended = true;
      break;
    }
    if (descended) continue;
    if (f.windowStart < f.t) out.push({ span: f.span, startUs: f.windowStart, endUs: f.t });
    stack.pop();
  }
  out.reverse();
  return mergeAdjacent(out);
}

const NO_KIDS: Span[] = [];

function openFrame(trace: Trace, span: Span, windowStart: number, windowEnd: number): Frame {
  const all = trace.children.get(span.spanId);
  let kids = NO_KIDS;
  if (all && all.length > 0) {
    kids = all.filter((c) => isAwaitedChild(c, span));
    if (kids.length > 1) kids.sort(compareByEndDesc);
  }
  return { span, windowStart, t: windowEnd, kids, next: 0 };
}

/** A span resumed after a zero-length child yields two touching self pieces; one reads better. */
function mergeAdjacent(pieces: PathPiece[]): PathPiece[] {
  const out: PathPiece[] = [];
  for (const p of pieces) {
    if (p.endUs <= p.startUs) continue;
    const last = out[out.length - 1];
    if (last && last.span === p.span && last.endUs === p.startUs) last.endUs = p.endUs;
    else out.push(p);
  }
  return out;
}
