import { describe, expect, it } from 'vitest';
import { repeatedCall } from './repeated-call.js';
import { TraceBuilder, analyzeAll, contextOf, sql } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/** root [0,60], three calls [0,10] [20,30] [40,50]. */
function trace(statements: string[], attrs: Record<string, string>[] = []) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /home', route: '/home', start: 0, end: 60 });
  statements.forEach((s, i) => b.add(root, sql(s, i * 20, i * 20 + 10, { attrs: attrs[i] ?? {} })));
  return b.build();
}

describe('repeated-call', () => {
  it('removes the identical repeats of a read; saving = the two repeats', () => {
    const ctx = contextOf(analyzeAll([trace(Array(3).fill("SELECT * FROM settings WHERE tenant = 'acme'"))]));
    const [f] = repeatedCall.detect(ctx);
    expect(f.title).toContain('SELECT * FROM settings WHERE tenant = ?');
    expect(f.title).not.toContain('acme');
    expect(fixOf(ctx, 'repeated-call')!.savingMs).toBeCloseTo(20, 6);
  });

  it('does not fire when placeholders hide the values', () => {
    const ctx = contextOf(analyzeAll([trace(Array(3).fill('SELECT * FROM settings WHERE tenant = $1'))]));
    expect(repeatedCall.detect(ctx)).toHaveLength(0);
  });

  it('uses recorded parameters: different values are not repeats, equal ones are', () => {
    const stmt = Array(3).fill('SELECT * FROM settings WHERE tenant = $1');
    const differ = trace(stmt, [{ 'db.query.parameter.0': 'a' }, { 'db.query.parameter.0': 'b' }, { 'db.query.parameter.0': 'c' }]);
    expect(repeatedCall.detect(contextOf(analyzeAll([differ])))).toHaveLength(0);
    const same = trace(stmt, Array(3).fill({ 'db.query.parameter.0': 'a' }));
    expect(repeatedCall.detect(contextOf(analyzeAll([same])))).toHaveLength(1);
  });

  it('never treats writes as cacheable', () => {
    const ctx = contextOf(analyzeAll([trace(Array(3).fill("UPDATE counters SET n = n + 1 WHERE id = 'x'"))]));
    expect(repeatedCall.detect(ctx)).toHaveLength(0);
  });
});
