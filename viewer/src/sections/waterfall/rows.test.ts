import { describe, expect, it } from 'vitest';
import type { WaterfallSpan } from '../../../../analyzer/model/analysis.js';
import { countDescendants, treeOrder, withoutCollapsed } from './rows.js';

const span = (spanId: string, parentSpanId: string | undefined, startMs: number): WaterfallSpan => ({
  spanId,
  ...(parentSpanId ? { parentSpanId } : {}),
  name: spanId,
  service: 's',
  kind: 'internal',
  class: 'in_process',
  status: 'ok',
  startMs,
  durationMs: 1,
  attributes: {},
});

// root ─ a ─ a1
//      │   └ a2
//      └ b
const spans = [span('b', 'root', 5), span('a2', 'a', 3), span('root', undefined, 0), span('a1', 'a', 2), span('a', 'root', 1)];

describe('waterfall tree', () => {
  it('orders parents before children and siblings by start', () => {
    expect(treeOrder(spans).map((r) => `${r.span.spanId}:${r.depth}`)).toEqual(['root:0', 'a:1', 'a1:2', 'a2:2', 'b:1']);
  });

  it('treats spans with a missing or self parent as roots, and never loops', () => {
    const odd = [span('x', 'x', 0), span('y', 'missing', 1)];
    expect(treeOrder(odd).map((r) => r.span.spanId)).toEqual(['x', 'y']);
  });

  it('counts descendants and folds subtrees', () => {
    const rows = treeOrder(spans);
    expect(Object.fromEntries(countDescendants(rows))).toEqual({ root: 4, a: 2, a1: 0, a2: 0, b: 0 });
    expect(withoutCollapsed(rows, new Set(['a'])).map((r) => r.span.spanId)).toEqual(['root', 'a', 'b']);
    expect(withoutCollapsed(rows, new Set(['root', 'a'])).map((r) => r.span.spanId)).toEqual(['root']);
    expect(withoutCollapsed(rows, new Set())).toBe(rows);
  });
});
