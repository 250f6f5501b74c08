import { describe, expect, it } from 'vitest';
import { slowQuery } from './slow-query.js';
import { TraceBuilder, analyzeAll, contextOf, sql } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/** 10 quick 2 ms lookups, then one query of `slowMs`, then a 20 ms tail. */
function trace(slowMs: number) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /search', route: '/search', start: 0, end: 20 + slowMs + 20 });
  for (let i = 0; i < 10; i++) b.add(root, sql(`SELECT * FROM tags WHERE id = ${i}`, i * 2, i * 2 + 2));
  b.add(root, sql("SELECT * FROM docs WHERE body LIKE '%x%'", 20, 20 + slowMs));
  return b.build();
}

describe('slow-query', () => {
  it('a 600 ms query among 2 ms peers: shortening it to the peer median saves 598 ms', () => {
    const ctx = contextOf(analyzeAll([trace(600)]));
    const [f] = slowQuery.detect(ctx);
    expect(f.title).toBe('Speed up the slow query "SELECT * FROM docs WHERE body LIKE ?"');
    expect(f.advice.sketch).toContain('EXPLAIN');
    expect(fixOf(ctx, 'slow-query')!.savingMs).toBeCloseTo(598, 6);
  });

  it('fires on a query 10× slower than its peers even under 500 ms', () => {
    expect(slowQuery.detect(contextOf(analyzeAll([trace(60)])))).toHaveLength(1);
  });

  it('one slow run of a statement that is usually fast is not a slow query', () => {
    const traces = Array.from({ length: 5 }, () => trace(3));
    traces.push(trace(600));
    // Same statement: 5 runs of 3 ms, 1 of 600 ms → its median is 3 ms.
    expect(slowQuery.detect(contextOf(analyzeAll(traces)))).toHaveLength(0);
  });

  it('does not fire when the query is in line with its peers', () => {
    expect(slowQuery.detect(contextOf(analyzeAll([trace(3)])))).toHaveLength(0);
  });
});
