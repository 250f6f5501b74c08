import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, callTemplate, classOf, isIo, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { concurrencyProfile, unionUs } from './support/intervals.js';
import { fmtUs, median } from './support/stats.js';
import { subtreeOnPathUs } from './support/path.js';
import { siblingGroups } from './support/sibling-groups.js';

/**
 * concurrency-limit: >= minItems identical work items (same template, or same name for in-process work) under one
 * parent, running at a fixed low parallelism (peak 2..maxParallelism, held >= minPinnedShare of their time) while
 * the request waits. Parallelism 1 counts only for in-process items: sequential identical I/O is n-plus-one's.
 * Change: parallelize them all (an upper bound: the limit raised to the item count).
 */
export const concurrencyLimit: Detector<'concurrency-limit'> = {
  id: 'concurrency-limit',
  name: 'concurrency limit',
  advice: {
    generic: { text: 'Identical work items run only {parallelism} at a time while the request waits: raise the limit toward what the downstream can take.' },
    byLanguage: {
      nodejs: { text: 'Raise the concurrency limit (p-limit, p-map concurrency, async.mapLimit) toward what the downstream can take (10-100 for outbound HTTP).', sketch: "import pMap from 'p-map';\nconst results = await pMap(items, work, { concurrency: 16 });" },
      python: { text: 'Raise the semaphore / max_workers limit (asyncio.Semaphore, ThreadPoolExecutor max_workers) toward what the downstream can take.', sketch: 'sem = asyncio.Semaphore(16)\nasync def one(x):\n    async with sem:\n        return await work(x)\nresults = await asyncio.gather(*(one(x) for x in items))' },
      go: { text: 'Raise errgroup SetLimit / the worker count toward what the downstream can take.', sketch: 'g.SetLimit(16)' },
      java: { text: 'Enlarge the executor (or Semaphore permits) that runs these items.', sketch: 'var pool = Executors.newFixedThreadPool(16);' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minItems = setting(ctx, 'concurrency-limit.minItems');
    const maxPar = setting(ctx, 'concurrency-limit.maxParallelism');
    const minPinned = setting(ctx, 'concurrency-limit.minPinnedShare');
    const occs: (Occurrence & { key: string; items: number; parallelism: number; label: string })[] = [];
    for (const g of siblingGroups(ctx.traces)) {
      const at = g.at;
      if (g.kids.length < minItems) continue; // too few children for any group: skip the grouping
      const parentId = g.parentId;
      for (const [template, items] of groupBy(g.awaited, callTemplate)) {
        if (items.length < minItems) continue;
        // Work items are I/O calls or in-process work; pool checkouts, locks, timers are waits, not work.
        const io = isIo(items[0]);
        if (!io && classOf(items[0]) !== 'in_process') continue;
        const { peak, pinnedShare } = concurrencyProfile(items);
        if (peak > maxPar || peak < (io ? 2 : 1) || pinnedShare < minPinned) continue;
        const wallUs = unionUs(items);
        const onPath = items.reduce((s, it) => s + subtreeOnPathUs(at, it.spanId), 0);
        if (onPath < 0.5 * wallUs) continue;
        occs.push({
          at,
          key: `${endpointKey(at.service, at.endpoint)}\u0000${template}`,
          items: items.length,
          parallelism: peak,
          label: callLabel(items[0]),
          changes: [{ type: 'parallelize', spanIds: items.map((s) => s.spanId) }],
          evidence: { traceId: at.trace.traceId, parentSpanId: parentId, spanIds: items.map((s) => s.spanId), location: locationOf(items, fallback) },
          spentUs: wallUs,
          language: items[0].language,
        });
      }
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const items = Math.round(median(group.map((o) => o.items)));
      const par = Math.round(median(group.map((o) => o.parallelism)));
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      findings.push(
        findingOf(concurrencyLimit, group, {
          title: `Raise the concurrency of the ${items} "${first.label}" items (${par} at a time)`,
          why: `${traceCount(group)} of ${total} ${first.at.endpoint} requests process ${items} "${first.label}" items only ${par} at a time, waiting ${fmtUs(median(group.map((o) => o.spentUs)))} (median) for them.`,
          confidence: 'low',
          details: { items, parallelism: par },
          vars: { parallelism: String(par) },
        }),
      );
    }
    return findings;
  },
};

