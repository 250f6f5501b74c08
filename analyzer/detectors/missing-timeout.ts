import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, classOf, durationUs, hostOf, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { findingOf, groupByServiceAndTemplate, type Occurrence } from './support/occurrences.js';
import { fmtMs, percentile } from './support/stats.js';

/** Outbound calls a timeout protects: remote services, databases and caches, brokers. */
const OUTBOUND = new Set(['network', 'db', 'cache', 'messaging']);

/**
 * missing-timeout: outbound calls of one template whose tail is heavy (p99/p50 >= tailRatio and p99 >= minP99Ms,
 * over >= minCalls calls) or that never finished. Change: cap every call longer than the timeout
 * (timeoutFactor × p50) at timeout + p50: it times out and one retry succeeds in a typical time.
 * With no finished peers, an unfinished call is capped at minP99Ms.
 */
export const missingTimeout: Detector = {
  id: 'missing-timeout',
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const ratio = setting(ctx, 'missing-timeout.tailRatio');
    const minP99Us = setting(ctx, 'missing-timeout.minP99Ms') * 1000;
    const minCalls = setting(ctx, 'missing-timeout.minCalls');
    const factor = setting(ctx, 'missing-timeout.timeoutFactor');
    const calls: { at: AnalyzedTrace; span: Span }[] = [];
    for (const at of ctx.traces)
      for (const span of at.trace.spans) if (span.kind === 'client' && OUTBOUND.has(classOf(span))) calls.push({ at, span });
    const findings: Finding[] = [];
    for (const group of groupByServiceAndTemplate(calls)) {
      const finished = group.filter((c) => !c.span.unfinished).map((c) => durationUs(c.span));
      const unfinished = group.filter((c) => c.span.unfinished);
      const p50 = percentile(finished, 50);
      const p99 = percentile(finished, 99);
      const heavy = finished.length >= minCalls && p50 > 0 && p99 / p50 >= ratio && p99 >= minP99Us;
      if (!heavy && unfinished.length === 0) continue;
      const timeoutUs = finished.length > 0 ? factor * p50 : minP99Us;
      const cappedUs = finished.length > 0 ? timeoutUs + p50 : timeoutUs;
      const occs: Occurrence[] = [];
      for (const { at, span: s } of group) {
        if (!(s.unfinished || (heavy && durationUs(s) > cappedUs))) continue;
        occs.push({
          at,
          changes: [{ type: 'cap', spanId: s.spanId, maxUs: cappedUs }],
          evidence: { traceId: at.trace.traceId, parentSpanId: s.parentSpanId, spanIds: [s.spanId], location: locationOf([s], fallback) },
          spentUs: durationUs(s),
          language: s.language,
        });
      }
      if (occs.length === 0) continue;
      const first = group[0].span;
      const target = hostOf(first) ?? callLabel(first);
      const tail = heavy ? `p50 ${fmtMs(p50)} but p99 ${fmtMs(p99)}` : '';
      const never = unfinished.length > 0 ? `${unfinished.length} never finished` : '';
      findings.push(
        findingOf('missing-timeout', occs, {
          title: `Put a timeout on calls to ${target} ("${callLabel(first, 50)}")`,
          why: `Calls "${callLabel(first, 60)}" have ${[tail, never].filter(Boolean).join('; ')} (${group.length} calls): ${occs.length} slow or stuck calls hold their requests for ${fmtMs(occs.reduce((s, o) => s + o.spentUs, 0))}.`,
          confidence: unfinished.length > 0 ? 'high' : 'medium',
          details: { calls: group.length, unfinished: unfinished.length, timeoutMs: Math.round(timeoutUs / 1000), ...(heavy ? { p50Ms: p50 / 1000, p99Ms: p99 / 1000 } : {}) },
          vars: { target, timeoutMs: String(Math.round(timeoutUs / 1000)), timeoutS: (timeoutUs / 1e6).toFixed(1) },
        }),
      );
    }
    return findings;
  },
};
