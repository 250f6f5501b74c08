/** OTLP int64 nanosecond timestamps arrive as JSON numbers (already rounded by JSON.parse) or decimal strings. */
export function nanosToMicros(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v / 1000 : undefined;
  if (typeof v === 'string' && v.length > 0) {
    // Split the decimal string so the microsecond part stays exact (ns epoch values exceed 2^53).
    if (v.length <= 15) {
      const n = Number(v);
      return Number.isFinite(n) ? n / 1000 : undefined;
    }
    // The common case (plain digits, µs part below 2^53) without the two substrings: once per timestamp, twice per span.
    if (v.length <= 19) {
      const hiDigits = digitsValue(v, 0, v.length - 3);
      const loDigits = hiDigits < 0 ? -1 : digitsValue(v, v.length - 3, v.length);
      if (loDigits >= 0 && hiDigits <= Number.MAX_SAFE_INTEGER) return hiDigits + loDigits / 1000;
    }
    const hi = Number(v.slice(0, -3));
    const lo = Number(v.slice(-3));
    return Number.isFinite(hi) && Number.isFinite(lo) ? hi + lo / 1000 : undefined;
  }
  return undefined;
}

/** Jaeger/Zipkin microsecond fields: numbers, occasionally strings. */
export function micros(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.length > 0) {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** The decimal value of v[from, to) when it is all digits, else -1 (exact while the result is a safe integer). */
function digitsValue(v: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}
