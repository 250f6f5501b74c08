import type { Change } from '../replay/change.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import type { Occurrence } from './support/occurrences.js';
import { bareFinding, findingOf } from './support/occurrences.js';
import { setting } from './support/config.js';
import { overlapUs } from './support/intervals.js';
import { fmtUs } from './support/stats.js';
import { fmtPct } from '../../format/human.js';

/**
 * gc-pressure: per process, GC pauses a large share (>= minShare) of on-thread time, or single pauses
 * >= longPauseMs. On-thread time is the recorded slices (spans and untraced work), else the runtime samples' CPU.
 * Change: `reduction` of the GC time on each critical path goes — shorten gc segments, unqueue
 * queued time that overlapped a pause — i.e. what allocating half as much would roughly give.
 */
export const gcPressure: Detector<'gc-pressure'> = {
  id: 'gc-pressure',
  name: 'GC pressure',
  informational: false,
  advice: {
    generic: { text: 'Garbage collection takes a large share of on-CPU time: allocate less on the hot path, and check the heap is sized for the live set.' },
    byLanguage: {
      nodejs: { text: 'Allocate less per request (reuse buffers, avoid building large intermediate arrays/strings, stream big JSON), and check --max-old-space-size fits the live heap.', sketch: 'node --max-old-space-size=2048 --trace-gc app.js  # confirm, then cut allocations in the hot functions' },
      python: { text: 'Create fewer short-lived objects on the hot path (generators, __slots__), and tune gc thresholds (gc.set_threshold) or freeze long-lived objects (gc.freeze).' },
      go: { text: 'Reduce allocations (sync.Pool, preallocated slices) and tune GOGC / GOMEMLIMIT.' },
      java: { text: 'Reduce allocation rate and size the heap / choose the collector (G1, ZGC) for the pause target.' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const minShare = setting(ctx, 'gc-pressure.minShare');
    const longPauseUs = setting(ctx, 'gc-pressure.longPauseMs') * 1000;
    const reduction = setting(ctx, 'gc-pressure.reduction');
    const pids = new Set(ctx.runtime.gc.map((g) => g.pid));
    const findings: Finding[] = [];
    for (const pid of pids) {
      const pauses = ctx.runtime.gc.filter((g) => g.pid === pid).sort((a, b) => a.startUs - b.startUs);
      const gcUs = pauses.reduce((s, g) => s + g.durationUs, 0);
      const longest = Math.max(...pauses.map((g) => g.durationUs));
      const cpuUs = onThreadUs(ctx, pid);
      const share = cpuUs > 0 ? gcUs / cpuUs : 0;
      if (share < minShare && longest < longPauseUs) continue;

      const occs: Occurrence[] = [];
      for (const at of ctx.traces) {
        const changes: Change[] = [];
        let onPathGc = 0;
        for (const seg of at.path) {
          const span = at.trace.byId.get(seg.spanId);
          if (span?.pid !== pid) continue;
          const len = seg.endUs - seg.startUs;
          if (seg.category === 'gc') {
            onPathGc += len;
            changes.push({ type: 'shorten', spanId: seg.spanId, byUs: reduction * len });
          } else if (seg.category === 'queued') {
            let o = 0;
            for (const g of pauses) {
              if (g.startUs >= seg.endUs) break;
              o += overlapUs(seg.startUs, seg.endUs, g.startUs, g.startUs + g.durationUs);
            }
            if (o > 0) {
              onPathGc += o;
              changes.push({ type: 'unqueue', spanId: seg.spanId, byUs: reduction * o });
            }
          }
        }
        if (changes.length === 0) continue;
        occs.push({ at, changes, evidence: { traceId: at.trace.traceId, spanIds: [...new Set(changes.map((c) => ('spanId' in c ? c.spanId : '')))] }, spentUs: onPathGc, language: at.trace.root.language });
      }
      const owner = ctx.traces.find((t) => t.trace.spans.some((s) => s.pid === pid));
      const service = owner?.service ?? `pid ${pid}`;
      const language = owner?.trace.root.language ?? 'unknown';
      const why = `In process ${pid} (${service}) GC paused the thread ${pauses.length} times for ${fmtUs(gcUs)}${cpuUs > 0 ? `, ${fmtPct(share)} of its on-thread time` : ''}; the longest pause took ${fmtUs(longest)}.`;
      const title = `Reduce garbage-collection pressure in ${service} (GC ${cpuUs > 0 ? `${fmtPct(share)} of CPU` : `pauses up to ${fmtUs(longest)}`})`;
      const details = { pid, pauses: pauses.length, gcMs: gcUs / 1000, longestPauseMs: longest / 1000, share: Math.round(share * 1000) / 1000 };
      if (occs.length > 0) findings.push(findingOf(gcPressure, occs, { title, why, confidence: share >= 2 * minShare ? 'medium' : 'low', details }));
      else findings.push(bareFinding(gcPressure, service, language, { title, why, confidence: 'low', details }));
    }
    return findings;
  },
};

function onThreadUs(ctx: DetectorContext, pid: number): number {
  let total = 0;
  for (const at of ctx.traces) for (const s of at.trace.spans) if (s.pid === pid) for (const sl of s.onThread ?? []) total += sl.endUs - sl.startUs;
  for (const sl of ctx.runtime.untracedBusy.get(pid) ?? []) total += sl.endUs - sl.startUs;
  if (total > 0) return total;
  for (const s of ctx.runtime.samples) if (s.pid === pid) total += s.cpuUserUs + s.cpuSystemUs;
  return total;
}
