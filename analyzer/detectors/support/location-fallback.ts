import type { Span } from '../../model/span.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import { callTemplate, codeLocation, statementOf, urlOf } from './spans.js';

/**
 * The recorder samples code locations (the first spans per scope + name, then 1 in 64), so most spans carry none.
 * A span without one borrows the location of another span of the recording that is the same call: same service,
 * instrumentation scope, span name and statement/URL template. When one call shape was issued from several places,
 * the most frequent location wins (ties: the first seen), so the answer does not depend on which spans were sampled last.
 * Only calls with a statement or URL lend: a bare name ("pg-pool.connect", "fs readFile") is issued from anywhere in
 * the code, so another span's location would often be a different call site (startup code, another handler).
 */
export type LocationFallback = (s: Span) => string | undefined;

function callKey(s: Span): string | undefined {
  if (statementOf(s) === undefined && urlOf(s) === undefined) return undefined;
  return `${s.service}\u0000${s.scope ?? ''}\u0000${s.name}\u0000${callTemplate(s)}`;
}

// One index per set of traces (one analysis), built on first need: most analyses never ask for a fallback.
const indexes = new WeakMap<readonly AnalyzedTrace[], Map<string, string>>();

function buildIndex(traces: readonly AnalyzedTrace[]): Map<string, string> {
  const counts = new Map<string, Map<string, number>>();
  for (const at of traces) {
    for (const s of at.trace.spans) {
      const loc = codeLocation(s); // cheap attribute lookups first; the template only for the few located spans
      if (!loc) continue;
      const key = callKey(s);
      if (key === undefined) continue;
      let byLoc = counts.get(key);
      if (!byLoc) counts.set(key, (byLoc = new Map()));
      byLoc.set(loc, (byLoc.get(loc) ?? 0) + 1);
    }
  }
  const best = new Map<string, string>();
  for (const [key, byLoc] of counts) {
    let top: string | undefined;
    let topCount = 0;
    for (const [loc, n] of byLoc) if (n > topCount) [top, topCount] = [loc, n];
    if (top !== undefined) best.set(key, top);
  }
  return best;
}

/** The fallback for the spans of these traces. */
export function locationFallback(traces: readonly AnalyzedTrace[]): LocationFallback {
  return (s) => {
    let index = indexes.get(traces);
    if (!index) indexes.set(traces, (index = buildIndex(traces)));
    if (index.size === 0) return undefined;
    const key = callKey(s);
    return key === undefined ? undefined : index.get(key);
  };
}
