import type { Span } from '../model/span.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, callTemplate, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median } from './support/stats.js';
import { siblingGroups } from './support/sibling-groups.js';

/**
 * retry-storm: >= minAttempts attempts of the same call under one parent, back to back (each starting less than
 * maxBackoffMs after the previous failed attempt ended), every attempt but possibly the last failed.
 * Change: when the burst ended in failure anyway, fail fast — remove every attempt after the first (a circuit
 * breaker's effect on this request). A burst that finally succeeded needed its retries: reported for the load it
 * puts on the failing dependency, with no latency saving, so ranking drops it.
 */
export const retryStorm: Detector<'retry-storm'> = {
  id: 'retry-storm',
  name: 'retry storm',
  advice: {
    generic: { text: 'Failed calls are retried at once, again and again: back off exponentially with jitter, cap the attempts, and fail fast (circuit breaker) while the dependency is down.' },
    byLanguage: {
      nodejs: { text: 'Retry with exponential backoff and jitter, at most a few times, and open a circuit (opossum) when the dependency keeps failing.', sketch: 'for (let attempt = 0; attempt < 3; attempt++) {\n  try { return await call(); } catch (e) { await sleep(100 * 2 ** attempt * Math.random()); }\n}\nthrow new Error("dependency down");' },
      python: { text: 'Use tenacity with wait_exponential_jitter and stop_after_attempt, or a circuit breaker (pybreaker).', sketch: '@retry(wait=wait_exponential_jitter(initial=0.1), stop=stop_after_attempt(3))\nasync def call(): ...' },
      go: { text: 'Retry with backoff (cenkalti/backoff) and a circuit breaker (sony/gobreaker).' },
      java: { text: 'Use Resilience4j Retry with exponential backoff and a CircuitBreaker.' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minAttempts = setting(ctx, 'retry-storm.minAttempts');
    const maxBackoffUs = setting(ctx, 'retry-storm.maxBackoffMs') * 1000;
    const occs: (Occurrence & { key: string; attempts: number; label: string; gaveUp: boolean })[] = [];
    for (const g of siblingGroups(ctx.traces)) {
      const at = g.at;
      if (g.kids.length < minAttempts) continue; // too few children for any burst: skip the grouping
      // A burst chains attempts after failed ones: with no failed child, every burst is one attempt long.
      if (minAttempts >= 2 && !g.anyError) continue;
      const parentId = g.parentId;
      for (const [template, same] of groupBy(g.awaitedIo, callTemplate)) {
        const sorted = [...same].sort((a, b) => a.startUs - b.startUs);
        for (const burst of bursts(sorted, maxBackoffUs)) {
          if (burst.length < minAttempts) continue;
          const gaveUp = burst[burst.length - 1].status === 'error';
          occs.push({
            at,
            key: `${at.service}\u0000${template}`,
            attempts: burst.length,
            label: callLabel(burst[0]),
            gaveUp,
            changes: gaveUp ? [{ type: 'remove', spanIds: burst.slice(1).map((s) => s.spanId) }] : [],
            evidence: { traceId: at.trace.traceId, parentSpanId: parentId, spanIds: burst.map((s) => s.spanId), location: locationOf(burst, fallback) },
            spentUs: burst[burst.length - 1].endUs - burst[0].startUs,
            language: burst[0].language,
          });
        }
      }
    }
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const attempts = Math.round(median(group.map((o) => o.attempts)));
      findings.push(
        findingOf(retryStorm, group, {
          title: `Back off between retries of "${first.label}"`,
          why: `${traceCount(group)} requests retry the failing call "${first.label}" ${attempts} times with no backoff (${fmtUs(median(group.map((o) => o.spentUs)))} median)${group.some((o) => o.gaveUp) ? ', and still fail' : ''}.`,
          confidence: 'medium',
          details: { attempts, bursts: group.length },
        }),
      );
    }
    return findings;
  },
};

/** Maximal runs where each attempt follows a failed one within the backoff threshold. */
function bursts(sorted: readonly Span[], maxBackoffUs: number): Span[][] {
  const out: Span[][] = [];
  let cur: Span[] = [];
  for (const s of sorted) {
    const prev = cur[cur.length - 1];
    if (prev && prev.status === 'error' && s.startUs >= prev.endUs && s.startUs - prev.endUs < maxBackoffUs) cur.push(s);
    else {
      if (cur.length > 0) out.push(cur);
      cur = [s];
    }
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
