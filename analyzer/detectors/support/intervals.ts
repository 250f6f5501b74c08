import type { Span } from '../../model/span.js';

/** Wall-clock µs covered by the union of the spans' intervals. */
export function unionUs(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a.startUs - b.startUs);
  let total = 0;
  let curStart = Number.NEGATIVE_INFINITY;
  let curEnd = Number.NEGATIVE_INFINITY;
  for (const s of sorted) {
    if (s.startUs > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = s.startUs;
      curEnd = s.endUs;
    } else if (s.endUs > curEnd) curEnd = s.endUs;
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

/** Peak number of spans running at once, and the share of the union during which that peak held. */
export function concurrencyProfile(spans: readonly Span[]): { peak: number; pinnedShare: number } {
  const events: [number, number][] = [];
  for (const s of spans) {
    if (s.endUs <= s.startUs) continue;
    events.push([s.startUs, 1], [s.endUs, -1]);
  }
  // Ends before starts at the same instant: back-to-back is not overlap.
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let peak = 0;
  const timeAt = new Map<number, number>();
  for (let i = 0; i < events.length; i++) {
    const [time, d] = events[i];
    cur += d;
    const next = i + 1 < events.length ? events[i + 1][0] : time;
    if (next > time && cur > 0) timeAt.set(cur, (timeAt.get(cur) ?? 0) + (next - time));
    if (cur > peak) peak = cur;
  }
  let covered = 0;
  for (const v of timeAt.values()) covered += v;
  return { peak, pinnedShare: covered > 0 ? (timeAt.get(peak) ?? 0) / covered : 0 };
}

/** µs of overlap between [a, b) and [c, d). */
export function overlapUs(a: number, b: number, c: number, d: number): number {
  return Math.max(0, Math.min(b, d) - Math.max(a, c));
}

/** Sorted, disjoint intervals during which at least `level` of the spans run at once. */
export function intervalsAtLeast(spans: readonly Span[], level: number): [number, number][] {
  const events: [number, number][] = [];
  for (const s of spans) if (s.endUs > s.startUs) events.push([s.startUs, 1], [s.endUs, -1]);
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  let cur = 0;
  let openAt: number | undefined;
  for (const [time, d] of events) {
    cur += d;
    if (cur >= level && openAt === undefined) openAt = time;
    else if (cur < level && openAt !== undefined) {
      if (time > openAt) out.push([openAt, time]);
      openAt = undefined;
    }
  }
  return out;
}

/** µs of [a, b) covered by sorted disjoint intervals. */
export function coveredUs(intervals: readonly [number, number][], a: number, b: number): number {
  let total = 0;
  for (const [x, y] of intervals) {
    if (x >= b) break;
    total += overlapUs(a, b, x, y);
  }
  return total;
}
