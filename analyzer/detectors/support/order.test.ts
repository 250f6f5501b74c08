import { describe, expect, it } from 'vitest';
import { stableOrder } from './order.js';
import { kthSmallest, percentile } from './stats.js';
import { seededRandom } from '../../../test/testing/seeded-random.mjs';

/** What the callers did before: a stable sort of the indices by key. */
function comparatorOrder(keys: Float64Array): number[] {
  return Array.from(keys.keys()).sort((a, b) => keys[a] - keys[b]);
}

describe('stableOrder', () => {
  it('orders like a stable sort, ties in index order: integer keys (packed native sort) and fractional ones', () => {
    const next = seededRandom(7);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(next() * 300);
      const fractional = round % 3 === 0;
      const base = 1_700_000_000_000_000; // epoch µs: large, as span starts are
      const keys = Float64Array.from({ length: n }, () => base + Math.floor(next() * (round % 2 ? 50 : 5e6)) + (fractional ? 0.25 : 0));
      expect(Array.from(stableOrder(keys))).toEqual(comparatorOrder(keys));
    }
  });

  it('falls back to the comparator when the key range times the count would not stay exact', () => {
    const keys = Float64Array.from([2 ** 52, 0, 2 ** 52, 1]);
    expect(Array.from(stableOrder(keys))).toEqual([1, 3, 0, 2]);
    expect(stableOrder(new Float64Array(0))).toHaveLength(0);
  });
});

describe('kthSmallest', () => {
  it('gives what sorting gives, with duplicates, sorted and reversed input, and NaN', () => {
    const next = seededRandom(11);
    for (let round = 0; round < 400; round++) {
      const n = 1 + Math.floor(next() * 200);
      const values = Float64Array.from({ length: n }, (_, i) =>
        round % 4 === 0 ? Math.floor(next() * 4) : round % 4 === 1 ? i : round % 4 === 2 ? n - i : next() * 1e6,
      );
      if (round % 37 === 0) values[Math.floor(next() * n)] = Number.NaN;
      const k = Math.floor(next() * n);
      const sorted = Float64Array.from(values).sort();
      expect(kthSmallest(Float64Array.from(values), k)).toBe(sorted[k]);
    }
  });

  it('backs the nearest-rank percentile', () => {
    expect(percentile([5, 1, 4, 2, 3], 50)).toBe(3);
    expect(percentile([5, 1, 4, 2, 3], 10)).toBe(1);
    expect(percentile([5, 1, 4, 2, 3], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
  });
});
