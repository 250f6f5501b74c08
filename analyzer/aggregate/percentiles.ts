import type { Percentiles } from '../model/analysis.js';

/**
 * Nearest-rank percentile of an ascending-sorted array (the value at rank ceil(q·n)); 0 for no values.
 * Nearest-rank returns an observed value, so "p95 = 120 ms" is a request that really took 120 ms.
 */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.min(n, Math.max(1, Math.ceil(q * n)));
  return sorted[rank - 1];
}

/** p50/p95/p99 in ms of microsecond values (any order; the input is not modified). */
export function percentilesMs(valuesUs: readonly number[] | Float64Array): Percentiles {
  const sorted = Float64Array.from(valuesUs).sort();
  return {
    p50Ms: percentileSorted(sorted, 0.5) / 1000,
    p95Ms: percentileSorted(sorted, 0.95) / 1000,
    p99Ms: percentileSorted(sorted, 0.99) / 1000,
  };
}
