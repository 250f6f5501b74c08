import type { Span } from '../../model/span.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import { callTemplate, classOf, durationUs } from './spans.js';
import { groupByServiceAndTemplate } from './occurrences.js';
import { percentile } from './stats.js';

const SHARED = new Set(['db', 'cache', 'network', 'messaging']);

export interface SerializedGroup {
  service: string;
  template: string;
  /** Uncontended service time: the 10th percentile duration of the template. */
  baseUs: number;
  /** Calls that overlapped another call of the template (they waited for the resource). */
  calls: { at: AnalyzedTrace; span: Span }[];
}

/**
 * One shared resource serialising concurrent requests: calls of one template from different requests overlap in time
 * (they were issued concurrently), yet they *finish* one service time apart, as if served one at a time
 * (a single connection, a table lock, a one-statement-at-a-time database). The test, over the whole recording:
 * at least `minOverlapping` calls overlapped another call, from at least 3 requests, and >= 90 % of the gaps between
 * consecutive ends inside groups of overlapping calls are >= 0.8 × the uncontended service time (p10 duration).
 * A resource that serves calls concurrently finishes overlapping calls close together much more often.
 */
export function serializedGroups(traces: readonly AnalyzedTrace[], minOverlapping: number): SerializedGroup[] {
  const all: { at: AnalyzedTrace; span: Span }[] = [];
  for (const at of traces) for (const span of at.trace.spans) if (SHARED.has(classOf(span)) && !span.unfinished) all.push({ at, span });
  const out: SerializedGroup[] = [];
  for (const calls of groupByServiceAndTemplate(all)) {
    if (calls.length < minOverlapping) continue;
    const baseUs = percentile(calls.map((c) => durationUs(c.span)), 10);
    if (!(baseUs > 0)) continue;
    calls.sort((a, b) => a.span.startUs - b.span.startUs);
    const overlapping: typeof calls = [];
    let gaps = 0;
    let spaced = 0;
    let cluster: typeof calls = [];
    let clusterEnd = Number.NEGATIVE_INFINITY;
    const close = (): void => {
      if (cluster.length >= 2) {
        overlapping.push(...cluster);
        const ends = cluster.map((c) => c.span.endUs).sort((a, b) => a - b);
        for (let i = 1; i < ends.length; i++) {
          gaps++;
          if (ends[i] - ends[i - 1] >= 0.8 * baseUs) spaced++;
        }
      }
      cluster = [];
      clusterEnd = Number.NEGATIVE_INFINITY;
    };
    for (const c of calls) {
      if (c.span.startUs >= clusterEnd) close();
      cluster.push(c);
      clusterEnd = Math.max(clusterEnd, c.span.endUs);
    }
    close();
    const requests = new Set(overlapping.map((c) => c.at.trace.traceId)).size;
    if (overlapping.length < minOverlapping || requests < 3 || spaced < 0.9 * gaps) continue;
    out.push({ service: calls[0].span.service, template: callTemplate(calls[0].span), baseUs, calls: overlapping });
  }
  return out;
}
