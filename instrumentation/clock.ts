/**
 * One monotonic clock per process, mapped to epoch once: epochUs = performance.now()*1000 + offsetUs.
 * OpenTelemetry JS derives span start times from Date.now() (millisecond steps); this keeps microseconds.
 */
import { performance } from 'node:perf_hooks';
import type { ClockMapping } from '../format/recording.js';

const offsetUs = performance.timeOrigin * 1000;

/** Now, epoch microseconds (fractional). */
export function nowUs(): number {
  return performance.now() * 1000 + offsetUs;
}

/** Epoch µs of a performance.now() reading (ms). */
export function perfMsToEpochUs(perfMs: number): number {
  return perfMs * 1000 + offsetUs;
}

/**
 * V8's CPU profiler stamps samples with its monotonic clock (base::TimeTicks = CLOCK_MONOTONIC on Linux), the clock
 * process.hrtime() reads. Reading both clocks back to back bounds the mapping's error by the gap between reads;
 * the tightest of a few tries is kept.
 */
export function profileClockOffset(): { offsetUs: number; errorUs: number } {
  let best = { offsetUs: 0, errorUs: Number.POSITIVE_INFINITY };
  for (let i = 0; i < 5; i++) {
    const a = nowUs();
    const mono = Number(process.hrtime.bigint()) / 1000;
    const b = nowUs();
    const err = b - a;
    if (err < best.errorUs) best = { offsetUs: (a + b) / 2 - mono, errorUs: err };
  }
  return best;
}

export function clockMapping(): ClockMapping {
  const p = profileClockOffset();
  return { offsetUs, timeOriginMs: performance.timeOrigin, profileOffsetUs: Math.round(p.offsetUs), errorUs: Math.ceil(p.errorUs) + 1 };
}
