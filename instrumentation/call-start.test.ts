import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { markCallStart, takeCallStart } from './call-start.js';

describe('call-start stamps', () => {
  it('hands the create hook\'s stamp to the next span of the same instrumentation, once', () => {
    markCallStart('fs');
    const now = performance.now();
    const at = takeCallStart('fs', now);
    expect(at).toBeDefined();
    expect(at!).toBeLessThanOrEqual(now);
    expect(takeCallStart('fs', now)).toBeUndefined();
  });

  it('gives nothing to a span of another instrumentation, and drops the stamp', () => {
    markCallStart('fs');
    expect(takeCallStart('pg', performance.now())).toBeUndefined();
    expect(takeCallStart('fs', performance.now())).toBeUndefined();
  });

  it('ignores a stamp no span took in time (an unrecorded span)', () => {
    markCallStart('fs');
    expect(takeCallStart('fs', performance.now() + 5)).toBeUndefined();
  });

  it('gives nothing when no hook marked a call', () => {
    expect(takeCallStart('fs', performance.now())).toBeUndefined();
  });
});
