import { CATEGORIES, emptyBreakdown, fractionsOf, type Breakdown } from '../model/categories.js';
import type { ServiceSummary } from '../model/analysis.js';
import type { Language } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import { toMs } from './breakdown.js';

/**
 * Per service: the critical-path time owned by that service's spans (a segment belongs to the service of the
 * span that owns it), the traces it appears in and its span count. Most time first.
 */
export function summarizeServices(traces: readonly AnalyzedTrace[]): ServiceSummary[] {
  const acc = new Map<string, { language: Language; traces: number; spans: number; us: Breakdown; lastTrace: number }>();
  const entry = (service: string, language: Language) => {
    let e = acc.get(service);
    if (!e) acc.set(service, (e = { language, traces: 0, spans: 0, us: emptyBreakdown(), lastTrace: -1 }));
    if (e.language === 'unknown' && language !== 'unknown') e.language = language;
    return e;
  };
  let lastService: string | undefined;
  let last: ReturnType<typeof entry> | undefined;
  traces.forEach((t, ti) => {
    for (const s of t.trace.spans) {
      // Neighbouring spans mostly share a service: the map only sees changes.
      const e = s.service === lastService && last && (s.language === last.language || s.language === 'unknown') ? last : (last = entry((lastService = s.service), s.language));
      e.spans++;
      // Counted once per trace: the entry remembers the last trace it was counted in (no set per trace).
      if (e.lastTrace !== ti) {
        e.lastTrace = ti;
        e.traces++;
      }
    }
    for (const seg of t.path) {
      const span = t.trace.byId.get(seg.spanId);
      if (!span) continue;
      entry(span.service, span.language).us[seg.category] += seg.endUs - seg.startUs;
    }
  });
  const out: ServiceSummary[] = [];
  for (const [service, e] of acc) {
    const breakdown = toMs(e.us);
    out.push({ service, language: e.language, traces: e.traces, spans: e.spans, breakdown, fractions: fractionsOf(breakdown) });
  }
  const total = (s: ServiceSummary): number => CATEGORIES.reduce((x, c) => x + s.breakdown[c], 0);
  return out.sort((a, b) => total(b) - total(a) || a.service.localeCompare(b.service));
}
