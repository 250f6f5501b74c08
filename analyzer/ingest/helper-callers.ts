/**
 * Code locations past an app's own helpers. The recorder names the first app frame of each call and its next app
 * frames (ATTR.callers). Most apps wrap their queries and fetches in a helper (`db.query`, a repository, a timed
 * wrapper): the first frame is then the same helper line for every call, and "batch the N+1 in db.js:12" points at
 * the wrong place. A location reached from two or more distinct callers in the recording is such a helper: its
 * spans are pointed at their first caller that is not one.
 */
import { ATTR } from '../../format/recording.js';
import type { Span } from '../model/span.js';

/** The span's recorded app callers, innermost first. */
function callersOf(s: Span): string[] | undefined {
  const c = s.attributes[ATTR.callers];
  return typeof c === 'string' && c.length > 0 ? c.split('\n') : undefined;
}

/** Rewrites, in place, ATTR.location of spans (from index `from` on) whose location is a helper's. */
export function pointPastHelpers(spans: readonly Span[], from = 0): void {
  // Every recorded frame → the distinct frames that called it (each chain is call, caller, caller's caller).
  const callersOfFrame = new Map<string, Set<string>>();
  for (let i = from; i < spans.length; i++) {
    const s = spans[i]!;
    const loc = s.attributes[ATTR.location];
    const callers = typeof loc === 'string' ? callersOf(s) : undefined;
    if (callers === undefined) continue;
    let frame = loc as string;
    for (const caller of callers) {
      let set = callersOfFrame.get(frame);
      if (!set) callersOfFrame.set(frame, (set = new Set()));
      set.add(caller);
      frame = caller;
    }
  }
  const isHelper = (frame: string): boolean => (callersOfFrame.get(frame)?.size ?? 0) >= 2;
  for (let i = from; i < spans.length; i++) {
    const s = spans[i]!;
    const loc = s.attributes[ATTR.location];
    if (typeof loc !== 'string' || !isHelper(loc)) continue;
    const callers = callersOf(s)!;
    // Past nested helpers too (a repository calling a query wrapper), as far as the recorded frames reach.
    const caller = callers.find((c) => !isHelper(c)) ?? callers[callers.length - 1]!;
    s.attributes[ATTR.location] = caller;
  }
}
