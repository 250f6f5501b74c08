/**
 * Numbers for people, one way everywhere: the terminal summary, the markdown summary and the HTML report show the
 * same saving as the same text. Pure; the viewer bundles it.
 */

/** Milliseconds at a glance: 0.42 ms, 12.3 ms, 420 ms, 1.25 s, 12.5 s, 2 min 05 s. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 1) return `${sign}${a.toFixed(2)} ms`;
  if (a < 100) return `${sign}${a.toFixed(1)} ms`;
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(a / 60_000);
  const s = Math.round((a % 60_000) / 1000);
  return `${sign}${min} min ${String(s).padStart(2, '0')} s`;
}

/** A change in milliseconds, its direction always shown: +5.0 ms, −5.0 ms, ±0 ms. */
export function fmtSignedMs(ms: number): string {
  return ms > 0 ? `+${fmtMs(ms)}` : ms < 0 ? fmtMs(ms) : '±0 ms';
}

/** A share as a percentage; a positive share never reads as zero (<1 %, <0.1 %). */
export function fmtPct(fraction: number, digits = 0): string {
  if (!Number.isFinite(fraction)) return '–';
  const v = fraction * 100;
  const smallest = 10 ** -digits;
  if (v > 0 && v < smallest) return `<${smallest} %`;
  return `${v.toFixed(digits)} %`;
}

/** 1,234,567. */
export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** "1 request", "1,234 requests". */
export function plural(n: number, noun: string): string {
  return `${fmtCount(n)} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * What the terminal summary, the Markdown summary and the report say when ranking kept no fix: plainly that nothing
 * is worth changing, and the floors a fix must clear (the defaults of `rank.minSavingMsPerRequest` and
 * `rank.minEndpointShare`, docs/detectors.md; a test holds the numbers to them).
 */
export const NOTHING_WORTH_CHANGING =
  'Nothing worth changing: no change found would save at least 1 ms per request it affects and 1 % of the time of its endpoint’s requests.';

/**
 * What replaces NOTHING_WORTH_CHANGING when the loop is saturated: the service is not fine, its way out is capacity
 * (the saturation answer above it), not one code change.
 */
export const NO_SINGLE_CHANGE_SATURATED =
  'No single code change clears the floors (1 ms per request it affects, 1 % of its endpoint’s time): with the event loop saturated, the change is capacity — more processes, or less CPU per request where the capacity line says it goes.';

/** The sentence for an analysis with no fix. */
export function noFixSentence(saturated: boolean | undefined): string {
  return saturated ? NO_SINGLE_CHANGE_SATURATED : NOTHING_WORTH_CHANGING;
}
