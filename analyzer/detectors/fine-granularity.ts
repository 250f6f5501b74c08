import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callTemplate, classOf, durationUs, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { unionUs } from './support/intervals.js';
import { fmtUs, median } from './support/stats.js';
import { fmtPct } from '../../format/human.js';
import { batchEstimateUs } from './n-plus-one.js';
import { syncCallOf } from './support/blocking.js';
import { siblingGroups } from './support/sibling-groups.js';

/**
 * fine-granularity: >= minOps tiny I/O operations (each <= maxOpMs) under one parent that together take
 * >= minShare of the parent's time: the round trips, not the work, dominate. Same-template db/network/cache
 * groups big enough for n-plus-one are left to it. Change: batch them (same estimate as n-plus-one).
 */
export const fineGranularity: Detector<'fine-granularity'> = {
  id: 'fine-granularity',
  name: 'too fine-grained',
  advice: {
    generic: { text: 'Many tiny operations each pay a round trip: batch them, pipeline them, or stream in bigger chunks.' },
    byLanguage: {
      nodejs: { text: 'Read or write in larger chunks (a single readFile / createReadStream with a bigger highWaterMark), pipeline Redis commands, or batch the operations.', sketch: "const data = await readFile(path); // one read instead of many small ones\nconst replies = await redis.pipeline(keys.map((k) => ['get', k])).exec();" },
      python: { text: 'Batch the operations (executemany, pipeline, bulk API) or read in larger chunks.', sketch: 'cur.executemany("INSERT INTO t VALUES (%s, %s)", rows)' },
      go: { text: 'Use bufio, pipelines or bulk APIs so each round trip carries many items.' },
      java: { text: 'Use JDBC batch (addBatch/executeBatch), pipelining or buffered streams.' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minOps = setting(ctx, 'fine-granularity.minOps');
    const maxOpUs = setting(ctx, 'fine-granularity.maxOpMs') * 1000;
    const minShare = setting(ctx, 'fine-granularity.minShare');
    const nPlusOneMin = setting(ctx, 'n-plus-one.minCalls');
    const occs: (Occurrence & { key: string; ops: number; kinds: string })[] = [];
    for (const g of siblingGroups(ctx.traces)) {
      const at = g.at;
      if (g.kids.length < minOps) continue; // the tiny calls are some of the children: too few, nothing to find
      const parentId = g.parentId;
      const parent = at.trace.byId.get(parentId);
      if (!parent) continue;
      // Synchronous calls (readFileSync ×100) are sync-io's: their cost is the blocked thread, not round trips.
      const tiny = g.awaitedIo.filter((k) => durationUs(k) <= maxOpUs && syncCallOf(k) === undefined);
      if (tiny.length < minOps) continue;
      const claimed = [...groupBy(tiny, callTemplate).values()].some(
        (same) => same.length >= nPlusOneMin && classOf(same[0]) !== 'fs' && classOf(same[0]) !== 'messaging',
      );
      if (claimed) continue;
      const wall = unionUs(tiny);
      if (wall < minShare * durationUs(parent)) continue;
      occs.push({
        at,
        key: `${endpointKey(at.service, at.endpoint)}\u0000${parent.name}`,
        ops: tiny.length,
        kinds: [...new Set(tiny.map(classOf))].join('/'),
        changes: [{ type: 'batch', spanIds: tiny.map((s) => s.spanId), durationUs: batchEstimateUs(tiny.map(durationUs), setting(ctx, 'fine-granularity.perItemFraction')) }],
        evidence: { traceId: at.trace.traceId, parentSpanId: parentId, spanIds: tiny.map((s) => s.spanId), location: locationOf(tiny, fallback) },
        spentUs: wall,
        language: tiny[0].language,
      });
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const ops = Math.round(median(group.map((o) => o.ops)));
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      const share = median(group.map((o) => o.spentUs / Math.max(1, durationUs(o.at.trace.root))));
      findings.push(
        findingOf(fineGranularity, group, {
          title: `Batch or stream the ${ops} tiny ${first.kinds} operations`,
          why: `${traceCount(group)} of ${total} ${first.at.endpoint} requests make ${ops} tiny ${first.kinds} operations (median), ${fmtUs(median(group.map((o) => o.spentUs)))} or ${fmtPct(share)} of the request, mostly round trips.`,
          confidence: 'medium',
          details: { ops },
        }),
      );
    }
    return findings;
  },
};
