import type { Change } from '../replay/change.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { codeLocation } from './support/spans.js';
import { bareFinding, findingOf, groupBy, type Occurrence } from './support/occurrences.js';
import { fmtUs, sum } from './support/stats.js';
import { plural } from '../../format/human.js';
import { gcIntervals, victimsOf } from './support/queued.js';
import { frameLocation, hotFrameIn } from './support/profile.js';
import { blockingRuns, shortestBlockingRunUs } from './support/blocking.js';
import { traceDurationUs } from './support/path.js';

/**
 * event-loop-blocking: synchronous runs of a request (its on-thread slices merged, support/runs.ts) and the queued
 * time they caused in *other* traces on the same thread. A group of runs (same endpoint and responsible span) is
 * reported when its longest run is >= minSliceMs, or when runs of >= minRunMs together queued others for
 * >= minCausedShare of the total critical path (many medium blocks under concurrency hurt like one long one).
 * Runs that make synchronous I/O calls are sync-io's. Change: unqueue that time in the victims (the work moved to a
 * worker thread still takes as long for its own request, but no longer holds up the others).
 */
export const eventLoopBlocking: Detector<'event-loop-blocking'> = {
  id: 'event-loop-blocking',
  name: 'event-loop blocking',
  advice: {
    generic: { text: 'Long synchronous work on the request thread delays every other request: move it off that thread.' },
    byLanguage: {
      nodejs: {
        text: 'Move the CPU-heavy work to a worker thread pool (piscina or worker_threads), or split it into chunks that yield with setImmediate.',
        sketch: "import Piscina from 'piscina';\nconst pool = new Piscina({ filename: new URL('./work.js', import.meta.url).href });\nconst result = await pool.run(input);",
      },
      python: {
        text: 'Run CPU-bound work in a process pool from async code (loop.run_in_executor with ProcessPoolExecutor); the GIL makes threads no help for pure-Python CPU work.',
        sketch: 'pool = concurrent.futures.ProcessPoolExecutor()\nresult = await asyncio.get_running_loop().run_in_executor(pool, render_report, data)',
      },
      go: { text: 'A goroutine doing long CPU work holds a P: bound it with a worker pool so request goroutines keep running.' },
      java: { text: 'Do not run long CPU work on the event-loop / request thread (Netty, Vert.x, WebFlux): hand it to a bounded worker executor.', sketch: 'Mono.fromCallable(() -> render(data)).subscribeOn(Schedulers.boundedElastic())' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const minSliceUs = setting(ctx, 'event-loop-blocking.minSliceMs') * 1000;
    const minRunUs = setting(ctx, 'event-loop-blocking.minRunMs') * 1000;
    const minCausedUs = setting(ctx, 'event-loop-blocking.minCausedShare') * sum(ctx.traces.map(traceDurationUs));
    const occs: (Occurrence & { key: string; name: string; runUs: number; hot?: string })[] = [];
    for (const b of blockingRuns(ctx.traces, minSliceUs, ctx.profile, shortestBlockingRunUs(ctx))) {
      if (b.owner !== 'event-loop-blocking') continue;
      const { at, run } = b;
      const len = run.endUs - run.startUs;
      if (len < minRunUs) continue;
      const span = run.spans[0].span;
      const v = victimsOf(ctx.traces, run.pid, run.startUs, run.endUs, at.trace.traceId, gcIntervals(ctx.runtime, run.pid));
      const hot = hotFrameIn(ctx.profile, run.pid, run.startUs, run.endUs);
      const hotLabel = hot ? `${hot.frame.name}${frameLocation(hot.frame) ? ` (${frameLocation(hot.frame)})` : ''}` : undefined;
      occs.push({
        at,
        key: `${at.service}\u0000${at.endpoint}\u0000${span.name}\u0000${codeLocation(span) ?? ''}`,
        name: span.name,
        runUs: len,
        hot: hotLabel,
        changes: [],
        changesIn: v.changes,
        evidence: {
          traceId: at.trace.traceId,
          parentSpanId: span.parentSpanId,
          spanIds: run.spans.map((s) => s.span.spanId),
          location: (hot ? frameLocation(hot.frame) : undefined) ?? codeLocation(span),
        },
        spentUs: v.totalUs,
        language: span.language,
      });
    }
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const queuedUs = sum(group.map((o) => o.spentUs));
      const longest = Math.max(...group.map((o) => o.runUs));
      if (longest < minSliceUs && queuedUs < minCausedUs) continue;
      const victimTraces = new Set<string>();
      for (const o of group) for (const id of o.changesIn?.keys() ?? []) victimTraces.add(id);
      const hot = group.find((o) => o.hot)?.hot;
      const where = first.name === first.at.endpoint ? first.at.endpoint : `${first.at.endpoint} (${first.name})`;
      findings.push(
        findingOf(eventLoopBlocking, group, {
          title: `Move the synchronous work in ${where} off the event loop${hot ? `: ${hot}` : ''}`,
          why: `${group.length} synchronous run(s) of up to ${fmtUs(longest)} in ${first.at.endpoint} held up ${plural(victimTraces.size, 'other request')} for ${fmtUs(queuedUs)} in total.`,
          confidence: hot ? 'high' : 'medium',
          // offLoopMs: the loop time the move frees (replay/loop-time-cut.ts), which the unqueue changes do not say.
          details: {
            runs: group.length,
            longestRunMs: longest / 1000,
            victimRequests: victimTraces.size,
            offLoopMs: sum(group.map((o) => o.runUs)) / 1000,
            ...(hot ? { hotFunction: hot } : {}),
          },
        }),
      );
    }
    findings.push(...untracedBlocking(ctx, minSliceUs, minRunUs, minCausedUs));
    return findings;
  },
};

/**
 * Long on-thread work with no active span (timers, startup, a library's own callbacks) blocks requests just the
 * same; it has no trace to point at, so the finding names the process and, with a timed profile, the stack.
 */
function untracedBlocking(ctx: DetectorContext, minSliceUs: number, minRunUs: number, minCausedUs: number): Finding[] {
  const findings: Finding[] = [];
  for (const [pid, slices] of ctx.runtime.untracedBusy) {
    const long = slices.filter((sl) => sl.endUs - sl.startUs >= minRunUs);
    if (long.length === 0) continue;
    const changes = new Map<string, Change[]>();
    const gc = gcIntervals(ctx.runtime, pid);
    let queuedUs = 0;
    let hot: string | undefined;
    let location: string | undefined;
    // Only runs that held a request up count: a long run no request waited behind (the module loading before the
    // server listened) is start-up, and must neither make the finding fire nor name its stack.
    let longest = 0;
    let blocking = 0;
    let offLoopUs = 0;
    for (const sl of long) {
      const v = victimsOf(ctx.traces, pid, sl.startUs, sl.endUs, undefined, gc);
      if (v.totalUs <= 0) continue;
      blocking++;
      offLoopUs += sl.endUs - sl.startUs;
      queuedUs += v.totalUs;
      longest = Math.max(longest, sl.endUs - sl.startUs);
      for (const [id, more] of v.changes) changes.set(id, [...(changes.get(id) ?? []), ...more]);
      const h = hotFrameIn(ctx.profile, pid, sl.startUs, sl.endUs);
      if (h && !hot) [hot, location] = [h.frame.name, frameLocation(h.frame)];
    }
    if (changes.size === 0) continue;
    if (longest < minSliceUs && queuedUs < minCausedUs) continue;
    const owner = ctx.traces.find((t) => t.trace.spans.some((s) => s.pid === pid));
    const finding = bareFinding(
      eventLoopBlocking,
      owner?.service ?? `pid ${pid}`,
      owner?.trace.root.language ?? 'unknown',
      {
        title: `Move the untraced synchronous work in process ${pid} off the event loop${hot ? `: ${hot}${location ? ` (${location})` : ''}` : ''}`,
        why: `${blocking} run(s) of up to ${fmtUs(longest)} of work outside any request held up ${plural(changes.size, 'request')} for ${fmtUs(queuedUs)} in total.`,
        confidence: hot ? 'high' : 'medium',
        details: {
          runs: blocking,
          longestRunMs: longest / 1000,
          victimRequests: changes.size,
          untraced: true,
          offLoopMs: offLoopUs / 1000,
          ...(hot ? { hotFunction: hot } : {}),
        },
      },
      [...changes.keys()].slice(0, 5).map((traceId) => ({ traceId, spanIds: changes.get(traceId)!.map((c) => ('spanId' in c ? c.spanId : '')), location })),
    );
    findings.push({ ...finding, changes });
  }
  return findings;
}
