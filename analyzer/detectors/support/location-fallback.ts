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

/** service → scope → span name → call template → location: nested rather than one joined key, which would be a new
 * string per lookup (a lookup per span of every occurrence without a location of its own). */
type Index = Map<string, Map<string, Map<string, Map<string, string>>>>;

function isCall(s: Span): boolean {
  return statementOf(s) !== undefined || urlOf(s) !== undefined;
}

function level<V>(m: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let next = m.get(key);
  if (!next) m.set(key, (next = new Map()));
  return next;
}

// One index per set of traces (one analysis), built on first need: most analyses never ask for a fallback.
const indexes = new WeakMap<readonly AnalyzedTrace[], Index | null>();

function buildIndex(traces: readonly AnalyzedTrace[]): Index | null {
  const counts = new Map<string, Map<string, Map<string, Map<string, Map<string, number>>>>>();
  for (const at of traces) {
    for (const s of at.trace.spans) {
      const loc = codeLocation(s); // cheap attribute lookups first; the template only for the few located spans
      if (!loc || !isCall(s)) continue;
      const byLoc = level(level(level(level(counts, s.service), s.scope ?? ''), s.name), callTemplate(s));
      byLoc.set(loc, (byLoc.get(loc) ?? 0) + 1);
    }
  }
  const best: Index = new Map();
  let size = 0;
  for (const [service, byScope] of counts)
    for (const [scope, byName] of byScope)
      for (const [name, byTemplate] of byName)
        for (const [template, byLoc] of byTemplate) {
          let top: string | undefined;
          let topCount = 0;
          for (const [loc, n] of byLoc) if (n > topCount) [top, topCount] = [loc, n];
          if (top === undefined) continue;
          level(level(level(best, service), scope), name).set(template, top);
          size++;
        }
  return size > 0 ? best : null;
}

/** The fallback for the spans of these traces. */
export function locationFallback(traces: readonly AnalyzedTrace[]): LocationFallback {
  return (s) => {
    let index = indexes.get(traces);
    if (index === undefined) indexes.set(traces, (index = buildIndex(traces)));
    if (index === null || !isCall(s)) return undefined;
    return index.get(s.service)?.get(s.scope ?? '')?.get(s.name)?.get(callTemplate(s));
  };
}
