import type { Span } from '../../model/span.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import { callTemplate, durationUs } from './spans.js';
import { remoteCallsByServiceAndTemplate } from './occurrences.js';
import { stableOrder } from './order.js';
import { percentileOf } from './stats.js';

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
  const out: SerializedGroup[] = [];
  for (const { spans, ats } of remoteCallsByServiceAndTemplate(traces, (s) => !s.unfinished)) {
    const n = spans.length;
    if (n < minOverlapping) continue;
    // Times copied out once, in call order: the walk below visits calls by start, all over the heap otherwise.
    const durations = new Float64Array(n);
    const starts = new Float64Array(n);
    const endsOf = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = spans[i];
      durations[i] = durationUs(s);
      starts[i] = s.startUs;
      endsOf[i] = s.endUs;
    }
    const baseUs = percentileOf(durations, 10);
    if (!(baseUs > 0)) continue;
    // Calls by start (stable), then clusters of overlapping calls; only indices until the group qualifies.
    const order = stableOrder(starts);
    const overlapping: number[] = [];
    let gaps = 0;
    let spaced = 0;
    let from = 0; // the current cluster is order[from .. i)
    let clusterEnd = Number.NEGATIVE_INFINITY;
    const close = (to: number): void => {
      if (to - from >= 2) {
        const ends = new Float64Array(to - from);
        for (let k = from; k < to; k++) {
          overlapping.push(order[k]);
          ends[k - from] = endsOf[order[k]];
        }
        ends.sort();
        for (let k = 1; k < ends.length; k++) {
          gaps++;
          if (ends[k] - ends[k - 1] >= 0.8 * baseUs) spaced++;
        }
      }
      from = to;
      clusterEnd = Number.NEGATIVE_INFINITY;
    };
    for (let i = 0; i < n; i++) {
      const k = order[i];
      if (starts[k] >= clusterEnd) close(i);
      clusterEnd = Math.max(clusterEnd, endsOf[k]);
    }
    close(n);
    if (overlapping.length < minOverlapping || spaced < 0.9 * gaps) continue;
    const requests = new Set<string>();
    for (const k of overlapping) requests.add(ats[k].trace.traceId);
    if (requests.size < 3) continue;
    out.push({ service: spans[0].service, template: callTemplate(spans[0]), baseUs, calls: overlapping.map((k) => ({ at: ats[k], span: spans[k] })) });
  }
  return out;
}
