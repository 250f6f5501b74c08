import type { ChangeGroup, Detector, DetectorContext, Finding } from './types.js';
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
  advice: {
    generic: { text: 'The same call runs once per item: fetch all items in one call ({template}).' },
    byLanguage: {
      nodejs: {
        text: 'Replace the per-item query by one batched query (IN-list / ANY($1)), or a DataLoader that batches per tick; for Redis use MGET or a pipeline.',
        sketch: "const { rows } = await db.query('SELECT * FROM items WHERE id = ANY($1)', [ids]);\nconst byId = new Map(rows.map((r) => [r.id, r]));",
      },
      python: {
        text: 'Load the related rows in one query (IN-list, selectinload/prefetch_related in an ORM) or executemany for writes.',
        sketch: 'rows = await conn.fetch("SELECT * FROM items WHERE id = ANY($1)", ids)\n# Django: Order.objects.prefetch_related("items")\n# SQLAlchemy: select(Order).options(selectinload(Order.items))',
      },
      go: {
        text: 'Query all ids at once (sqlx.In / pgx ANY($1)) or pipeline the commands (go-redis Pipelined).',
        sketch: 'rows, err := db.Query(ctx, "SELECT * FROM items WHERE id = ANY($1)", ids)',
      },
      java: {
        text: 'Fetch the association in one query (JOIN FETCH, @BatchSize, IN-list) instead of lazily per entity.',
        sketch: '@Query("select o from Order o join fetch o.items where o.id in :ids")\nList<Order> findWithItems(@Param("ids") List<Long> ids);',
      },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minCalls = setting(ctx, 'n-plus-one.minCalls');
    const minTotalUs = setting(ctx, 'n-plus-one.minTotalMs') * 1000;
    const occs: LoopOccurrence[] = [];
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
          parentId,
          fromUs: Math.min(...group.map((k) => k.startUs)),
          toUs: Math.max(...group.map((k) => k.endUs)),
        });
      }
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    const byKey = groupBy(occs, (o) => o.key);
    const loops = loopsOf(occs);
    for (const group of byKey.values()) {
      const first = group[0];
      const calls = Math.round(median(group.map((o) => o.calls)));
      const share = median(group.map((o) => o.spentUs / Math.max(1, traceDurationUs(o.at))));
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      const where = first.evidence.location ? ` in ${first.evidence.location}` : '';
      findings.push(
        findingOf(nPlusOne, group, {
          title: `Batch the ${calls} "${first.label}" calls${where}`,
          why: `${traceCount(group)} of ${total} ${first.at.endpoint} requests make ${calls} "${first.label}" calls one per item (median), spending ${fmtPct(share)} of their time (${fmtUs(median(group.map((o) => o.spentUs)))}) in them.`,
          confidence: first.fromText ? (calls >= 10 ? 'high' : 'medium') : 'low',
          details: { calls, template: first.label },
          vars: { template: first.label },
        }),
      );
      const loop = loops.get(first.key);
      if (loop) findings[findings.length - 1].changeGroup = loopGroup(loop, byKey, counts);
    }
    return findings;
  },
};

type LoopOccurrence = Occurrence & {
  key: string;
  calls: number;
  label: string;
  fromText: boolean;
  parentId: string;
  /** First call's start, last call's end: the span of time the loop issued this template in. */
  fromUs: number;
  toUs: number;
};

/**
 * Templates issued by one loop: under the same parent span, their calls interleave (call i of one between calls
 * i and i+1 of the other), so the time ranges they were issued in overlap — by at least half of the shorter range
 * — in most (≥ half) of the requests where both occur. Two loops one after the other (all of A, then all of B)
 * overlap not at all and stay apart; so do loops under different parents or on different endpoints (the key holds
 * the endpoint). Returns template key → the sorted keys of its loop, for loops of two templates or more.
 */
export function loopsOf(occs: readonly LoopOccurrence[]): Map<string, string[]> {
  const both = new Map<string, number>();
  const interleaved = new Map<string, number>();
  for (const underOneParent of groupBy(occs, (o) => `${o.at.trace.traceId}\u0000${o.parentId}`).values()) {
    for (let i = 0; i < underOneParent.length; i++) {
      for (let j = i + 1; j < underOneParent.length; j++) {
        const [a, b] = [underOneParent[i], underOneParent[j]];
        if (a.key === b.key) continue;
        const pair = a.key < b.key ? `${a.key}\u0002${b.key}` : `${b.key}\u0002${a.key}`;
        both.set(pair, (both.get(pair) ?? 0) + 1);
        const overlap = Math.min(a.toUs, b.toUs) - Math.max(a.fromUs, b.fromUs);
        const shorter = Math.min(a.toUs - a.fromUs, b.toUs - b.fromUs);
        if (shorter > 0 && overlap >= 0.5 * shorter) interleaved.set(pair, (interleaved.get(pair) ?? 0) + 1);
      }
    }
  }
  // Union-find over template keys joined by a pair that interleaves in most of the requests holding both.
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  for (const [pair, n] of both) {
    if ((interleaved.get(pair) ?? 0) * 2 < n) continue;
    const [a, b] = pair.split('\u0002');
    const [ra, rb] = [find(a), find(b)];
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  }
  const members = new Map<string, string[]>();
  for (const key of parent.keys()) {
    const root = find(key);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(key);
  }
  const out = new Map<string, string[]>();
  for (const list of members.values()) {
    if (list.length < 2) continue;
    list.sort();
    for (const key of list) out.set(key, list);
  }
  return out;
}

/** The change group of one loop's templates: the same key and text for each of its findings. */
function loopGroup(loop: readonly string[], byKey: ReadonlyMap<string, LoopOccurrence[]>, counts: ReadonlyMap<string, number>): ChangeGroup {
  const groups = loop.map((k) => byKey.get(k)!);
  const first = groups[0][0];
  const parentName = first.at.trace.byId.get(first.parentId)?.name ?? '';
  const labels = groups.map((g) => `"${g[0].label}"`);
  // Per request (median over requests): the loop's calls of every template together.
  const perTrace = new Map<string, number>();
  for (const g of groups) for (const o of g) perTrace.set(o.at.trace.traceId, (perTrace.get(o.at.trace.traceId) ?? 0) + o.calls);
  const calls = Math.round(median([...perTrace.values()]));
  const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? perTrace.size;
  const location = groups.map((g) => g[0].evidence.location).find((l) => l !== undefined);
  const where = location ? ` in ${location}` : '';
  return {
    key: `n-plus-one loop\u0000${endpointKey(first.at.service, first.at.endpoint)}\u0000${parentName}\u0000${loop.join('\u0001')}`,
    title: `Batch the loop making ${loop.length} different calls per item (${calls} calls per request)${where}`,
    why: `${perTrace.size} of ${total} ${first.at.endpoint} requests run one loop that makes ${loop.length} different calls per item — ${labels.join(', ')} — ${calls} calls in all (median). One change to the loop (each related set loaded in one query for all the items, or one join) removes them together; the saving is theirs together.`,
  };
}

/** Slowest single call + a small per-item cost for each extra item: one round trip instead of N. */
export function batchEstimateUs(durations: readonly number[], perItemFraction: number): number {
  const max = Math.max(...durations);
  return max + (durations.length - 1) * perItemFraction * median(durations);
}
