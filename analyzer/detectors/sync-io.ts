import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { codeLocation } from './support/spans.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median, sum } from './support/stats.js';
import { plural } from '../../format/human.js';
import { gcIntervals, victimsOf } from './support/queued.js';
import { blockingRuns, shortestBlockingRunUs, syncCallOf } from './support/blocking.js';
import { UNNAMED_BLOCKING_CALL } from '../accounting/blocked.js';

export { syncCallOf } from './support/blocking.js';

type SyncOccurrence = Occurrence & { key: string; calls: string; count: number; queuedUs: number; locations: string[]; handler: string };

/** The location most of the block's located calls share (locations are sampled: many calls have none). */
function commonLocation(locations: readonly string[]): string | undefined {
  const n = new Map<string, number>();
  let best: string | undefined;
  for (const l of locations) {
    const c = (n.get(l) ?? 0) + 1;
    n.set(l, c);
    if (best === undefined || c > n.get(best)! || (c === n.get(best)! && l < best)) best = l;
  }
  return best;
}


/**
 * sync-io: synchronous fs / child_process / zlib / crypto calls on a request path. While the synchronous run that
 * makes them lasts, the thread serves nobody else. Found from spans named …Sync inside a request's synchronous run
 * or …Sync frames a timed profile sampled there (crypto.pbkdf2Sync has no span), or, with neither, from the blocked
 * time the recorder measured in the run's spans (Span.blockedUs: the thread waited, in a call it cannot name; the fix
 * then points at the span's code location, or its name); support/blocking.ts decides which runs are sync-io's.
 * Change: unqueue the queued time other requests spent inside the block of calls (first call's start to last one's
 * end): the async API does the I/O off-thread and lets the loop serve them meanwhile; the run's JavaScript before and
 * after the block still holds them.
 */
export const syncIo: Detector<'sync-io'> = {
  id: 'sync-io',
  name: 'synchronous I/O',
  advice: {
    generic: { text: 'A synchronous I/O call blocks the thread that serves requests: use the asynchronous API.' },
    byLanguage: {
      nodejs: {
        text: 'Replace {call} by its asynchronous twin (fs/promises, child_process.execFile with a promise, crypto.pbkdf2, zlib.gzip), or read the file once at startup.',
        sketch: "import { readFile } from 'node:fs/promises';\nconst template = await readFile(path, 'utf8'); // or load once at startup",
      },
      python: {
        text: 'In async code, blocking calls stall the event loop: use aiofiles / asyncio.create_subprocess_exec, or asyncio.to_thread for the blocking call.',
        sketch: 'data = await asyncio.to_thread(path.read_bytes)',
      },
      // Blocking I/O is normal in a goroutine or a servlet thread; it hurts where one thread serves many requests.
      go: {
        text: 'Blocking I/O only parks its goroutine, so this costs the request itself: read the file once at startup (embed, a cached value), or do the I/O concurrently with the request\'s other work.',
        sketch: '//go:embed templates/*\nvar templates embed.FS // read once, at build time, instead of per request',
      },
      java: {
        text: 'On an event-loop server (Netty, Vert.x, WebFlux) blocking I/O stalls every request on that loop: move it to a bounded worker executor; on a thread-per-request server, cache what is read per request.',
        sketch: 'Mono.fromCallable(() -> Files.readString(path)).subscribeOn(Schedulers.boundedElastic())',
      },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const minUs = setting(ctx, 'sync-io.minMs') * 1000;
    const occs: SyncOccurrence[] = [];
    for (const b of blockingRuns(ctx.traces, setting(ctx, 'event-loop-blocking.minSliceMs') * 1000, ctx.profile, shortestBlockingRunUs(ctx))) {
      if (b.owner !== 'sync-io') continue;
      const { at, run } = b;
      if (run.endUs - run.startUs < minUs) continue;
      const sampled = b.sampled;
      // The recorder's blocked time only where neither a span nor the profile names the calls.
      const recorded = b.syncSpans.length === 0 && sampled.length === 0 ? b.recorded : [];
      if (b.syncSpans.length === 0 && sampled.length === 0 && recorded.length === 0) continue;
      const names = [...new Set([...b.syncSpans.map((s) => syncCallOf(s)!), ...sampled.map((c) => c.call), ...recorded.map((r) => r.call)])].sort();
      const locations: string[] = [];
      for (const s of b.syncSpans) {
        const l = codeLocation(s);
        if (l !== undefined) locations.push(l);
      }
      if (locations.length === 0) for (const c of sampled) if (c.location) locations.push(c.location);
      if (locations.length === 0) for (const r of recorded) if (r.location) locations.push(r.location);
      const location = commonLocation(locations);
      const spans = b.syncSpans.length > 0 ? b.syncSpans : recorded.length > 0 ? recorded.map((r) => r.span) : run.spans.map((x) => x.span);
      // The handler making the block: the parent of its calls (its own span when the profile found them).
      const parentId = b.syncSpans.length > 0 ? b.syncSpans[0].parentSpanId : undefined;
      const handler = (parentId === undefined ? undefined : at.trace.spans.find((s) => s.spanId === parentId)?.name) ?? run.spans[0]?.span.name ?? '';
      // The block: from the first call's start to the last one's end, within the run. Asynchronous calls free the
      // thread during it; the JavaScript around it still runs synchronously and still holds the others.
      let blockStart = Infinity;
      let blockEnd = -Infinity;
      for (const c of [...b.syncSpans, ...sampled, ...recorded]) {
        blockStart = Math.min(blockStart, c.startUs);
        blockEnd = Math.max(blockEnd, c.endUs);
      }
      blockStart = Math.max(blockStart, run.startUs);
      blockEnd = Math.min(blockEnd, run.endUs);
      const v = victimsOf(ctx.traces, run.pid, blockStart, blockEnd, at.trace.traceId, gcIntervals(ctx.runtime, run.pid));
      occs.push({
        at,
        key: `${endpointKey(at.service, at.endpoint)}\u0000${handler}\u0000${names.join(',')}`,
        calls: names.join(', '),
        handler,
        count: b.syncSpans.length + sampled.length + recorded.length,
        locations,
        queuedUs: v.totalUs,
        changes: [],
        changesIn: v.changes,
        evidence: { traceId: at.trace.traceId, parentSpanId: spans[0].parentSpanId, spanIds: spans.map((s) => s.spanId), location },
        spentUs: Math.max(0, blockEnd - blockStart),
        language: spans[0].language,
      });
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      const victims = new Set<string>();
      for (const o of group) for (const id of o.changesIn?.keys() ?? []) victims.add(id);
      const location = commonLocation(group.flatMap((o) => o.locations));
      const unnamed = first.calls === UNNAMED_BLOCKING_CALL;
      // An unnamed call still needs a place to look: the span it blocked in when no location was sampled.
      const where = location ? ` in ${location}` : unnamed && first.handler ? ` in ${first.handler}` : '';
      const calls = Math.round(median(group.map((o) => o.count)));
      const delaying = `delaying ${plural(victims.size, 'other request')} (${fmtUs(sum(group.map((o) => o.queuedUs)))} in total)`;
      findings.push(
        findingOf(syncIo, group, {
          title: `Replace ${first.calls}${where} by ${first.calls.includes(',') ? 'their asynchronous versions' : 'its asynchronous version'}`,
          why: unnamed
            ? `${traceCount(group)} of ${total} ${first.at.endpoint} requests hold the thread blocked in a synchronous call (execSync, spawnSync, a *Sync fs call or Atomics.wait: the recorder measured the thread waiting, not computing) for ${fmtUs(median(group.map((o) => o.spentUs)))} (median), ${delaying}.`
            : `${traceCount(group)} of ${total} ${first.at.endpoint} requests make ${calls} synchronous ${first.calls} call(s) in a ${fmtUs(median(group.map((o) => o.spentUs)))} block (median) that holds the thread, ${delaying}.`,
          confidence: 'high',
          details: { calls: first.calls, callsPerRequest: calls, blocks: group.length },
          vars: { call: first.calls },
        }),
      );
    }
    return findings;
  },
};
