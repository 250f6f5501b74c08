import { fmtMs } from '../../../format/human.js';

/** Nearest-rank percentile of an unsorted list (p in 0..100). NaN for an empty list. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  // A typed-array copy: the rank is selected with plain numeric comparisons, no comparator calls, no full sort.
  return percentileOf(Float64Array.from(values), p);
}

/**
 * percentile() of values already in a typed array, which it reorders in place (no copy). One rank of a large list
 * (every call of one template) is selected in linear time rather than by sorting the whole list.
 */
export function percentileOf(values: Float64Array, p: number): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const rank = Math.min(n - 1, Math.max(0, Math.ceil((p / 100) * n) - 1));
  return kthSmallest(values, rank);
}

/**
 * The k-th smallest value (0-based), as values.sort()[k] would give: quickselect with a median-of-three pivot,
 * falling back to the sort when the list holds NaN (sorted last, unordered by <) or the partitioning degenerates.
 */
export function kthSmallest(values: Float64Array, k: number): number {
  const n = values.length;
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) return values.sort()[k];
  let lo = 0;
  let hi = n - 1;
  let budget = 4 * Math.ceil(Math.log2(n + 1)) + 8;
  while (hi > lo) {
    if (budget-- === 0) {
      values.subarray(lo, hi + 1).sort();
      return values[k];
    }
    const mid = (lo + hi) >>> 1;
    const a = values[lo];
    const b = values[mid];
    const c = values[hi];
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    // Three-way partition: [lo, lt) < pivot, [lt, gt] = pivot, (gt, hi] > pivot.
    let lt = lo;
    let gt = hi;
    let i = lo;
    while (i <= gt) {
      const v = values[i];
      if (v < pivot) {
        values[i++] = values[lt];
        values[lt++] = v;
      } else if (v > pivot) {
        values[i] = values[gt];
        values[gt--] = v;
      } else i++;
    }
    if (k < lt) hi = lt - 1;
    else if (k > gt) lo = gt + 1;
    else return pivot;
  }
  return values[k];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

export function sum(values: readonly number[]): number {
  let s = 0;
  for (const v of values) s += v;
  return s;
}

/**
 * A duration given in µs, in the report's one format (format/human.ts fmtMs: "43.0 ms", "1.70 s"), so a finding's
 * sentence and the report around it never write one time two ways.
 */
export function fmtUs(us: number): string {
  return fmtMs(us / 1000);
}
