import type { Span } from '../../model/span.js';
import type { AnalyzedTrace } from '../../model/trace.js';

/**
 * One synchronous run of a request on its thread: the on-thread slices of all its spans (same pid), merged when
 * they touch. The recorder slices per span, so a handler calling readFileSync 100 times shows up as 200 tiny
 * slices; to every other request on the loop it is one block.
 */
export interface ThreadRun {
  pid: number;
  startUs: number;
  endUs: number;
  /** Spans whose own slices make up the run, with their on-thread µs in it, most first. */
  spans: { span: Span; us: number }[];
}

/** Slices this close count as one run: the loop cannot have served anyone else in between (thread-index uses 100 µs). */
export const RUN_GAP_TOLERANCE_US = 100;

export function threadRuns(at: AnalyzedTrace): ThreadRun[] {
  // Not cached: its one caller (support/blocking.ts) memoizes what it keeps, and a million spans' runs are big.
  const slices: { pid: number; startUs: number; endUs: number; span: Span }[] = [];
  for (const span of at.trace.spans) {
    if (span.pid === undefined || !span.onThread) continue;
    for (const sl of span.onThread) if (sl.endUs > sl.startUs) slices.push({ pid: span.pid, startUs: sl.startUs, endUs: sl.endUs, span });
  }
  slices.sort((a, b) => a.pid - b.pid || a.startUs - b.startUs);
  const runs: ThreadRun[] = [];
  let cur: ThreadRun | undefined;
  // Most runs hold one or two spans: a linear scan of the run's list beats a Map per run (millions of them).
  let index: Map<Span, { span: Span; us: number }> | undefined;
  for (const sl of slices) {
    if (!cur || cur.pid !== sl.pid || sl.startUs - cur.endUs > RUN_GAP_TOLERANCE_US) {
      cur = { pid: sl.pid, startUs: sl.startUs, endUs: sl.endUs, spans: [] };
      index = undefined;
      runs.push(cur);
    }
    cur.endUs = Math.max(cur.endUs, sl.endUs);
    const us = sl.endUs - sl.startUs;
    let entry = index ? index.get(sl.span) : cur.spans.find((e) => e.span === sl.span);
    if (!entry) {
      cur.spans.push((entry = { span: sl.span, us: 0 }));
      if (index) index.set(sl.span, entry);
      else if (cur.spans.length > 16) index = new Map(cur.spans.map((e) => [e.span, e]));
    }
    entry.us += us;
  }
  for (const r of runs) if (r.spans.length > 1) r.spans.sort((a, b) => b.us - a.us);
  return runs;
}
