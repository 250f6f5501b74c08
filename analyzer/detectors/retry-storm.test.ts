import { describe, expect, it } from 'vitest';
import { retryStorm } from './retry-storm.js';
import { TraceBuilder, analyzeAll, contextOf, http } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/** Three 20 ms attempts separated by `gapMs`, root ends 8 ms after the last. */
function attempts(gapMs: number, lastOk = false) {
  const b = new TraceBuilder();
  const end = 3 * 20 + 2 * gapMs + 8;
  const root = b.root({ name: 'POST /pay', route: '/pay', start: 0, end });
  for (let i = 0; i < 3; i++) {
    const s = i * (20 + gapMs);
    const status = lastOk && i === 2 ? 'ok' : 'error';
    b.add(root, http('POST', 'http://payments.internal/charge', s, s + 20, { status }));
  }
  return b.build();
}

describe('retry-storm', () => {
  it('three immediate failing attempts: failing fast after the first saves the other two', () => {
    const ctx = contextOf(analyzeAll([attempts(1)]));
    const [f] = retryStorm.detect(ctx);
    expect(f.why).toContain('3 times with no backoff');
    // 70 ms → attempt [0,20], two removed attempts keep their 1 ms gaps, 8 ms tail: 30 ms
    expect(fixOf(ctx, 'retry-storm')!.savingMs).toBeCloseTo(40, 6);
  });

  it('retries with backoff are not a storm', () => {
    expect(retryStorm.detect(contextOf(analyzeAll([attempts(100)])))).toHaveLength(0);
  });

  it('a storm that finally succeeded is reported but promises no latency saving', () => {
    const ctx = contextOf(analyzeAll([attempts(1, true)]));
    expect(retryStorm.detect(ctx)).toHaveLength(1);
    expect(fixOf(ctx, 'retry-storm')).toBeUndefined();
  });
});
