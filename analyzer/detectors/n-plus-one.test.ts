import { describe, expect, it } from 'vitest';
import { nPlusOne } from './n-plus-one.js';
import { TraceBuilder, analyzeAll, contextOf, sql } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

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
});
