import { describe, expect, it } from 'vitest';
import type { Attributes } from '../../model/span.js';
import { nPlusOne } from '../n-plus-one.js';
import { TraceBuilder, analyzeAll, contextOf, sql } from '../testing/builder.js';
import { locationFallback } from './location-fallback.js';
import { locationOf } from './spans.js';

/** A request making `n` item SELECTs one after another; `located` marks the first one with a code location. */
function loop(n: number, opts: { table?: string; located?: string; scope?: string; service?: string } = {}) {
  const b = new TraceBuilder({ service: opts.service });
  const root = b.root({ name: 'GET /orders', route: '/orders', start: 0, end: 10 + n * 10 });
  for (let i = 0; i < n; i++) {
    const attrs: Attributes = i === 0 && opts.located ? { 'timesink.code_location': opts.located } : {};
    b.add(root, sql(`SELECT * FROM ${opts.table ?? 'items'} WHERE order_id = ${100 + i}`, 5 + i * 10, 15 + i * 10, { attrs }));
  }
  for (const s of b.spans) s.scope = opts.scope ?? '@opentelemetry/instrumentation-pg';
  return b;
}

describe('location fallback', () => {
  it('an unlocated N+1 loop borrows the location of the same call elsewhere in the recording', () => {
    // Trace 1 (the loop, no sampled location) and trace 2 (one located call of the same statement template).
    const traces = analyzeAll([loop(10).build(), loop(1, { located: '/app/orders.ts:41:7' }).build()]);
    const [finding] = nPlusOne.detect(contextOf(traces));
    expect(finding.evidence[0].location).toBe('/app/orders.ts:41');
    expect(finding.title).toContain('in /app/orders.ts:41');
  });

  it('a different statement template does not lend its location', () => {
    const traces = analyzeAll([loop(10).build(), loop(1, { table: 'users', located: '/app/users.ts:9:3' }).build()]);
    const [finding] = nPlusOne.detect(contextOf(traces));
    expect(finding.evidence[0].location).toBeUndefined();
    expect(finding.title).not.toContain(' in ');
  });

  it('a different instrumentation scope or service does not lend its location', () => {
    const otherScope = loop(1, { scope: '@opentelemetry/instrumentation-knex', located: '/app/a.ts:1:1' }).build();
    const otherService = loop(1, { service: 'billing', located: '/app/b.ts:2:1' }).build();
    const target = loop(1).build();
    const traces = analyzeAll([target, otherScope, otherService]);
    const child = target.spans.find((s) => s.parentSpanId !== undefined)!;
    expect(locationOf([child], locationFallback(traces))).toBeUndefined();
  });

  it('the span’s own location wins; among lenders the most frequent location wins', () => {
    const a = loop(1, { located: '/app/rare.ts:1:1' }).build();
    const b = loop(1, { located: '/app/common.ts:2:1' }).build();
    const c = loop(1, { located: '/app/common.ts:2:1' }).build();
    const own = loop(1, { located: '/app/own.ts:3:1' }).build();
    const target = loop(1).build();
    const traces = analyzeAll([a, b, c, own, target]);
    const fallback = locationFallback(traces);
    const child = (t: typeof a) => t.spans.find((s) => s.parentSpanId !== undefined)!;
    expect(locationOf([child(target)], fallback)).toBe('/app/common.ts:2');
    expect(locationOf([child(own)], fallback)).toBe('/app/own.ts:3');
    expect(locationOf([child(target)])).toBeUndefined();
  });

  it('a call without statement or URL (a bare span name) neither lends nor borrows', () => {
    const connect = (located?: string) => {
      const b = new TraceBuilder();
      const root = b.root({ name: 'GET /orders', route: '/orders', start: 0, end: 10 });
      b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: 1, end: 5, attrs: located ? { 'timesink.code_location': located } : undefined });
      return b.build();
    };
    const target = connect();
    const traces = analyzeAll([connect('/app/seed.ts:5:1'), target]);
    const child = target.spans.find((s) => s.parentSpanId !== undefined)!;
    expect(locationOf([child], locationFallback(traces))).toBeUndefined();
  });
});
