import { describe, expect, it } from 'vitest';
import { nPlusOne } from './n-plus-one.js';
import { TraceBuilder, analyzeAll, contextOf, sql } from './testing/builder.js';
import { fixOf, fixesOf } from './testing/fixes.js';

/** root [0,120]: one SELECT orders [0,10], then `n` item SELECTs of 10 ms back to back, then a 10 ms tail. */
function loop(n: number, opts: { parallel?: boolean; sameTable?: boolean; location?: string } = {}) {
  const b = new TraceBuilder();
  const end = opts.parallel ? 30 : 10 + n * 10 + 10;
  const root = b.root({ name: 'GET /orders', route: '/orders', start: 0, end });
  b.add(root, sql('SELECT * FROM orders WHERE user_id = 1', 0, 10));
  for (let i = 0; i < n; i++) {
    const start = opts.parallel ? 10 : 10 + i * 10;
    const table = opts.sameTable === false ? `items_${i}` : 'items';
    b.add(root, sql(`SELECT * FROM ${table} WHERE order_id = ${100 + i}`, start, start + 10, { attrs: opts.location ? { 'timesink.code_location': opts.location } : {} }));
  }
  return b.build();
}

describe('n-plus-one', () => {
  it('batches 10 same-template SELECTs; saving = 10 × 10 ms − (slowest + 9 × 5 % × median)', () => {
    const traces = analyzeAll([loop(10, { location: '/app/orders.ts:41:7' }), loop(10), loop(10)]);
    const ctx = contextOf(traces);
    const findings = nPlusOne.detect(ctx);
    expect(findings).toHaveLength(1);
    expect(findings[0].title).toBe('Batch the 10 "SELECT * FROM items WHERE order_id = ?" calls in /app/orders.ts:41');
    expect(findings[0].why).toContain('3 of 3 GET /orders requests');
    expect(findings[0].confidence).toBe('high');
    const fix = fixOf(ctx, 'n-plus-one')!;
    // per trace: 120 − (10 + 14.5 + 10) = 85.5 ms
    expect(fix.savingMs).toBeCloseTo(3 * 85.5, 6);
    expect(fix.savingFraction).toBeCloseTo(85.5 / 120, 6);
    expect(fix.evidence[0].spanIds).toHaveLength(10);
    expect(fix.advice.language).toBe('nodejs');
    expect(fix.advice.sketch).toContain('ANY($1)');
  });

  it('does not fire below 5 calls', () => {
    expect(nPlusOne.detect(contextOf(analyzeAll([loop(4)])))).toHaveLength(0);
  });

  it('does not group different statements', () => {
    expect(nPlusOne.detect(contextOf(analyzeAll([loop(10, { sameTable: false })])))).toHaveLength(0);
  });

  it('a parallel fan-out of the same call saves nothing by batching, so no fix is ranked', () => {
    const ctx = contextOf(analyzeAll([loop(10, { parallel: true })]));
    expect(nPlusOne.detect(ctx)).toHaveLength(1);
    expect(fixOf(ctx, 'n-plus-one')).toBeUndefined();
  });

  it('advises in the service language', () => {
    const b = new TraceBuilder({ language: 'python' });
    const root = b.root({ name: 'GET /orders', route: '/orders', start: 0, end: 60 });
    for (let i = 0; i < 5; i++) b.add(root, sql(`SELECT * FROM items WHERE id = ${i}`, i * 10, i * 10 + 10));
    const [f] = nPlusOne.detect(contextOf(analyzeAll([b.build()])));
    expect(f.advice.language).toBe('python');
    expect(f.advice.text).toMatch(/selectinload|IN-list/);
  });

  describe('the queries of one loop are one fix', () => {
    const TEMPLATES = ['SELECT * FROM authors WHERE id = ', 'SELECT * FROM tags WHERE article_id = ', 'SELECT * FROM favorites WHERE article_id = '];
    /**
     * root [0, 20 + 10·items·k]: a list query [0,10], then per item k different 10 ms SELECTs back to back
     * (interleaved: A1 B1 C1 A2 B2 C2 …), then a 10 ms tail. `sequential`: all of A, then all of B, … instead.
     */
    function articles(opts: { items?: number; k?: number; sequential?: boolean; route?: string; twoParents?: boolean } = {}) {
      const items = opts.items ?? 10;
      const k = opts.k ?? 3;
      const b = new TraceBuilder();
      const route = opts.route ?? '/articles';
      const root = b.root({ name: `GET ${route}`, route, start: 0, end: 20 + 10 * items * k });
      b.add(root, sql('SELECT * FROM articles LIMIT 10', 0, 10));
      const parents = opts.twoParents
        ? TEMPLATES.map((_, j) => b.add(root, { name: `load ${j}`, start: 10 + j * 10 * items, end: 10 + (j + 1) * 10 * items }))
        : undefined;
      for (let i = 0; i < items; i++) {
        for (let j = 0; j < k; j++) {
          const start = opts.sequential || parents ? 10 + (j * items + i) * 10 : 10 + (i * k + j) * 10;
          b.add(parents?.[j] ?? root, sql(`${TEMPLATES[j]}${100 + i}`, start, start + 10));
        }
      }
      return b.build();
    }

    it('3 different queries per item for 10 items: one fix, its saving the joint replay of the 3 batches', () => {
      const ctx = contextOf(analyzeAll([articles(), articles()]));
      const findings = nPlusOne.detect(ctx);
      expect(findings).toHaveLength(3);
      expect(new Set(findings.map((f) => f.changeGroup?.key)).size).toBe(1);
      const fixes = fixesOf(ctx);
      expect(fixes).toHaveLength(1);
      expect(fixes[0].title).toBe('Batch the loop making 3 different calls per item (30 calls per request)');
      expect(fixes[0].why).toContain('2 of 2 GET /articles requests run one loop that makes 3 different calls per item');
      // Per request: 320 ms → list 10 + three batches of (10 + 9 × 5 % × 10 = 14.5) + tail 10 = 63.5 ms.
      expect(fixes[0].savingMs).toBeCloseTo(2 * (320 - 63.5), 6);
      expect(fixes[0].details?.mergedFindings).toBe(3);
    });

    it('the Sequelize shape (6 queries per item): one fix worth more than any single batch', () => {
      const six = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `SELECT * FROM ${x} WHERE article_id = `);
      TEMPLATES.push(...six.slice(3));
      try {
        const ctx = contextOf(analyzeAll([articles({ k: 6 })]));
        const fixes = fixesOf(ctx);
        expect(fixes).toHaveLength(1);
        // 620 ms → 10 + 6 × 14.5 + 10 = 107 ms.
        expect(fixes[0].savingMs).toBeCloseTo(620 - 107, 6);
        expect(fixes[0].savingFraction).toBeGreaterThan(0.8);
      } finally {
        TEMPLATES.length = 3;
      }
    });

    it('two loops one after the other (all of A, then all of B) are two changes: no group', () => {
      const ctx = contextOf(analyzeAll([articles({ sequential: true })]));
      expect(nPlusOne.detect(ctx).every((f) => f.changeGroup === undefined)).toBe(true);
      expect(fixesOf(ctx)).toHaveLength(3);
    });

    it('the same templates under different parents do not merge', () => {
      const ctx = contextOf(analyzeAll([articles({ twoParents: true })]));
      expect(nPlusOne.detect(ctx).every((f) => f.changeGroup === undefined)).toBe(true);
    });

    it('one loop on each of two endpoints: one fix per endpoint, never one across them', () => {
      const ctx = contextOf(analyzeAll([articles({ route: '/a' }), articles({ route: '/b' })]));
      const fixes = fixesOf(ctx);
      expect(fixes.map((f) => f.endpoint).sort()).toEqual(['GET /a', 'GET /b']);
    });
  });
});
