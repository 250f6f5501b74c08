/**
 * Code locations past an app's own helpers. The recorder names the first app frame of each call and its next app
 * frames (ATTR.callers). Most apps wrap their queries and fetches in a helper (`db.query`, a repository, a timed
 * wrapper): the first frame is then the same helper line for every call, and "batch the N+1 in db.js:12" points at
 * the wrong place. A location reached from two or more distinct callers in the recording is such a helper: its
 * spans are pointed at their first caller that is not one.
 */
import { ATTR } from '../../format/recording.js';
import type { Span } from '../model/span.js';

/** The span's location and its recorded app callers, innermost first; undefined without callers. */
function chainOf(s: Span): string[] | undefined {
  const loc = s.attributes[ATTR.location];
  const callers = s.attributes[ATTR.callers];
  if (typeof loc !== 'string' || typeof callers !== 'string' || callers.length === 0) return undefined;
  return [loc, ...callers.split('\n')];
}

/** Rewrites, in place, ATTR.location of spans (from index `from` on) whose location is a helper's. */
export function pointPastHelpers(spans: readonly Span[], from = 0): void {
  // Every recorded frame → the distinct frames that called it (each chain is call, caller, caller's caller).
  const callersOfFrame = new Map<string, Set<string>>();
  const located: { span: Span; chain: string[] }[] = [];
  for (let i = from; i < spans.length; i++) {
    const chain = chainOf(spans[i]!);
    if (chain === undefined) continue;
    located.push({ span: spans[i]!, chain });
    for (let k = 0; k + 1 < chain.length; k++) {
      let set = callersOfFrame.get(chain[k]!);
      if (!set) callersOfFrame.set(chain[k]!, (set = new Set()));
      set.add(chain[k + 1]!);
    }
  }
  const isHelper = (frame: string): boolean => (callersOfFrame.get(frame)?.size ?? 0) >= 2;
  for (const { span, chain } of located) {
    if (!isHelper(chain[0]!)) continue;
    // Past nested helpers too (a repository calling a query wrapper), as far as the recorded frames reach.
    const callers = chain.slice(1);
    span.attributes[ATTR.location] = callers.find((c) => !isHelper(c)) ?? callers[callers.length - 1]!;
  }
}
