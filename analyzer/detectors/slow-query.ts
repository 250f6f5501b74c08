import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, callTemplate, classOf, durationUs, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median } from './support/stats.js';
import { subtreeOnPathUs } from './support/path.js';

/**
 * slow-query: DB calls of at least absoluteMs, or at least peerFactor × the service's median DB call (and minMs), of a
 * statement whose median run is slow by the same test. Change: shorten the call to the service's median DB call —
 * what an indexed, well-planned query of this service typically costs.
 */
export const slowQuery: Detector<'slow-query'> = {
  id: 'slow-query',
  name: 'slow query',
  advice: {
    generic: {
      text: 'This query is far slower than its peers: look at its plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less.',
      sketch: 'EXPLAIN (ANALYZE, BUFFERS) {template};\n-- then e.g. CREATE INDEX CONCURRENTLY ON <table> (<filtered column>);',
    },
    // The fix is in the database whatever the language; the sketch shows how to see the plan from the app's own driver.
    byLanguage: {
      nodejs: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less (LIMIT, fewer columns); the pg driver can show the plan from the app.',
        sketch: "const { rows } = await pool.query('EXPLAIN (ANALYZE, BUFFERS) ' + sql, params);\nconsole.log(rows.map((r) => r['QUERY PLAN']).join('\\n'));",
      },
      python: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less; with SQLAlchemy, echo the statement and run EXPLAIN on it.',
        sketch: 'plan = await conn.fetch("EXPLAIN (ANALYZE, BUFFERS) " + sql, *params)\nprint("\\n".join(r[0] for r in plan))',
      },
      go: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less; pass a context deadline so a slow plan cannot hold the request forever.',
        sketch: 'rows, err := db.QueryContext(ctx, "EXPLAIN (ANALYZE, BUFFERS) "+query, args...)',
      },
      java: {
        text: 'Look at the plan (EXPLAIN ANALYZE) for sequential scans and add the missing index, or fetch less; with JPA, check the generated SQL (hibernate.show_sql) before tuning.',
        sketch: 'try (var st = conn.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) { /* bind params, print the plan */ }',
      },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const absoluteUs = setting(ctx, 'slow-query.absoluteMs') * 1000;
    const factor = setting(ctx, 'slow-query.peerFactor');
    const minUs = setting(ctx, 'slow-query.minMs') * 1000;
    const dbByService = new Map<string, Span[]>();
    // Every finished DB call in walk order, with its trace: the second loop below goes over these only.
    const dbSpans: Span[] = [];
    const dbAts: AnalyzedTrace[] = [];
    for (const at of ctx.traces)
      for (const s of at.trace.spans) {
        if (classOf(s) !== 'db' || s.unfinished) continue;
        dbSpans.push(s);
        dbAts.push(at);
        const list = dbByService.get(s.service);
        if (list) list.push(s);
        else dbByService.set(s.service, [s]);
      }
    const peerMedian = new Map<string, number>();
    for (const [svc, spans] of dbByService) peerMedian.set(svc, median(spans.map(durationUs)));

    const isSlow = (d: number, peer: number): boolean => d >= absoluteUs || (d >= factor * peer && d >= minUs);
    // A statement is slow when its typical run is: one slow run of a fast statement is contention or noise
    // (lock-contention, missing-timeout), not something EXPLAIN will explain.
    // service -> template -> median: nested, so the per-span lookup below builds no key string.
    const templateMedian = new Map<string, Map<string, number>>();
    for (const [svc, spans] of dbByService) {
      const byTemplate = new Map<string, number>();
      for (const [t, runs] of groupBy(spans, callTemplate)) byTemplate.set(t, median(runs.map(durationUs)));
      templateMedian.set(svc, byTemplate);
    }
    const occs: (Occurrence & { key: string; label: string; targetUs: number })[] = [];
    for (let i = 0; i < dbSpans.length; i++) {
      const at = dbAts[i];
      const span = dbSpans[i];
      const d = durationUs(span);
      const peer = peerMedian.get(span.service) ?? d;
      if (!isSlow(d, peer) || !isSlow(templateMedian.get(span.service)?.get(callTemplate(span)) ?? 0, peer)) continue;
      if (subtreeOnPathUs(at, span.spanId) <= 0) continue;
      occs.push({
        at,
        key: `${at.service}\u0000${callTemplate(span)}`,
        label: callLabel(span),
        targetUs: peer,
        changes: [{ type: 'shorten', spanId: span.spanId, byUs: d - peer }],
        evidence: { traceId: at.trace.traceId, parentSpanId: span.parentSpanId, spanIds: [span.spanId], location: locationOf([span], fallback) },
        spentUs: d,
        language: span.language,
      });
    }
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const med = median(group.map((o) => o.spentUs));
      findings.push(
        findingOf(slowQuery, group, {
          title: `Speed up the slow query "${first.label}"`,
          why: `"${first.label}" took ${fmtUs(med)} (median of ${group.length} slow runs in ${traceCount(group)} requests) where this service's typical query takes ${fmtUs(first.targetUs)}.`,
          // Whether an index fixes it is unknown until the plan is read; a consistently slow statement is likelier.
          confidence: group.length >= 3 && med >= absoluteUs ? 'medium' : 'low',
          details: { slowRuns: group.length, medianMs: med / 1000, peerMedianMs: first.targetUs / 1000 },
          vars: { template: first.label },
        }),
      );
    }
    return findings;
  },
};
