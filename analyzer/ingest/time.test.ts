import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nanosToMicros } from './time.js';

/** The definition: the decimal string split into µs and the ns remainder, each converted by Number. */
function reference(v: string): number | undefined {
  if (v.length <= 15) {
    const n = Number(v);
    return Number.isFinite(n) ? n / 1000 : undefined;
  }
  const hi = Number(v.slice(0, -3));
  const lo = Number(v.slice(-3));
  return Number.isFinite(hi) && Number.isFinite(lo) ? hi + lo / 1000 : undefined;
}

describe('nanosToMicros', () => {
  it('keeps the µs of 19-digit epoch nanoseconds exact', () => {
    expect(nanosToMicros('1767225600000020123')).toBe(1767225600000020 + 0.123);
    expect(nanosToMicros('1767225600000020000')).toBe(1767225600000020);
  });

  it('equals the substring definition for any digit string up to 20 digits (beyond 2^53 µs too)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{16,20}$/), (v) => {
        expect(nanosToMicros(v)).toBe(reference(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('falls back for strings that are not plain digits', () => {
    for (const v of ['-1767225600000020000', '1.767225600000020e18', ' 1767225600000020000', '17672256000000200x0']) {
      expect(nanosToMicros(v)).toBe(reference(v));
    }
  });
});
