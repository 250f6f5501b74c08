/**
 * The permutation that sorts `keys` ascending, ties in index order (what a stable sort of the items by key gives).
 * Large lists (every call of one template in a million-span recording) sort natively when the keys are integers
 * whose range times the count stays exact in a float64: key and index packed into one number, no comparator call
 * per comparison. Other keys (fractional µs from nanosecond timestamps) fall back to a comparator sort.
 */
export function stableOrder(keys: Float64Array): Uint32Array {
  const n = keys.length;
  const order = new Uint32Array(n);
  if (n === 0) return order;
  let min = keys[0];
  let max = keys[0];
  let integers = true;
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    if (k < min) min = k;
    if (k > max) max = k;
    if (!Number.isInteger(k)) integers = false;
  }
  if (integers && (max - min + 1) * n <= Number.MAX_SAFE_INTEGER) {
    const packed = new Float64Array(n);
    for (let i = 0; i < n; i++) packed[i] = (keys[i] - min) * n + i;
    packed.sort();
    for (let i = 0; i < n; i++) order[i] = packed[i] % n;
    return order;
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => keys[a] - keys[b] || a - b);
  for (let i = 0; i < n; i++) order[i] = idx[i];
  return order;
}
