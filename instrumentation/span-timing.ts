/** What timesink keeps per live span besides OpenTelemetry's own fields. Hung on the span object by a symbol. */
export interface SpanTiming {
  /** performance.now() at start, ms (the precise clock). */
  startPerfMs: number;
  /** Flat [offsetUs, durationUs, ...] pairs relative to startPerfMs, integers. */
  slices: number[];
  slicesDropped: number;
  /** Exact sum of on-thread time, µs (fractional until written). */
  onThreadUs: number;
  /**
   * Of that, the time the thread was blocked in a synchronous call rather than computing (wall − CPU over its long
   * slices, see on-thread.ts), µs.
   */
  blockedUs: number;
  ended: boolean;
  /** "file:line:col" of the app code that started the span, then its app callers, one per line, when sampled (see code-location.ts). */
  location?: string;
}

export const kTiming: unique symbol = Symbol.for('timesink.timing');

export interface TimedObject {
  [kTiming]?: SpanTiming;
}

export function newTiming(startPerfMs: number): SpanTiming {
  return { startPerfMs, slices: [], slicesDropped: 0, onThreadUs: 0, blockedUs: 0, ended: false };
}

/**
 * Adds the slice [fromMs, toMs) to a span. Slices closer than MERGE_GAP_US to the previous one are merged (a run of
 * microtasks reads as one slice); past maxSlices only the total grows and slicesDropped counts what was cut.
 */
const MERGE_GAP_US = 10;

export function addSlice(t: SpanTiming, fromMs: number, toMs: number, maxSlices: number): void {
  const durUs = (toMs - fromMs) * 1000;
  if (durUs <= 0) return;
  t.onThreadUs += durUs;
  const off = Math.max(0, Math.round((fromMs - t.startPerfMs) * 1000));
  const end = Math.max(off, Math.round((toMs - t.startPerfMs) * 1000));
  const n = t.slices.length;
  if (n >= 2) {
    const prevEnd = t.slices[n - 2]! + t.slices[n - 1]!;
    if (off - prevEnd <= MERGE_GAP_US) {
      t.slices[n - 1] = end - t.slices[n - 2]!;
      return;
    }
  }
  if (n / 2 >= maxSlices) {
    t.slicesDropped++;
    return;
  }
  t.slices.push(off, end - off);
}

export function formatSlices(slices: number[]): string {
  let s = '';
  for (let i = 0; i < slices.length; i += 2) s += `${i ? ',' : ''}${slices[i]}:${slices[i + 1]}`;
  return s;
}
