import type { FlameNode } from '../../analyzer/model/analysis.js';
import type { FrameOrigin } from '../../analyzer/model/profile.js';

interface Building {
  node: FlameNode;
  kids: Map<string, Building>;
}

const frameKey = (n: FlameNode): string => `${n.name}\u0000${n.location ?? ''}`;

/**
 * The flamegraph with frames of hidden origins taken out: their children move up to the nearest kept
 * ancestor (merged with same-named siblings) and their self time stays with that ancestor, so every
 * node's total is unchanged and the root total is preserved. The root is always kept.
 */
export function filterOrigins(root: FlameNode, keep: ReadonlySet<FrameOrigin>): FlameNode {
  const top: Building = { node: { ...root, children: [] }, kids: new Map() };
  const collect = (from: FlameNode, into: Building): void => {
    for (const c of from.children) {
      if (!keep.has(c.origin)) {
        collect(c, into);
        continue;
      }
      const k = frameKey(c);
      let b = into.kids.get(k);
      if (!b) {
        b = {
          node: { name: c.name, origin: c.origin, valueMs: 0, children: [], ...(c.location !== undefined ? { location: c.location } : {}) },
          kids: new Map(),
        };
        into.kids.set(k, b);
      }
      b.node.valueMs += c.valueMs;
      collect(c, b);
    }
  };
  collect(root, top);
  const finish = (b: Building): FlameNode => {
    b.node.children = [...b.kids.values()].map(finish);
    return b.node;
  };
  return finish(top);
}

/** Own time of a node: its total minus its children's, never negative (pruned trees can round). */
export function selfMs(n: FlameNode): number {
  let kids = 0;
  for (const c of n.children) kids += c.valueMs;
  return Math.max(0, n.valueMs - kids);
}

export function matchesQuery(n: FlameNode, query: string): boolean {
  if (!query) return false;
  const q = query.toLowerCase();
  return n.name.toLowerCase().includes(q) || (n.location ?? '').toLowerCase().includes(q);
}

/** Time under frames matching the query, counting nested matches once. */
export function matchedMs(root: FlameNode, query: string): number {
  if (!query) return 0;
  let total = 0;
  const stack: FlameNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (matchesQuery(n, query)) total += n.valueMs;
    else stack.push(...n.children);
  }
  return total;
}
