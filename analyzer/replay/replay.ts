import type { Category } from '../model/categories.js';
import type { Span } from '../model/span.js';
import type { AnalyzedTrace, Segment } from '../model/trace.js';
import type { Change } from './change.js';

/**
 * What-if replay: apply `changes` to a trace's span tree, re-lay the tree out in time and return the new
 * critical-path length (= new root duration) in µs. Saving = original − replayed. Pure; docs/detectors.md.
 *
 * The model, per span, with its awaited children sorted by (start, end):
 * - Every "event" inside a span — a child starting, or the span ending — waited for the children that had
 *   already ended before it in the recording (its *gate*), then for the span's own self time after the last of
 *   them (its *gap*). Replayed: event = max(new span start, new ends of the gate children) + gap − reduction.
 *   Sequential dependencies follow the observed order; children that overlapped share a gate and stay
 *   overlapped; when a child shrinks, everything gated on it moves earlier.
 * - With no changes every event lands where it was recorded, so replay(at, []) is the root duration exactly.
 * - Children that outlive their parent or follow from it (fire-and-forget) never gate the parent.
 *
 * Changes:
 * - parallelize: members (in start order) start together at the first member's replayed start; the self time
 *   the code spent between issuing them (each member's gap) is kept, in sequence, before each launch.
 * - batch: the earliest member lasts `durationUs` (its subtree replaced); the others vanish together with the
 *   self time between them (per-item preparation is part of the batch estimate).
 * - remove: the span takes zero time (its subtree too); the parent's self time around it stays.
 * - cap: the span ends at most `maxUs` after its replayed start.
 * - shorten / unqueue: the span's self time shrinks by `byUs` (clipped to what there is), spread over its self
 *   gaps in proportion to their on-thread time (shorten: cpu/gc/unattributed path segments) or queued time
 *   (unqueue: queued path segments); spans with no such segment spread it over all self time.
 */
export function replay(at: AnalyzedTrace, changes: readonly Change[], shared: ReplayTrace = new ReplayTrace(at)): number {
  const root = at.trace.root;
  // Identity by construction (tested): skip the layout when nothing changes.
  if (changes.length === 0) return Math.max(0, Math.max(root.startUs, root.endUs) - root.startUs);
  const plan = planOf(changes, at);
  const ctx: LayoutContext = { at, plan, shared };
  const end = layout(ctx, root, root.startUs);
  return Math.max(0, end - root.startUs);
}

interface Plan {
  /** Batch members other than the first: gone, with the self time between them. */
  dropped: Set<string>;
  /** Zero duration, subtree gone. */
  removed: Set<string>;
  /** First batch member -> its batched duration. */
  batched: Map<string, number>;
  caps: Map<string, number>;
  shortenUs: Map<string, number>;
  unqueueUs: Map<string, number>;
  /** Member -> the member launched just before it in its parallel group (absent for a group's first). */
  launchedAfter: Map<string, string>;
}

function planOf(changes: readonly Change[], at: AnalyzedTrace): Plan {
  const plan: Plan = {
    dropped: new Set(),
    removed: new Set(),
    batched: new Map(),
    caps: new Map(),
    shortenUs: new Map(),
    unqueueUs: new Map(),
    launchedAfter: new Map(),
  };
  const byId = at.trace.byId;
  const inStartOrder = (ids: readonly string[]): Span[] =>
    ids
      .map((id) => byId.get(id))
      .filter((s): s is Span => s !== undefined)
      .sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
  for (const c of changes) {
    switch (c.type) {
      case 'parallelize': {
        const members = inStartOrder(c.spanIds);
        for (let i = 1; i < members.length; i++) {
          // A span already in a group keeps its first assignment: groups from different fixes never chain loops.
          if (!plan.launchedAfter.has(members[i].spanId)) plan.launchedAfter.set(members[i].spanId, members[i - 1].spanId);
        }
        break;
      }
      case 'batch': {
        const members = inStartOrder(c.spanIds);
        if (members.length === 0) break;
        const first = members[0].spanId;
        const prev = plan.batched.get(first);
        plan.batched.set(first, prev === undefined ? Math.max(0, c.durationUs) : Math.min(prev, Math.max(0, c.durationUs)));
        for (const m of members.slice(1)) plan.dropped.add(m.spanId);
        break;
      }
      case 'remove':
        for (const id of c.spanIds) plan.removed.add(id);
        break;
      case 'cap': {
        const prev = plan.caps.get(c.spanId);
        plan.caps.set(c.spanId, prev === undefined ? Math.max(0, c.maxUs) : Math.min(prev, Math.max(0, c.maxUs)));
        break;
      }
      case 'shorten':
        plan.shortenUs.set(c.spanId, (plan.shortenUs.get(c.spanId) ?? 0) + Math.max(0, c.byUs));
        break;
      case 'unqueue':
        plan.unqueueUs.set(c.spanId, (plan.unqueueUs.get(c.spanId) ?? 0) + Math.max(0, c.byUs));
        break;
    }
  }
  // The root is never dropped or removed: the request itself still happens.
  plan.dropped.delete(at.trace.root.spanId);
  plan.removed.delete(at.trace.root.spanId);
  return plan;
}

interface LayoutContext {
  at: AnalyzedTrace;
  plan: Plan;
  shared: ReplayTrace;
}

const NO_KIDS: readonly Span[] = [];
const NO_SEGMENTS: readonly Segment[] = [];
const NO_REDUCTION = (): number => 0;

/**
 * What every replay of one trace derives the same way (awaited children sorted, path segments by span): pass one
 * to a series of replays of the same trace (ranking does), and drop it when done with the trace, so nothing
 * per-trace outlives the walk over a million spans.
 */
export class ReplayTrace {
  private segments?: Map<string, Segment[]>;
  private readonly kids = new Map<string, readonly Span[]>();
  constructor(readonly at: AnalyzedTrace) {}

  segmentsOf(spanId: string): readonly Segment[] {
    if (!this.segments) {
      this.segments = new Map();
      for (const s of this.at.path) {
        let list = this.segments.get(s.spanId);
        if (!list) this.segments.set(s.spanId, (list = []));
        list.push(s);
      }
    }
    return this.segments.get(spanId) ?? NO_SEGMENTS;
  }

  /** Awaited children (FOLLOWS_FROM excluded) sorted by (start, end). */
  kidsOf(span: Span): readonly Span[] {
    let kids = this.kids.get(span.spanId);
    if (kids) return kids;
    const all = this.at.trace.children.get(span.spanId);
    kids = all && all.length > 0 ? all.filter((c) => !c.followsFrom).sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs) : NO_KIDS;
    this.kids.set(span.spanId, kids);
    return kids;
  }
}

const ON_THREAD: ReadonlySet<Category> = new Set<Category>(['cpu', 'gc', 'in_process_unattributed']);

/** Lays out `span` starting at `start`; returns its replayed end. Records nothing: only the root's end matters. */
function layout(ctx: LayoutContext, span: Span, start: number): number {
  const { plan } = ctx;
  if (plan.removed.has(span.spanId)) return start;
  const batched = plan.batched.get(span.spanId);
  if (batched !== undefined) return capped(plan, span, start, start + batched);

  const ps = span.startUs;
  const pe = Math.max(ps, span.endUs);
  const kids = ctx.shared.kidsOf(span);
  const reduce = reductionOf(ctx, span, ps, pe, kids);
  if (kids.length === 0) return capped(plan, span, start, start + Math.max(0, pe - ps - reduce(ps, pe)));

  // Per-kid replayed ends by index (NaN: dropped). Starts are looked up by id only when a parallel group exists,
  // and only among this span's kids, as launches chain between siblings.
  const newEnd = new Float64Array(kids.length).fill(Number.NaN);
  const newStart = plan.launchedAfter.size > 0 ? new Map<string, number>() : undefined;
  // Gate bookkeeping in O(n log n): events come in start order, so the kids that ended by an event only grow.
  // `pending` holds laid-out kids (indices, by original end) not yet folded into the running anchors.
  const pending = new MinHeap<number>((i) => kids[i].endUs);
  let foldedUpTo = Number.NEGATIVE_INFINITY;
  let anchorOrig = ps;
  let anchorNew = start;
  const fold = (i: number): void => {
    const k = kids[i];
    if (k.endUs > anchorOrig) anchorOrig = k.endUs;
    const e = newEnd[i];
    if (e > anchorNew) anchorNew = e; // false for NaN
  };
  let evAnchor = 0;
  let evGap = 0;
  /** Replayed anchor and gap of an event at original time t (t never decreases between calls). */
  const eventAt = (t: number): void => {
    foldedUpTo = t;
    while (pending.size > 0 && pending.peekKey() <= t) fold(pending.pop());
    evAnchor = anchorNew;
    evGap = Math.max(0, t - anchorOrig - reduce(anchorOrig, t));
  };

  for (let i = 0; i < kids.length; i++) {
    const k = kids[i];
    eventAt(k.startUs);
    if (!plan.dropped.has(k.spanId)) {
      const prev = newStart ? plan.launchedAfter.get(k.spanId) : undefined;
      const prevStart = prev !== undefined ? newStart!.get(prev) : undefined;
      // Parallelized: launched right after the previous member, after only this member's own preparation.
      const s = prevStart !== undefined ? Math.min(prevStart + evGap, evAnchor + evGap) : evAnchor + evGap;
      newStart?.set(k.spanId, s);
      newEnd[i] = layout(ctx, k, s);
    }
    // A zero-length kid ends at its own start: it gates later events, never itself.
    pending.push(i);
  }
  if (pe >= foldedUpTo) eventAt(pe);
  else {
    // Kids starting after the span's end (clock skew): rescan for the ones that ended by the end.
    anchorOrig = ps;
    anchorNew = start;
    for (let i = 0; i < kids.length; i++) if (kids[i].endUs <= pe) fold(i);
    evAnchor = anchorNew;
    evGap = Math.max(0, pe - anchorOrig - reduce(anchorOrig, pe));
  }
  // The span's end waits only for awaited children (those that ended within it).
  return capped(plan, span, start, Math.max(start, evAnchor + evGap));
}

function capped(plan: Plan, span: Span, start: number, end: number): number {
  const cap = plan.caps.get(span.spanId);
  return cap === undefined ? end : Math.min(end, start + cap);
}

/**
 * How much self time inside [a, b) the span loses to shorten/unqueue: each self interval (span time not covered
 * by an awaited child) loses its share of the requested reduction, proportional to its weight.
 */
function reductionOf(
  ctx: LayoutContext,
  span: Span,
  ps: number,
  pe: number,
  kids: readonly Span[],
): (a: number, b: number) => number {
  const shorten = ctx.plan.shortenUs.get(span.spanId) ?? 0;
  const unqueue = ctx.plan.unqueueUs.get(span.spanId) ?? 0;
  if (shorten <= 0 && unqueue <= 0) return NO_REDUCTION;

  const self = selfIntervals(ps, pe, kids);
  const segs = ctx.shared.segmentsOf(span.spanId);
  const cut = new Array<number>(self.length).fill(0);
  const spread = (amount: number, inCategory: (c: Category) => boolean): void => {
    if (amount <= 0) return;
    let weights = self.map(([x, y]) => overlapWith(segs, x, y, inCategory));
    if (weights.every((w) => w <= 0)) weights = self.map(([x, y]) => y - x);
    const total = weights.reduce((s, w) => s + w, 0);
    if (total <= 0) return;
    const take = Math.min(amount, total);
    for (let i = 0; i < self.length; i++) cut[i] += (take * weights[i]) / total;
  };
  spread(shorten, (c) => ON_THREAD.has(c));
  spread(unqueue, (c) => c === 'queued');
  for (let i = 0; i < self.length; i++) cut[i] = Math.min(cut[i], self[i][1] - self[i][0]);

  // Prefix sums over the sorted, disjoint self intervals: reduction within [a, b) = F(b) − F(a).
  const before = new Array<number>(self.length + 1).fill(0);
  for (let i = 0; i < self.length; i++) before[i + 1] = before[i] + cut[i];
  const F = (x: number): number => {
    let lo = 0;
    let hi = self.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (self[mid][1] <= x) lo = mid + 1;
      else hi = mid;
    }
    if (lo >= self.length) return before[self.length];
    const [sx, sy] = self[lo];
    return before[lo] + (x > sx ? (cut[lo] * (x - sx)) / (sy - sx) : 0);
  };
  return (a, b) => (b > a ? F(b) - F(a) : 0);
}

/** [ps, pe) minus the union of awaited children, as sorted disjoint intervals. */
function selfIntervals(ps: number, pe: number, kids: readonly Span[]): [number, number][] {
  const out: [number, number][] = [];
  let t = ps;
  for (const k of kids) {
    const ks = Math.max(ps, k.startUs);
    const ke = Math.min(pe, k.endUs);
    if (ke <= ks) continue;
    if (ks > t) out.push([t, ks]);
    if (ke > t) t = ke;
  }
  if (pe > t) out.push([t, pe]);
  return out;
}

function overlapWith(segs: readonly Segment[], a: number, b: number, inCategory: (c: Category) => boolean): number {
  let o = 0;
  for (const s of segs) {
    if (!inCategory(s.category)) continue;
    const d = Math.min(b, s.endUs) - Math.max(a, s.startUs);
    if (d > 0) o += d;
  }
  return o;
}

/** A small binary min-heap keyed by a number. */
class MinHeap<T> {
  private readonly items: T[] = [];
  constructor(private readonly key: (x: T) => number) {}
  get size(): number {
    return this.items.length;
  }
  peekKey(): number {
    return this.key(this.items[0]);
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.key(a[p]) <= this.key(a[i])) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): T {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.key(a[l]) < this.key(a[m])) m = l;
        if (r < a.length && this.key(a[r]) < this.key(a[m])) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
