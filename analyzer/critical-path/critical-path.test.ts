import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { criticalPath, type PathPiece } from './critical-path.js';
import { arbTraceSpans, mkSpan, mkTrace } from './testing/spans.js';
import type { Span } from '../model/span.js';

const flat = (p: PathPiece[]): [string, number, number][] => p.map((x) => [x.span.spanId, x.startUs, x.endUs]);

describe('criticalPath', () => {
  it('sequential children: each child, with the parent in the gaps', () => {
    const t = mkTrace([mkSpan('r', undefined, 0, 100), mkSpan('a', 'r', 10, 30), mkSpan('b', 'r', 40, 70)]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 10],
      ['a', 10, 30],
      ['r', 30, 40],
      ['b', 40, 70],
      ['r', 70, 100],
    ]);
  });

  it('parallel children: only the last to finish is waited for', () => {
    const t = mkTrace([mkSpan('r', undefined, 0, 100), mkSpan('a', 'r', 10, 80), mkSpan('b', 'r', 10, 50)]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 10],
      ['a', 10, 80],
      ['r', 80, 100],
    ]);
  });

  it('overlapping children: the earlier one was not awaited before the later one started, so it is off the path', () => {
    const t = mkTrace([mkSpan('r', undefined, 0, 100), mkSpan('a', 'r', 10, 60), mkSpan('b', 'r', 50, 90)]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 50],
      ['b', 50, 90],
      ['r', 90, 100],
    ]);
  });

  it('issue 16: overlapping db calls then an HTTP call — db 30, network 30, the rest the root own (not db 40)', () => {
    const t = mkTrace([
      mkSpan('r', undefined, 0, 100),
      mkSpan('db1', 'r', 10, 40, { kind: 'client' }),
      mkSpan('db2', 'r', 20, 50, { kind: 'client' }),
      mkSpan('http', 'r', 60, 90, { kind: 'client' }),
    ]);
    const p = criticalPath(t);
    expect(flat(p)).toEqual([
      ['r', 0, 20],
      ['db2', 20, 50],
      ['r', 50, 60],
      ['http', 60, 90],
      ['r', 90, 100],
    ]);
    const owned = (id: string): number => p.filter((x) => x.span.spanId === id).reduce((s, x) => s + x.endUs - x.startUs, 0);
    expect([owned('db1') + owned('db2'), owned('http'), owned('r')]).toEqual([30, 30, 40]);
  });

  it('a child ending exactly when the next one starts was awaited: both are on the path', () => {
    const t = mkTrace([mkSpan('r', undefined, 0, 100), mkSpan('a', 'r', 10, 50), mkSpan('b', 'r', 50, 90)]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 10],
      ['a', 10, 50],
      ['b', 50, 90],
      ['r', 90, 100],
    ]);
  });

  it('an overlapped child is skipped but an earlier one that ended in time is taken', () => {
    // a ends before c starts; b was still running when c started (and after a): the path is a, gap, c.
    const t = mkTrace([
      mkSpan('r', undefined, 0, 100),
      mkSpan('a', 'r', 5, 25),
      mkSpan('b', 'r', 30, 70),
      mkSpan('c', 'r', 60, 95),
    ]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 5],
      ['a', 5, 25],
      ['r', 25, 60],
      ['c', 60, 95],
      ['r', 95, 100],
    ]);
  });

  it('a child not awaited before a later sibling is off the path with its children', () => {
    const t = mkTrace([
      mkSpan('r', undefined, 0, 100),
      mkSpan('a', 'r', 10, 60),
      mkSpan('g', 'a', 40, 58),
      mkSpan('b', 'r', 50, 90),
    ]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 50],
      ['b', 50, 90],
      ['r', 90, 100],
    ]);
  });

  it('fire-and-forget: children that outlive the parent and FOLLOWS_FROM children are off the path', () => {
    const t = mkTrace([
      mkSpan('r', undefined, 0, 100),
      mkSpan('late', 'r', 10, 150),
      mkSpan('ff', 'r', 20, 60, { followsFrom: true }),
      mkSpan('x', 'r', 70, 80),
    ]);
    expect(flat(criticalPath(t))).toEqual([
      ['r', 0, 70],
      ['x', 70, 80],
      ['r', 80, 100],
    ]);
  });

  it('a child starting before its parent is clipped to the parent', () => {
    const t = mkTrace([mkSpan('r', undefined, 0, 100), mkSpan('a', 'r', -20, 30)]);
    expect(flat(criticalPath(t))).toEqual([
      ['a', 0, 30],
      ['r', 30, 100],
    ]);
  });

  it('a zero-length root has an empty path; zero-length children leave no piece', () => {
    expect(criticalPath(mkTrace([mkSpan('r', undefined, 5, 5)]))).toEqual([]);
    const t = mkTrace([mkSpan('r', undefined, 0, 10), mkSpan('z', 'r', 4, 4)]);
    expect(flat(criticalPath(t))).toEqual([['r', 0, 10]]);
  });

  it('float microseconds are rounded once, so pieces are integers', () => {
    const t = mkTrace([mkSpan('r', undefined, 0.4, 100.6), mkSpan('a', 'r', 10.5, 20.49)]);
    const p = criticalPath(t);
    for (const x of p) expect(Number.isInteger(x.startUs) && Number.isInteger(x.endUs)).toBe(true);
    expect(p[0].startUs).toBe(0);
    expect(p[p.length - 1].endUs).toBe(101);
  });

  it('a 200 000-deep chain does not overflow the stack', () => {
    const spans: Span[] = [mkSpan('s0', undefined, 0, 400_000)];
    for (let i = 1; i < 200_000; i++) spans.push(mkSpan(`s${i}`, `s${i - 1}`, i, 400_000 - i));
    const p = criticalPath(mkTrace(spans));
    expect(p.length).toBe(2 * 200_000 - 1);
  });
});

describe('criticalPath properties', () => {
  it('tiles [root.start, root.end) with ordered, non-overlapping pieces inside their spans', () => {
    fc.assert(
      fc.property(arbTraceSpans, (spans) => {
        const t = mkTrace(spans);
        const p = criticalPath(t);
        let at = t.root.startUs;
        for (const x of p) {
          expect(x.startUs).toBe(at);
          expect(x.endUs).toBeGreaterThan(x.startUs);
          expect(x.startUs).toBeGreaterThanOrEqual(x.span.startUs);
          expect(x.endUs).toBeLessThanOrEqual(x.span.endUs);
          at = x.endUs;
        }
        expect(at).toBe(t.root.endUs);
      }),
      { numRuns: 500 },
    );
  });

  it('causality: a child on the path is on it whole, and no sibling overlapping it (ending after its start) is', () => {
    fc.assert(
      fc.property(arbTraceSpans, (spans) => {
        const t = mkTrace(spans);
        const p = criticalPath(t);
        // Time each span covers on the path, itself or through its descendants.
        const covered = new Map<string, number>();
        for (const x of p) {
          for (let s: typeof x.span | undefined = x.span; s; s = s.parentSpanId ? t.byId.get(s.parentSpanId) : undefined) {
            covered.set(s.spanId, (covered.get(s.spanId) ?? 0) + x.endUs - x.startUs);
          }
        }
        for (const [id, usOnPath] of covered) {
          const s = t.byId.get(id)!;
          if (s === t.root) continue;
          const parent = t.byId.get(s.parentSpanId!)!;
          // Whole: from the start clipped to the parent's (itself clipped the same way, upwards) to the end.
          let start = s.startUs;
          for (let a: typeof s | undefined = parent; a; a = a.parentSpanId ? t.byId.get(a.parentSpanId) : undefined) start = Math.max(start, a.startUs);
          expect(usOnPath).toBe(s.endUs - start);
          // A sibling on the path too never overlaps it: the later one started after the earlier one ended.
          for (const sib of t.children.get(parent.spanId) ?? []) {
            if (sib === s || !covered.has(sib.spanId)) continue;
            expect(sib.endUs <= s.startUs || s.endUs <= sib.startUs).toBe(true);
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every owner is the root or reaches it through awaited (not fire-and-forget) links', () => {
    fc.assert(
      fc.property(arbTraceSpans, (spans) => {
        const t = mkTrace(spans);
        for (const x of criticalPath(t)) {
          let s = x.span;
          while (s !== t.root) {
            const parent = t.byId.get(s.parentSpanId!)!;
            expect(s.followsFrom ?? false).toBe(false);
            expect(s.endUs).toBeLessThanOrEqual(parent.endUs);
            s = parent;
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('criticalPath against an independent oracle', () => {
  /**
   * When siblings never overlap, the path is simply "the deepest awaited span containing the instant". Random
   * trees with that shape, checked instant by instant against that definition.
   */
  const arbSequentialTree = fc
    .array(fc.record({ parent: fc.nat(), gap: fc.integer({ min: 0, max: 20 }), tail: fc.integer({ min: 0, max: 20 }) }), { maxLength: 25 })
    .map((rows) => {
      // Shape first (parent index < own index), then times by a depth-first layout: children one after another.
      const kids: number[][] = [[]];
      rows.forEach((r, i) => {
        kids.push([]);
        kids[r.parent % (i + 1)].push(i + 1);
      });
      const spans: Span[] = [];
      const layout = (i: number, parent: string | undefined, start: number): number => {
        const span = mkSpan(`s${i}`, parent, start, start);
        spans.push(span);
        let t = start + (i > 0 ? rows[i - 1].gap : 3);
        for (const k of kids[i]) t = layout(k, span.spanId, t) + (rows[k - 1].gap % 3);
        span.endUs = t + (i > 0 ? rows[i - 1].tail : 5);
        return span.endUs;
      };
      layout(0, undefined, 0);
      return spans;
    });

  it('owner of every instant = deepest span containing it', () => {
    fc.assert(
      fc.property(arbSequentialTree, (spans) => {
        const t = mkTrace(spans);
        const owner = (x: number): string => {
          let s = t.root;
          for (;;) {
            const c = (t.children.get(s.spanId) ?? []).find((k) => k.startUs <= x && x < k.endUs);
            if (!c) return s.spanId;
            s = c;
          }
        };
        for (const p of criticalPath(t)) for (let x = p.startUs; x < p.endUs; x++) expect(p.span.spanId).toBe(owner(x));
      }),
      { numRuns: 300 },
    );
  });
});
