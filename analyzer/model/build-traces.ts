import type { Warning } from './analysis.js';
import type { Span } from './span.js';
import type { Trace } from './trace.js';

/*
 * Trace hygiene: turn a bag of spans into well-formed trees, repairing what real traces get wrong and
 * counting every repair in `warnings` (never silent). Repairs are applied in place to the given spans.
 *
 * After buildTraces, for every trace:
 *  - one root (no parentSpanId); every other span reachable from it;
 *  - span ids unique; endUs >= startUs;
 *  - every child that is not followsFrom lies within its parent's [startUs, endUs];
 *  - children lists sorted by startUs.
 *
 * Clock skew (learned from Zipkin's/Jaeger's skew adjustment): a server span that does not fit inside its
 * calling client span, on another service, was measured on another host's clock. It is shifted, with its
 * whole subtree, to sit centred in the client (the network time split evenly on both sides). A child that
 * ran past its parent moves to the nearest ancestor enclosing it (see fit); overflows that remain
 * within the tolerance (rounding) or across processes (skew) are clipped to the parent; a same-process child that
 * started inside its parent and ended well after it is work the parent did not await (followsFrom).
 * docs/formats.md lists the rules.
 */

/** Overflow up to max(1 ms, 1 % of the parent) is ordinary rounding; beyond is reported as a real overflow. */
export const SKEW_TOLERANCE_US = 1000;
export const SKEW_TOLERANCE_FRACTION = 0.01;

type Code =
  | 'duplicate-span'
  | 'negative-duration'
  | 'orphan-rerooted'
  | 'orphan-root'
  | 'extra-root-rerooted'
  | 'cycle-broken'
  | 'skew-shifted'
  | 'clipped-overflow'
  | 'clipped-within-tolerance'
  | 'async-child'
  | 'unawaited-child'
  | 'reparented-to-ancestor'
  | 'unfinished-span';

const MESSAGES: Record<Code, (n: number) => string> = {
  'duplicate-span': (n) => `${n} duplicate span(s) (same trace and span id) were dropped, keeping the most complete copy`,
  'negative-duration': (n) => `${n} span(s) ended before they started; their duration was set to zero`,
  'orphan-rerooted': (n) => `${n} span(s) whose parent is missing were attached under their trace's root`,
  'orphan-root': (n) => `${n} trace(s) had no root span: the longest span whose parent is missing became the root`,
  'extra-root-rerooted': (n) => `${n} extra root span(s) were attached under their trace's main root (the longest server span)`,
  'cycle-broken': (n) => `${n} span(s) in a parent cycle were attached under their trace's root`,
  'skew-shifted': (n) => `${n} server span(s) did not fit inside their calling client span (clock skew between hosts) and were shifted with their subtree`,
  'clipped-overflow': (n) => `${n} span(s) extended beyond their parent by more than 1 ms (or 1 %) and were clipped to it`,
  'clipped-within-tolerance': (n) => `${n} span(s) extended beyond their parent by less than 1 ms (or 1 %, timestamp rounding) and were clipped to it`,
  'async-child': (n) => `${n} span(s) started after their parent and its ancestors ended (fire-and-forget work): kept, flagged follows-from, off the critical path`,
  'unawaited-child': (n) =>
    `${n} span(s) started inside their parent but ended well after it (beyond the skew tolerance) with no ancestor still open: work the parent did not await (an un-awaited promise, a detached asyncio task); kept unclipped, flagged follows-from, off the critical path`,
  'reparented-to-ancestor': (n) =>
    `${n} span(s) ran past their parent (e.g. a query issued in a pool.connect callback, parented to the finished connect span) and were attached to the nearest ancestor that encloses them`,
  'unfinished-span': (n) => `${n} span(s) never ended (still open when recording stopped); their last known time is used`,
};

class Counter {
  readonly counts = new Map<Code, number>();
  add(code: Code, n = 1): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + n);
  }
  flush(warnings: Warning[]): void {
    for (const [code, n] of this.counts) if (n > 0) warnings.push({ code, message: MESSAGES[code](n), count: n });
  }
}

export function buildTraces(spans: Span[], warnings: Warning[]): Trace[] {
  const counter = new Counter();
  const groups = new Map<string, Span[]>();
  // A trace's spans mostly arrive together: the previous span's group is checked before the map.
  let lastId: string | undefined;
  let g: Span[] = [];
  for (const s of spans) {
    if (s.traceId !== lastId) {
      lastId = s.traceId;
      let found = groups.get(lastId);
      if (!found) groups.set(lastId, (found = []));
      g = found;
    }
    g.push(s);
  }
  const traces: Trace[] = [];
  for (const [traceId, group] of groups) {
    const t = buildOne(traceId, group, counter);
    if (t) traces.push(t);
  }
  traces.sort((a, b) => a.root.startUs - b.root.startUs || (a.traceId < b.traceId ? -1 : 1));
  counter.flush(warnings);
  return traces;
}

/** How much a copy tells us; the duplicate with the higher score is kept. */
function completeness(s: Span): number {
  return (
    (s.unfinished ? 0 : 1e7) +
    (s.endUs > s.startUs ? 1e6 : 0) +
    (s.onThread ? 1e5 : 0) +
    (s.parentSpanId ? 1e4 : 0) +
    Object.keys(s.attributes).length * 10 +
    s.events.length
  );
}

function buildOne(traceId: string, group: Span[], counter: Counter): Trace | undefined {
  const byId = new Map<string, Span>();
  for (const s of group) {
    if (s.endUs < s.startUs || Number.isNaN(s.endUs)) {
      s.endUs = s.startUs;
      counter.add('negative-duration');
    }
    const prev = byId.get(s.spanId);
    if (prev) {
      counter.add('duplicate-span');
      if (completeness(s) > completeness(prev)) byId.set(s.spanId, s);
    } else byId.set(s.spanId, s);
  }
  if (byId.size === 0) return undefined;
  // Without duplicates the map holds the group in its own order: no copy.
  const unique = byId.size === group.length ? group : [...byId.values()];

  // Roots and orphans.
  const roots: Span[] = [];
  const orphans: Span[] = [];
  for (const s of unique) {
    if (s.parentSpanId === undefined || s.parentSpanId === s.spanId) {
      // Assigning rather than deleting keeps the span's hidden class (delete makes it a slow dictionary).
      if (s.parentSpanId !== undefined) s.parentSpanId = undefined;
      roots.push(s);
    } else if (!byId.has(s.parentSpanId)) orphans.push(s);
  }
  let root: Span;
  if (roots.length > 0) root = pickRoot(roots);
  else if (orphans.length > 0) {
    root = pickRoot(orphans);
    root.parentSpanId = undefined;
    counter.add('orphan-root');
  } else {
    // Every span has a parent inside the trace: a cycle. Break it at the longest span.
    root = pickRoot(unique);
    root.parentSpanId = undefined;
    counter.add('cycle-broken');
  }
  // Spans whose parent hygiene chose: whether that parent awaited them is unknowable, so they are never
  // declared un-awaited (see fit).
  let attached = roots.length > 1 || orphans.length > 0 ? new Set<Span>() : NONE_ATTACHED;
  for (const r of roots) {
    if (r === root) continue;
    attached.add(r);
    r.parentSpanId = root.spanId;
    counter.add('extra-root-rerooted');
  }
  for (const o of orphans) {
    if (o === root) continue;
    attached.add(o);
    o.parentSpanId = root.spanId;
    counter.add('orphan-rerooted');
  }

  let children = childrenOf(unique);
  // Spans not reachable from the root sit on a parent cycle: attach each cycle's first span to the root.
  // Every span has one parent and the root none, so a walk down from the root meets each reachable span once and
  // cannot enter a cycle: counting suffices, and the set of seen spans is only built when some are unreachable.
  if (countSubtree(root, children) < unique.length) {
    const seen = new Set<Span>();
    if (attached === NONE_ATTACHED) attached = new Set<Span>();
    markSubtree(root, children, seen);
    for (const s of unique) {
      if (seen.has(s)) continue;
      attached.add(s);
      s.parentSpanId = root.spanId;
      counter.add('cycle-broken');
      markSubtree(s, children, seen);
    }
    children = childrenOf(unique);
  }

  if (fitChildren(root, children, byId, counter, attached)) children = childrenOf(unique);
  for (const list of children.values()) list.sort(byStart);
  for (const s of unique) if (s.unfinished) counter.add('unfinished-span');
  unique.sort(byStart);
  return { traceId, root, spans: unique, children, byId };
}

/** Most traces have one root, no orphan and no cycle: nothing is attached, and they share this empty set (never added to). */
const NONE_ATTACHED: Set<Span> = new Set();

function byStart(a: Span, b: Span): number {
  return a.startUs - b.startUs || b.endUs - a.endUs;
}

/** The main root: the longest server span if there is one, else the longest span; earliest on ties. */
function pickRoot(candidates: Span[]): Span {
  const servers = candidates.filter((s) => s.kind === 'server');
  const pool = servers.length > 0 ? servers : candidates;
  let best = pool[0]!;
  for (const s of pool) {
    const d = s.endUs - s.startUs;
    const bd = best.endUs - best.startUs;
    if (d > bd || (d === bd && s.startUs < best.startUs)) best = s;
  }
  return best;
}

function childrenOf(spans: Span[]): Map<string, Span[]> {
  const m = new Map<string, Span[]>();
  for (const s of spans) {
    if (s.parentSpanId === undefined) continue;
    let l = m.get(s.parentSpanId);
    if (!l) m.set(s.parentSpanId, (l = []));
    l.push(s);
  }
  return m;
}

function countSubtree(top: Span, children: Map<string, Span[]>): number {
  let n = 0;
  const stack = [top];
  while (stack.length) {
    const s = stack.pop()!;
    n++;
    const kids = children.get(s.spanId);
    if (kids) for (const c of kids) stack.push(c);
  }
  return n;
}

function markSubtree(top: Span, children: Map<string, Span[]>, seen: Set<Span>): void {
  const stack = [top];
  while (stack.length) {
    const s = stack.pop()!;
    if (seen.has(s)) continue;
    seen.add(s);
    for (const c of children.get(s.spanId) ?? []) stack.push(c);
  }
}

function isCrossProcessCall(parent: Span, child: Span): boolean {
  const callee = child.kind === 'server' || child.kind === 'consumer';
  const caller = parent.kind === 'client' || parent.kind === 'producer';
  const otherProcess = child.service !== parent.service || (child.pid !== undefined && parent.pid !== undefined && child.pid !== parent.pid);
  return callee && caller && otherProcess;
}

/** Same service and (when both are known) same pid: the two spans were timed on one clock. */
function sameProcess(a: Span, b: Span): boolean {
  return a.service === b.service && (a.pid === undefined || b.pid === undefined || a.pid === b.pid);
}

function shift(s: Span, delta: number): void {
  s.startUs += delta;
  s.endUs += delta;
  for (const e of s.events) e.timeUs += delta;
  if (s.onThread) for (const sl of s.onThread) {
    sl.startUs += delta;
    sl.endUs += delta;
  }
}

/**
 * Walk top-down: each span first receives the shift its ancestors got (one clock per host), then its own
 * skew correction, then is fitted into its parent (see fit). O(n): shifts are inherited, not re-applied per
 * subtree, and ancestor searches are bounded. Returns true when some span changed parent.
 */
function fitChildren(root: Span, children: Map<string, Span[]>, byId: Map<string, Span>, counter: Counter, attached: ReadonlySet<Span>): boolean {
  let reparented = false;
  // The children lists form a tree under the root here (cycles were broken before): no span is met twice.
  // Two parallel stacks rather than a [span, shift] pair per span.
  const stack: Span[] = [];
  const shifts: number[] = [];
  for (const c of children.get(root.spanId) ?? []) {
    stack.push(c);
    shifts.push(0);
  }
  while (stack.length) {
    const c = stack.pop()!;
    const inherited = shifts.pop()!;
    if (inherited !== 0) shift(c, inherited);
    const p = c.parentSpanId === undefined ? undefined : byId.get(c.parentSpanId);
    let own = 0;
    if (p) {
      own = skewCorrection(p, c);
      if (own !== 0) {
        shift(c, own);
        counter.add('skew-shifted');
      }
      if (!c.followsFrom && fit(p, c, byId, counter, attached.has(c)) !== p) reparented = true;
    }
    const kids = children.get(c.spanId);
    if (kids) {
      for (const g of kids) {
        stack.push(g);
        shifts.push(inherited + own);
      }
    }
  }
  return reparented;
}

/** How far to move a callee measured on another host's clock so it fits its caller; 0 when it fits. */
function skewCorrection(p: Span, c: Span): number {
  if (!isCrossProcessCall(p, c)) return 0;
  const pDur = p.endUs - p.startUs;
  const cDur = c.endUs - c.startUs;
  if (p.kind === 'producer') {
    // Messages are consumed after they are produced, often after the producer span ended: only a
    // consumer that starts before its producer is impossible.
    return c.startUs < p.startUs ? p.startUs - c.startUs : 0;
  }
  if (cDur > pDur) {
    // Longer than its caller: the caller timed out or did not wait. All we can say is that it cannot
    // have started before it was called (as Jaeger's clock-skew adjuster reasons).
    return c.startUs < p.startUs ? p.startUs - c.startUs : 0;
  }
  if (c.startUs >= p.startUs && c.endUs <= p.endUs) return 0;
  // Network latency assumed equal both ways: centre the callee in the caller.
  return p.startUs + (pDur - cDur) / 2 - c.startUs;
}

function toleranceOf(p: Span): number {
  return Math.max(SKEW_TOLERANCE_US, SKEW_TOLERANCE_FRACTION * (p.endUs - p.startUs));
}

/** Ancestors searched for a better parent; bounds the walk so pathological depth stays O(n). */
const MAX_ANCESTOR_HOPS = 64;

/**
 * Make a child that does not fit its parent fit somewhere. Instrumentations parent work to whatever
 * span was current when the callback was created: `pg.query` issued in a `pool.connect` callback becomes a
 * child of the connect span although it runs after connect ended. Clipping it into the connect span would
 * erase the query's time, so such a child moves up to the nearest ancestor that encloses it (the request
 * still waited for it). A child that started after every ancestor ended is fire-and-forget work: it is
 * flagged follows-from; so is a same-process child that started inside its parent and outlived it and every
 * ancestor beyond the tolerance (an un-awaited task). Anything else (cross-process skew, rounding) is clipped
 * into its parent, as Jaeger's critical path does.
 * Returns the span's parent after the repair.
 */
function fit(p: Span, c: Span, byId: Map<string, Span>, counter: Counter, attached: boolean): Span {
  if (c.startUs >= p.startUs && c.endUs <= p.endUs) return p;
  const tolerance = toleranceOf(p);
  const startsAfter = c.startUs >= p.endUs;
  if (p.kind === 'producer' && startsAfter) {
    // A message consumed after it was produced: asynchronous by nature.
    c.followsFrom = true;
    counter.add('async-child');
    return p;
  }
  // A server or consumer span is the remote side of its parent call: it belongs there whatever its times.
  const movable = c.kind !== 'server' && c.kind !== 'consumer';
  if (movable && (startsAfter || c.endUs - p.endUs > tolerance) && c.startUs >= p.startUs - tolerance) {
    let openAtStart: Span | undefined;
    let a = p.parentSpanId === undefined ? undefined : byId.get(p.parentSpanId);
    for (let hops = 0; a && hops < MAX_ANCESTOR_HOPS; hops++) {
      if (a.startUs <= c.startUs && c.startUs < a.endUs) {
        openAtStart ??= a;
        if (c.endUs <= a.endUs + toleranceOf(a)) break;
      }
      a = a.parentSpanId === undefined ? undefined : byId.get(a.parentSpanId);
    }
    const target = a && a.startUs <= c.startUs && c.endUs <= a.endUs + toleranceOf(a) ? a : startsAfter ? openAtStart : undefined;
    if (target) {
      c.parentSpanId = target.spanId;
      counter.add('reparented-to-ancestor');
      clip(target, c, counter);
      return target;
    }
    if (startsAfter) {
      c.followsFrom = true;
      counter.add('async-child');
      return p;
    }
    // Started inside its parent, ended well after it, in the same process: one clock, so not skew. The parent
    // returned without awaiting it (fire-and-forget). Clipping would put that task's time on the critical path.
    if (sameProcess(p, c) && !attached) {
      c.followsFrom = true;
      counter.add('unawaited-child');
      return p;
    }
  }
  // Clock skew between processes (or an overrun within the tolerance): clipped into the parent.
  clip(p, c, counter);
  return p;
}

/** Clip `c` into `p`'s window (and its on-thread slices), counting the overflow as rounding or real. */
function clip(p: Span, c: Span, counter: Counter): void {
  if (c.startUs >= p.startUs && c.endUs <= p.endUs) return;
  const tolerance = toleranceOf(p);
  const overflow = Math.max(0, p.startUs - c.startUs) + Math.max(0, c.endUs - p.endUs);
  const start = Math.min(Math.max(c.startUs, p.startUs), p.endUs);
  const end = Math.max(Math.min(c.endUs, p.endUs), start);
  c.startUs = start;
  c.endUs = end;
  if (c.onThread) {
    c.onThread = c.onThread
      .map((s) => ({ startUs: Math.max(s.startUs, start), endUs: Math.min(s.endUs, end) }))
      .filter((s) => s.endUs > s.startUs);
  }
  counter.add(overflow > tolerance ? 'clipped-overflow' : 'clipped-within-tolerance');
}
