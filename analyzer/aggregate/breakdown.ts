import { CATEGORIES, emptyBreakdown, type Breakdown } from '../model/categories.js';
import type { AnalyzedTrace } from '../model/trace.js';
import { percentileSorted } from './percentiles.js';

/** Sum of the traces' breakdowns, converted from µs to ms once at the end (exact integer sums before). */
export function totalBreakdownMs(traces: readonly AnalyzedTrace[]): Breakdown {
  const sumUs = emptyBreakdown();
  for (const t of traces) for (const c of CATEGORIES) sumUs[c] += t.breakdownUs[c];
  return toMs(sumUs);
}

export function toMs(us: Breakdown, divideBy = 1): Breakdown {
  const out = emptyBreakdown();
  for (const c of CATEGORIES) out[c] = divideBy > 0 ? us[c] / 1000 / divideBy : 0;
  return out;
}

/** For each category, the p95 over traces of that category's per-request ms. */
export function p95BreakdownMs(traces: readonly AnalyzedTrace[]): Breakdown {
  const out = emptyBreakdown();
  const values = new Float64Array(traces.length);
  for (const c of CATEGORIES) {
    for (let i = 0; i < traces.length; i++) values[i] = traces[i].breakdownUs[c];
    values.sort();
    out[c] = percentileSorted(values, 0.95) / 1000;
  }
  return out;
}
