import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, callTemplate, classOf, durationUs, locationOf, statementOf, urlOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median, sum } from './support/stats.js';
import { fmtPct } from '../../format/human.js';
import { traceDurationUs } from './support/path.js';
import { unionUs } from './support/intervals.js';
import { siblingGroups } from './support/sibling-groups.js';

/** Calls that one batched call (IN-list, MGET, pipeline, bulk endpoint) can replace. */
const BATCHABLE = new Set(['db', 'network', 'cache']);

/**
 * n-plus-one: >= minCalls calls with the same statement/URL template (literals stripped) under one parent.
 * Change: batch them into one call lasting the slowest single call plus perItemFraction × the median call per
 * extra item (the round trips go, the per-row work stays).
 */
export const nPlusOne: Detector<'n-plus-one'> = {
  id: 'n-plus-one',
  name: 'N+1 queries',
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minCalls = setting(ctx, 'n-plus-one.minCalls');
    const minTotalUs = setting(ctx, 'n-plus-one.minTotalMs') * 1000;
    const occs: (Occurrence & { key: string; calls: number; label: string; fromText: boolean })[] = [];
    for (const g of siblingGroups(ctx.traces)) {
      const at = g.at;
      if (g.kids.length < minCalls) continue; // most parents: no loop possible, skip the grouping
      const parentId = g.parentId;
      // Batchable classes are all I/O: the awaited I/O list (shared with the other sibling detectors) holds them.
      let batchable = 0;
      for (const k of g.awaitedIo) if (BATCHABLE.has(classOf(k))) batchable++;
      if (batchable < minCalls) continue; // a loop is minCalls batchable calls of one template
      const candidates = g.awaitedIo.filter((k) => BATCHABLE.has(classOf(k)));
      for (const [template, group] of groupBy(candidates, callTemplate)) {
        if (group.length < minCalls) continue;
        const durations = group.map(durationUs);
        if (sum(durations) < minTotalUs) continue;
        occs.push({
          at,
          key: `${endpointKey(at.service, at.endpoint)}\u0000${template}`,
          calls: group.length,
          label: callLabel(group[0]),
          fromText: group.every((s) => statementOf(s) !== undefined || urlOf(s) !== undefined),
          changes: [{ type: 'batch', spanIds: group.map((s) => s.spanId), durationUs: batchEstimateUs(durations, setting(ctx, 'n-plus-one.perItemFraction')) }],
          evidence: { traceId: at.trace.traceId, parentSpanId: parentId, spanIds: group.map((s) => s.spanId), location: locationOf(group, fallback) },
          spentUs: unionUs(group),
          language: group[0].language,
        });
      }
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const calls = Math.round(median(group.map((o) => o.calls)));
      const share = median(group.map((o) => o.spentUs / Math.max(1, traceDurationUs(o.at))));
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      const where = first.evidence.location ? ` in ${first.evidence.location}` : '';
      findings.push(
        findingOf('n-plus-one', group, {
          title: `Batch the ${calls} "${first.label}" calls${where}`,
          why: `${traceCount(group)} of ${total} ${first.at.endpoint} requests make ${calls} "${first.label}" calls one per item (median), spending ${fmtPct(share)} of their time (${fmtUs(median(group.map((o) => o.spentUs)))}) in them.`,
          confidence: first.fromText ? (calls >= 10 ? 'high' : 'medium') : 'low',
          details: { calls, template: first.label },
          vars: { template: first.label },
        }),
      );
    }
    return findings;
  },
};

/** Slowest single call + a small per-item cost for each extra item: one round trip instead of N. */
export function batchEstimateUs(durations: readonly number[], perItemFraction: number): number {
  const max = Math.max(...durations);
  return max + (durations.length - 1) * perItemFraction * median(durations);
}
