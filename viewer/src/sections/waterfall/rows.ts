import type { PathSegment, TraceDetail, WaterfallSpan } from '../../../../analyzer/model/analysis.js';

/** One line of the waterfall: a span and how deep it sits in the trace's tree. */
export interface Row {
  span: WaterfallSpan;
  depth: number;
}

/** Spans in tree order (parents before children, siblings by start), with their depth. */
export function treeOrder(spans: WaterfallSpan[]): Row[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, WaterfallSpan[]>();
  const roots: WaterfallSpan[] = [];
  for (const s of spans) {
    if (s.parentSpanId && ids.has(s.parentSpanId) && s.parentSpanId !== s.spanId) {
      const list = children.get(s.parentSpanId);
      if (list) list.push(s);
      else children.set(s.parentSpanId, [s]);
    } else roots.push(s);
  }
  const byStart = (a: WaterfallSpan, b: WaterfallSpan): number => a.startMs - b.startMs;
  const out: Row[] = [];
  const seen = new Set<string>();
  // Iterative DFS: traces can be thousands of spans deep in pathological inputs.
  const stack: Row[] = roots.sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
  while (stack.length) {
    const row = stack.pop()!;
    if (seen.has(row.span.spanId)) continue;
    seen.add(row.span.spanId);
    out.push(row);
    const kids = (children.get(row.span.spanId) ?? []).sort(byStart);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: row.depth + 1 });
  }
  return out;
}

/** Rows of the spans the critical path runs through, with their ancestors so that the tree still reads. */
export function onPathRows(t: TraceDetail): Row[] {
  const byId = new Map(t.spans.map((sp) => [sp.spanId, sp]));
  const keep = new Set<string>();
  for (const seg of t.criticalPath) {
    let sp = byId.get(seg.spanId);
    while (sp && !keep.has(sp.spanId)) {
      keep.add(sp.spanId);
      sp = sp.parentSpanId ? byId.get(sp.parentSpanId) : undefined;
    }
  }
  return treeOrder(t.spans).filter((r) => keep.has(r.span.spanId));
}

/** For each span, how many rows below it belong to its subtree (rows are in tree order with depths). */
export function countDescendants(rows: Row[]): Map<string, number> {
  const out = new Map<string, number>();
  const open: { id: string; depth: number; at: number }[] = [];
  const close = (until: number, index: number): void => {
    while (open.length && open[open.length - 1]!.depth >= until) {
      const o = open.pop()!;
      out.set(o.id, index - o.at - 1);
    }
  };
  rows.forEach((r, i) => {
    close(r.depth, i);
    open.push({ id: r.span.spanId, depth: r.depth, at: i });
  });
  close(-1, rows.length);
  return out;
}

export function withoutCollapsed(rows: Row[], collapsed: ReadonlySet<string>): Row[] {
  if (collapsed.size === 0) return rows;
  const out: Row[] = [];
  let hideBelow = Infinity;
  for (const r of rows) {
    if (r.depth > hideBelow) continue;
    hideBelow = collapsed.has(r.span.spanId) ? r.depth : Infinity;
    out.push(r);
  }
  return out;
}

/** The critical path's segments, grouped by the span they run through. */
export function pathSegmentsBySpan(t: TraceDetail): Map<string, PathSegment[]> {
  const out = new Map<string, PathSegment[]>();
  for (const seg of t.criticalPath) {
    const list = out.get(seg.spanId);
    if (list) list.push(seg);
    else out.set(seg.spanId, [seg]);
  }
  return out;
}
