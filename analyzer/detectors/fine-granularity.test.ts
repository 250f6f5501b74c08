import { describe, expect, it } from 'vitest';
import { fineGranularity } from './fine-granularity.js';
import { TraceBuilder, analyzeAll, contextOf, sql, type SpanSpec } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/** `n` operations of 1 ms back to back from 0, root [0,100]. */
function trace(n: number, op: (i: number) => SpanSpec) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /export', route: '/export', start: 0, end: 100 });
  for (let i = 0; i < n; i++) b.add(root, op(i));
  return b.build();
}
const fsRead = (i: number): SpanSpec => ({ name: 'fs read', cls: 'fs', start: i, end: i + 1 });

describe('fine-granularity', () => {
  it('40 reads of 1 ms: one read (1 + 39 × 5 % × 1 ms) saves 37.05 ms', () => {
    const ctx = contextOf(analyzeAll([trace(40, fsRead)]));
    const [f] = fineGranularity.detect(ctx);
    expect(f.title).toBe('Batch or stream the 40 tiny fs operations');
    expect(fixOf(ctx, 'fine-granularity')!.savingMs).toBeCloseTo(37.05, 6);
  });

  it('does not fire on a handful of operations', () => {
    expect(fineGranularity.detect(contextOf(analyzeAll([trace(10, fsRead)])))).toHaveLength(0);
  });

  it('leaves synchronous reads to sync-io', () => {
    const syncRead = (i: number): SpanSpec => ({ name: 'fs readFileSync', cls: 'fs', start: i, end: i + 1 });
    expect(fineGranularity.detect(contextOf(analyzeAll([trace(40, syncRead)])))).toHaveLength(0);
  });

  it('leaves same-statement DB loops to n-plus-one', () => {
    const loop = (i: number): SpanSpec => sql(`SELECT * FROM t WHERE id = ${i}`, i, i + 1);
    expect(fineGranularity.detect(contextOf(analyzeAll([trace(40, loop)])))).toHaveLength(0);
  });
});
