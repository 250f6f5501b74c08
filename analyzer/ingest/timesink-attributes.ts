import { ATTR } from '../../format/recording.js';
import type { AttrValue, Slice, Span } from '../model/span.js';

/** The timesink.* attributes that become Span fields, collected while reading a span's attributes. */
export interface TimesinkFields {
  startUs?: number;
  durationUs?: number;
  slices?: string;
  unfinished?: boolean;
  blockedUs?: number;
}

/**
 * If `key` is one of the recorder's attributes that map onto Span fields (format/recording.ts ATTR),
 * store it in `into` and return true: the caller then leaves it out of the span's attributes.
 * timesink.on_thread_us and timesink.code_location stay ordinary attributes.
 */
export function takeTimesinkField(key: string, value: AttrValue, into: TimesinkFields): boolean {
  switch (key) {
    case ATTR.startUs:
      into.startUs = Number(value);
      return true;
    case ATTR.durationUs:
      into.durationUs = Number(value);
      return true;
    case ATTR.slices:
      if (typeof value !== 'string') return false;
      into.slices = value;
      return true;
    case ATTR.unfinished:
      into.unfinished = value === true || value === 'true';
      return true;
    case ATTR.blockedUs: {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) return false;
      into.blockedUs = n;
      return true;
    }
    default:
      return false;
  }
}

/**
 * Apply what the recorder measured: the precise start and duration override the millisecond-rounded OTLP
 * times, slices become Span.onThread, the unfinished flag becomes Span.unfinished, the blocked time Span.blockedUs.
 */
export function applyTimesinkFields(span: Span, f: TimesinkFields): void {
  if (f.unfinished) span.unfinished = true;
  if (f.blockedUs !== undefined) span.blockedUs = f.blockedUs;
  if (f.startUs === undefined || !Number.isFinite(f.startUs)) return;
  span.startUs = f.startUs;
  if (f.durationUs !== undefined && Number.isFinite(f.durationUs)) span.endUs = f.startUs + f.durationUs;
  if (f.slices !== undefined) span.onThread = parseSlices(f.slices, f.startUs);
}

/** Apply timesink.* attributes already copied into span.attributes (formats other than OTLP), removing them. */
export function applyTimesinkAttributes(span: Span): void {
  const f: TimesinkFields = {};
  for (const key of Object.keys(span.attributes)) {
    if (key.startsWith('timesink.') && takeTimesinkField(key, span.attributes[key]!, f)) delete span.attributes[key];
  }
  applyTimesinkFields(span, f);
}

/**
 * Parse "off:dur,off:dur" (integer µs relative to `baseUs`) into sorted absolute slices; malformed pairs are
 * skipped. A hand-written scanner: this runs once per span, and split/Number allocate several strings per pair.
 */
export function parseSlices(text: string, baseUs: number): Slice[] {
  const out: Slice[] = [];
  let sorted = true;
  let i = 0;
  const n = text.length;
  while (i < n) {
    let off = 0;
    let dur = 0;
    let digits = 0;
    let neg = false;
    if (text.charCodeAt(i) === 45 /* - */) {
      neg = true;
      i++;
    }
    for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i), digits++) off = off * 10 + (c - 48);
    let ok = digits > 0 && text.charCodeAt(i) === 58; /* : */
    if (ok) {
      i++;
      digits = 0;
      for (let c = text.charCodeAt(i); c >= 48 && c <= 57; c = text.charCodeAt(++i), digits++) dur = dur * 10 + (c - 48);
      ok = digits > 0 && (i === n || text.charCodeAt(i) === 44); /* , */
    }
    if (ok) {
      const startUs = baseUs + (neg ? -off : off);
      if (out.length > 0 && startUs < out[out.length - 1]!.startUs) sorted = false;
      out.push({ startUs, endUs: startUs + dur });
    }
    // Skip to the next pair (past a malformed one, if need be).
    while (i < n && text.charCodeAt(i) !== 44) i++;
    i++;
  }
  if (!sorted) out.sort((x, y) => x.startUs - y.startUs);
  return out;
}
