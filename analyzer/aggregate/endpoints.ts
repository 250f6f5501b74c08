import { fractionsOf } from '../model/categories.js';
import type { EndpointSummary } from '../model/analysis.js';
import type { AnalyzedTrace } from '../model/trace.js';
import { p95BreakdownMs, toMs } from './breakdown.js';
import { percentilesMs } from './percentiles.js';
import { CATEGORIES, emptyBreakdown } from '../model/categories.js';

/** Groups traces by (service, endpoint). The map key is stable and used to pick representative traces. */
export function groupByEndpoint(traces: readonly AnalyzedTrace[]): Map<string, AnalyzedTrace[]> {
  const groups = new Map<string, AnalyzedTrace[]>();
  for (const t of traces) {
    const key = `${t.service}\u0000${t.endpoint}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(t);
  }
  return groups;
}

export function rootDurationUs(t: AnalyzedTrace): number {
  return Math.round(t.trace.root.endUs) - Math.round(t.trace.root.startUs);
}

/** Per endpoint: counts, latency percentiles, and where the critical-path time went; most total time first. */
export function summarizeEndpoints(traces: readonly AnalyzedTrace[]): EndpointSummary[] {
  const out: EndpointSummary[] = [];
  for (const group of groupByEndpoint(traces).values()) {
    const first = group[0];
    // One visit per trace: durations, errors and per-category sums (same order of additions as a pass per category).
    const sums = new Float64Array(CATEGORIES.length);
    const durations = new Float64Array(group.length);
    let errors = 0;
    group.forEach((t, i) => {
      const b = t.breakdownUs;
      for (let k = 0; k < CATEGORIES.length; k++) sums[k] += b[CATEGORIES[k]];
      durations[i] = rootDurationUs(t);
      if (t.trace.root.status === 'error') errors++;
    });
    const sumUs = emptyBreakdown();
    CATEGORIES.forEach((c, k) => (sumUs[c] = sums[k]));
    const breakdown = toMs(sumUs); // totalBreakdownMs(group), from the same sums
    out.push({
      service: first.service,
      name: first.endpoint,
      language: first.trace.root.language,
      count: group.length,
      errors,
      ...percentilesMs(durations),
      breakdown,
      fractions: fractionsOf(breakdown),
      meanBreakdown: toMs(sumUs, group.length),
      p95Breakdown: p95BreakdownMs(group),
    });
  }
  const total = (e: EndpointSummary): number => {
    let s = 0;
    for (const c of CATEGORIES) s += e.breakdown[c];
    return s;
  };
  return out.sort((a, b) => total(b) - total(a) || a.name.localeCompare(b.name));
}
