import type { Span } from '../model/span.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, durationUs, exactCall, isIo, isRead, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median, sum } from './support/stats.js';

/**
 * repeated-call: the *identical* read (same statement with the same literal values or recorded parameters, or the
 * same URL) made more than once in one request. Statements with placeholders and no recorded parameters are
 * skipped: the values may differ. Change: remove every repeat after the first (memoized / cached).
 */
export const repeatedCall: Detector<'repeated-call'> = {
  id: 'repeated-call',
  name: 'repeated call',
  advice: {
    generic: { text: 'The identical call repeats within one request: keep the first result (memoize per request, or cache).' },
    byLanguage: {
      nodejs: {
        text: 'Memoize the call for the lifetime of the request (a Map keyed by the arguments, or DataLoader), or cache it with a TTL.',
        sketch: 'const memo = new Map<string, Promise<User>>();\nconst getUser = (id: string) => memo.get(id) ?? memo.set(id, loadUser(id)).get(id)!;',
      },
      python: {
        text: 'Cache the result per request (a dict on the request, functools.lru_cache for pure lookups, or a TTL cache).',
        sketch: '@functools.lru_cache(maxsize=1024)\ndef load_settings(tenant_id): ...',
      },
      go: { text: 'Keep the result for the request (a map in the request context) or use singleflight to share in-flight calls.', sketch: 'v, err, _ := group.Do(key, func() (any, error) { return load(ctx, key) })' },
      java: { text: 'Cache the lookup (@Cacheable, Caffeine) or keep it in a request-scoped bean.', sketch: '@Cacheable("settings")\npublic Settings load(String tenant) { ... }' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minRepeats = setting(ctx, 'repeated-call.minRepeats');
    const minTotalUs = setting(ctx, 'repeated-call.minTotalMs') * 1000;
    const occs: (Occurrence & { key: string; calls: number; label: string })[] = [];
    for (const at of ctx.traces) {
      const reads = at.trace.spans.filter((s) => !s.followsFrom && isIo(s) && isRead(s));
      // groupBy's first-seen order, with each span's exact call (an allocating string) computed once.
      const byCall = new Map<string, Span[]>();
      for (const s of reads) {
        const call = exactCall(s);
        if (call === undefined) continue;
        const list = byCall.get(call);
        if (list) list.push(s);
        else byCall.set(call, [s]);
      }
      for (const [call, same] of byCall) {
        if (same.length < minRepeats) continue;
        const sorted = [...same].sort((a, b) => a.startUs - b.startUs);
        const repeats: Span[] = sorted.slice(1);
        if (sum(repeats.map(durationUs)) < minTotalUs) continue;
        occs.push({
          at,
          // The exact call carries values: findings group by it, but only its template is ever shown.
          key: `${endpointKey(at.service, at.endpoint)}\u0000${call}`,
          calls: same.length,
          label: callLabel(sorted[0]),
          changes: [{ type: 'remove', spanIds: repeats.map((s) => s.spanId) }],
          evidence: {
            traceId: at.trace.traceId,
            parentSpanId: sorted[0].parentSpanId,
            spanIds: sorted.map((s) => s.spanId),
            location: locationOf(sorted, fallback),
          },
          spentUs: sum(repeats.map(durationUs)),
          language: sorted[0].language,
        });
      }
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const calls = Math.round(median(group.map((o) => o.calls)));
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      findings.push(
        findingOf(repeatedCall, group, {
          title: `Reuse the result of "${first.label}" instead of calling it ${calls}× per request`,
          why: `${traceCount(group)} of ${total} ${first.at.endpoint} requests make the identical call "${first.label}" ${calls} times, ${fmtUs(median(group.map((o) => o.spentUs)))} of it repeats (median).`,
          confidence: 'high',
          details: { calls, template: first.label },
        }),
      );
    }
    return findings;
  },
};
