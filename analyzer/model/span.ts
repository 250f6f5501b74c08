import type { SpanClass } from './categories.js';

/** Times in the model are microseconds since the Unix epoch, as float64 (exact to 1 µs until year 2255). */
export type EpochUs = number;

export type AttrValue = string | number | boolean | null | AttrValue[];
export type Attributes = Record<string, AttrValue>;

export type SpanKind = 'server' | 'client' | 'internal' | 'producer' | 'consumer' | 'unspecified';
export type SpanStatus = 'unset' | 'ok' | 'error';
export type Language = 'nodejs' | 'python' | 'go' | 'java' | 'dotnet' | 'ruby' | 'php' | 'rust' | 'cpp' | 'unknown';

export interface SpanEvent {
  name: string;
  timeUs: EpochUs;
  attributes: Attributes;
}

export interface SpanLink {
  traceId: string;
  spanId: string;
}

/** A closed interval of on-thread JavaScript execution [startUs, endUs). */
export interface Slice {
  startUs: EpochUs;
  endUs: EpochUs;
}

/** One normalized span, whatever format it came from. Ids are lower-case hex. */
export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: SpanKind;
  service: string;
  language: Language;
  /** Instrumentation scope name (e.g. "@opentelemetry/instrumentation-pg"), when known. */
  scope?: string;
  startUs: EpochUs;
  endUs: EpochUs;
  attributes: Attributes;
  events: SpanEvent[];
  status: SpanStatus;
  statusMessage?: string;
  links: SpanLink[];
  /** True when the parent relation is FOLLOWS_FROM / fire-and-forget: reported, but off the critical path. */
  followsFrom?: boolean;
  /** The span never ended (recorded open at exit, or no end in the source). endUs is then the last known time. */
  unfinished?: boolean;
  /** Process id from the resource (`process.pid`), used to match runtime data. */
  pid?: number;
  /** On-thread slices of this span's *own* synchronous JavaScript (timesink recordings only), sorted. */
  onThread?: Slice[];
  /**
   * Of the on-thread time, µs spent blocked in a synchronous call (execSync, spawnSync, slow *Sync fs, Atomics.wait)
   * rather than computing: the recorder's wall − CPU over the span's on-thread slices of ≥ 1 ms (timesink recordings
   * only; undefined when the recording has none for this span). Not part of onThread's shape: those slices include it.
   */
  blockedUs?: number;
  /** Set by classify/. */
  class?: SpanClass;
  /**
   * Memo of the detectors' call template (detectors/support/spans.ts callTemplate), set on first use, which comes
   * after redaction and classification: a dozen detectors ask for it per span.
   */
  template?: string;
  /**
   * Set by input redaction on the spans whose values it erased: an opaque hash of the exact call (values included),
   * so repeated-call still tells the same query twice from two literals (detectors/support/exact-identity.ts).
   */
  exactIdentity?: string;
}

/** An attribute's value when it is a non-empty string. */
export function stringAttr(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

export function durationUs(s: Span): number {
  return s.endUs - s.startUs;
}
