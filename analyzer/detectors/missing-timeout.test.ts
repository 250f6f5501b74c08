import { describe, expect, it } from 'vitest';
import { missingTimeout } from './missing-timeout.js';
import { TraceBuilder, analyzeAll, contextOf, http } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/** root = call + 10 ms. */
function call(i: number, ms: number, unfinished = false) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /quote', route: '/quote', start: 0, end: ms + 10 });
  b.add(root, { ...http('GET', `http://rates.example:8080/rates/${i}`, 0, ms, { attrs: { 'server.address': 'rates.example' } }), kind: 'client', unfinished });
  return b.build();
}

describe('missing-timeout', () => {
  it('p50 10 ms, p99 2 s: capping at 3×p50 + one retry (40 ms) saves 1960 ms on the slow call', () => {
    const traces = Array.from({ length: 19 }, (_, i) => call(i, 10));
    traces.push(call(99, 2000));
    const ctx = contextOf(analyzeAll(traces));
    const [f] = missingTimeout.detect(ctx);
    expect(f.title).toContain('rates.example');
    expect(f.details?.timeoutMs).toBe(30);
    expect(f.advice.sketch).toContain('AbortSignal.timeout(30)');
    expect(fixOf(ctx, 'missing-timeout')!.savingMs).toBeCloseTo(1960, 6);
  });

  it('a call that never finished is capped at minP99Ms when nothing finished to compare with', () => {
    const ctx = contextOf(analyzeAll([call(1, 5000, true)]));
    const [f] = missingTimeout.detect(ctx);
    expect(f.confidence).toBe('high');
    expect(fixOf(ctx, 'missing-timeout')!.savingMs).toBeCloseTo(4000, 6);
  });

  it('does not fire on a service with a light tail', () => {
    const traces = Array.from({ length: 20 }, (_, i) => call(i, 10 + (i % 5)));
    expect(missingTimeout.detect(contextOf(analyzeAll(traces)))).toHaveLength(0);
  });
});
