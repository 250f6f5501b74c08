import type { AnalyzedTrace } from '../../model/trace.js';
import type { Category } from '../../model/categories.js';

/** Critical-path µs owned by each span itself (not its children), per trace; memoized by object identity. */
const ownCache = new WeakMap<AnalyzedTrace, Map<string, number>>();

export function ownOnPathUs(at: AnalyzedTrace): Map<string, number> {
  let m = ownCache.get(at);
  if (m) return m;
  m = new Map();
  for (const s of at.path) m.set(s.spanId, (m.get(s.spanId) ?? 0) + (s.endUs - s.startUs));
  ownCache.set(at, m);
  return m;
}

/** Critical-path µs of a span and all its descendants: how much of the request's wait it explains. */
export function subtreeOnPathUs(at: AnalyzedTrace, spanId: string): number {
  const own = ownOnPathUs(at);
  let total = 0;
  const stack = [spanId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    total += own.get(id) ?? 0;
    for (const c of at.trace.children.get(id) ?? []) stack.push(c.spanId);
  }
  return total;
}

/** µs of the span's own path segments in the given categories. */
export function ownPathUsIn(at: AnalyzedTrace, spanId: string, categories: ReadonlySet<Category>): number {
  let total = 0;
  for (const s of at.path) if (s.spanId === spanId && categories.has(s.category)) total += s.endUs - s.startUs;
  return total;
}

export function traceDurationUs(at: AnalyzedTrace): number {
  return Math.max(0, at.trace.root.endUs - at.trace.root.startUs);
}
