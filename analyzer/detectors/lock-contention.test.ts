import { describe, expect, it } from 'vitest';
import { lockContention } from './lock-contention.js';
import { TraceBuilder, analyzeAll, contextOf, sql } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

function withStatement(stmtMs: number) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'POST /buy', route: '/buy', start: 0, end: 100 });
  b.add(root, sql('SELECT * FROM stock WHERE id = 7 FOR UPDATE', 10, 10 + stmtMs));
  return b.build();
}

describe('lock-contention', () => {
  it('removes a 30 ms mutex wait', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'POST /buy', route: '/buy', start: 0, end: 100 });
    b.add(root, { name: 'mutex lock inventory', cls: 'lock', start: 10, end: 40 });
    const ctx = contextOf(analyzeAll([b.build()]));
    expect(lockContention.detect(ctx)).toHaveLength(1);
    expect(fixOf(ctx, 'lock-contention')!.savingMs).toBeCloseTo(30, 6);
  });

  it('a row lock taking 45 ms where it once took 5 ms waited 40 ms for another holder', () => {
    const ctx = contextOf(analyzeAll([withStatement(5), withStatement(45)]));
    const [f] = lockContention.detect(ctx);
    expect(f.title).toContain('FOR UPDATE');
    expect(fixOf(ctx, 'lock-contention')!.savingMs).toBeCloseTo(40, 6);
  });

  it('does not fire when the locking statement always takes the same time (no contention)', () => {
    expect(lockContention.detect(contextOf(analyzeAll([withStatement(5), withStatement(5)])))).toHaveLength(0);
  });
});

describe('lock-contention: one resource serving concurrent requests one at a time', () => {
  /** Six requests issue the same UPDATE at once; the calls last `durations[i]`; each request ends 5 ms later. */
  function concurrent(durations: number[]) {
    return durations.map((d) => {
      const b = new TraceBuilder();
      const root = b.root({ name: 'POST /hit', route: '/hit', start: 0, end: d + 5 });
      b.add(root, sql("UPDATE counters SET n = n + 1 WHERE id = 'home'", 0, d));
      return b.build();
    });
  }

  it('calls that overlap but finish one service time apart were queued: saving = each call minus the 10 ms service time', () => {
    const ctx = contextOf(analyzeAll(concurrent([10, 20, 30, 40, 50, 60])));
    const [f] = lockContention.detect(ctx);
    expect(f.title).toBe('Concurrent requests are served one at a time by "UPDATE counters SET n = n + ? WHERE id = ?"');
    expect(f.confidence).toBe('low');
    expect(fixOf(ctx, 'lock-contention')!.savingMs).toBeCloseTo(0 + 10 + 20 + 30 + 40 + 50, 6);
  });

  it('calls served concurrently (finishing close together) are not a queue', () => {
    expect(lockContention.detect(contextOf(analyzeAll(concurrent([10, 11, 12, 13, 14, 15]))))).toHaveLength(0);
  });
});
