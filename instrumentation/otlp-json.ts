/**
 * ReadableSpan → OTLP/JSON (the protobuf JSON mapping the OpenTelemetry file exporter writes): hex ids, int64 as
 * decimal strings, enums as numbers. Written straight to strings, without @opentelemetry/otlp-transformer or
 * intermediate objects: it runs for every span inside the app's process, so it allocates as little as it can.
 */
import type { HrTime } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { dbSystemOf, redactAttribute, STATEMENT_KEYS } from '../format/redact.js';
import { LineBuffer } from './line-buffer.js';

export function valueJson(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return `{"stringValue":${JSON.stringify(v)}}`;
    case 'boolean':
      return v ? '{"boolValue":true}' : '{"boolValue":false}';
    case 'number':
      if (Number.isInteger(v)) return `{"intValue":"${v}"}`;
      return Number.isFinite(v) ? `{"doubleValue":${v}}` : `{"stringValue":"${v}"}`;
    case 'bigint':
      return `{"intValue":"${v}"}`;
    default:
      if (Array.isArray(v)) return `{"arrayValue":{"values":[${v.map(valueJson).join(',')}]}}`;
      return v === null || v === undefined ? '{"stringValue":""}' : `{"stringValue":${JSON.stringify(String(v))}}`;
  }
}

/** Attribute keys repeat on every span: their JSON prefix is built once (bounded, keys are few in practice). */
const keyPrefixes = new Map<string, string>();

function keyPrefix(key: string): string {
  let prefix = keyPrefixes.get(key);
  if (prefix === undefined) {
    prefix = `{"key":${JSON.stringify(key)},"value":`;
    if (keyPrefixes.size < 4096) keyPrefixes.set(key, prefix);
  }
  return prefix;
}

function kvJson(key: string, v: unknown): string {
  return `${keyPrefix(key)}${valueJson(v)}}`;
}

/**
 * Statements repeat (parameterised queries, the same few commands): their redacted JSON is cached per text, because
 * redacting SQL walks every character. Bounded: cleared when full, and long texts are not kept.
 */
const MAX_CACHED_STATEMENTS = 1024;
const MAX_CACHED_STATEMENT_CHARS = 4096;
interface CachedStatement {
  system: string | undefined;
  /** The whole key-value JSON, or '' when redaction drops the attribute. */
  json: string;
}
const statementCache = new Map<string, Map<string, CachedStatement>>();

function redactedKvJson(key: string, value: unknown, system: string | undefined): string {
  if (typeof value === 'string' && STATEMENT_KEYS.has(key)) {
    let perKey = statementCache.get(key);
    if (perKey === undefined) statementCache.set(key, (perKey = new Map()));
    const hit = perKey.get(value);
    if (hit !== undefined && hit.system === system) return hit.json;
    const r = redactAttribute(key, value, system);
    const json = r === undefined ? '' : kvJson(key, r);
    if (value.length <= MAX_CACHED_STATEMENT_CHARS) {
      if (perKey.size >= MAX_CACHED_STATEMENTS) perKey.clear();
      perKey.set(value, { system, json });
    }
    return json;
  }
  const r = redactAttribute(key, value, system);
  return r === undefined ? '' : kvJson(key, r);
}

/**
 * The comma-separated key-value entries of an attribute map (no brackets), optionally redacted at the source.
 * Built by concatenation: no intermediate array per span.
 */
export function attributeEntriesJson(attrs: Record<string, unknown>, redact: boolean): string {
  let out = '';
  const system = redact ? dbSystemOf(attrs) : undefined;
  for (const key in attrs) {
    const v = attrs[key];
    if (v === undefined) continue;
    const kv = redact ? redactedKvJson(key, v, system) : kvJson(key, v);
    if (kv !== '') out = out === '' ? kv : `${out},${kv}`;
  }
  return out;
}

/** Attributes as an OTLP key-value list, optionally redacted at the source. */
export function attributesJson(attrs: Record<string, unknown>, redact: boolean, extra?: [string, unknown][]): string {
  let out = attributeEntriesJson(attrs, redact);
  if (extra) for (const [k, v] of extra) out = out === '' ? kvJson(k, v) : `${out},${kvJson(k, v)}`;
  return `[${out}]`;
}

/** `{"key":…,"value":{"intValue":"n"}}` for an integer attribute of timesink's own, with the key's prefix cached. */
export function intKvJson(key: string, n: number): string {
  return `${keyPrefix(key)}{"intValue":"${n}"}}`;
}

/** `{"key":…,"value":{"stringValue":…}}` for any string of timesink's own. */
export function stringKvJson(key: string, s: string): string {
  return `${keyPrefix(key)}{"stringValue":${JSON.stringify(s)}}}`;
}

/** `{"key":…,"value":{"stringValue":…}}` for a string that needs no escaping (digits, ':', ',' — slices). */
export function plainStringKvJson(key: string, s: string): string {
  return `${keyPrefix(key)}{"stringValue":"${s}"}}`;
}

/** HrTime → decimal nanoseconds since epoch, exact (no float rounding past 2^53). */
export function hrTimeToNanos(t: HrTime): string {
  return `${t[0]}${String(t[1]).padStart(9, '0')}`;
}

/** Epoch µs → decimal nanoseconds, at µs precision (the precision the recorder claims; cheaper than exact ns). */
export function usToNanos(us: number): string {
  return `${Math.round(us)}000`;
}

/** Span names repeat: their JSON string is cached (bounded). */
const nameJsonCache = new Map<string, string>();

function nameJson(name: string): string {
  let j = nameJsonCache.get(name);
  if (j === undefined) {
    j = JSON.stringify(name);
    if (nameJsonCache.size >= 4096) nameJsonCache.clear();
    nameJsonCache.set(name, j);
  }
  return j;
}

/**
 * One span as OTLP JSON; start/end come from timesink's precise clock. `extraEntries` are timesink's own attributes,
 * already as comma-separated key-value JSON (see intKvJson), appended after the span's own.
 */
export function spanJson(span: ReadableSpan, startUs: number, endUs: number, extraEntries: string, redact: boolean): string {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext?.spanId;
  const own = attributeEntriesJson(span.attributes, redact);
  const attrs = own === '' ? extraEntries : extraEntries === '' ? own : `${own},${extraEntries}`;
  let s =
    `{"traceId":"${ctx.traceId}","spanId":"${ctx.spanId}"` +
    (parent ? `,"parentSpanId":"${parent}"` : '') +
    // OTLP kinds are the API's plus one (0 is UNSPECIFIED in the protocol).
    `,"name":${nameJson(span.name)},"kind":${span.kind + 1}` +
    `,"startTimeUnixNano":"${usToNanos(startUs)}","endTimeUnixNano":"${usToNanos(endUs)}"` +
    `,"attributes":[${attrs}]`;
  if (span.droppedAttributesCount) s += `,"droppedAttributesCount":${span.droppedAttributesCount}`;
  if (span.events.length) {
    s += `,"events":[${span.events
      .map((e) => `{"timeUnixNano":"${hrTimeToNanos(e.time)}","name":${JSON.stringify(e.name)},"attributes":${attributesJson(e.attributes ?? {}, redact)}}`)
      .join(',')}]`;
  }
  if (span.links.length) {
    s += `,"links":[${span.links
      .map((l) => `{"traceId":"${l.context.traceId}","spanId":"${l.context.spanId}","attributes":${attributesJson(l.attributes ?? {}, redact)}}`)
      .join(',')}]`;
  }
  const st = span.status;
  s += st.message ? `,"status":{"code":${st.code},"message":${JSON.stringify(st.message)}}}` : `,"status":{"code":${st.code}}}`;
  return s;
}

export function scopeJson(name: string, version?: string): string {
  return version ? `{"name":${JSON.stringify(name)},"version":${JSON.stringify(version)}}` : `{"name":${JSON.stringify(name)}}`;
}

const COMMA = 0x2c;

/**
 * Spans of one instrumentation scope already encoded as UTF-8, comma-separated, in a buffer of their own: a span is
 * encoded when it ends, so its JSON string dies young and nothing waits for the flush on the JavaScript heap.
 */
export interface EncodedScopeBatch {
  scopeJson: string;
  /** Spans in `bytes` since the last take(). */
  count: number;
  bytes: LineBuffer;
}

/** Appends one span's JSON to its scope's batch. */
export function addEncodedSpan(batch: EncodedScopeBatch, spanJsonText: string): void {
  if (batch.count++ > 0) batch.bytes.byte(COMMA);
  batch.bytes.str(spanJsonText);
}

/**
 * Writes one TracesData line of the encoded batches into `out` and empties them. Its reference, built from whole
 * strings, is instrumentation/testing/otlp-json-reference.ts's tracesDataLine.
 */
export function writeEncodedTracesData(out: LineBuffer, resourceAttributesJson: string, batches: Iterable<EncodedScopeBatch>): void {
  out.str(`{"resourceSpans":[{"resource":{"attributes":${resourceAttributesJson}},"scopeSpans":[`);
  let firstScope = true;
  for (const b of batches) {
    if (b.count === 0) continue;
    if (!firstScope) out.byte(COMMA);
    firstScope = false;
    out.str(`{"scope":${b.scopeJson},"spans":[`);
    out.bytes(b.bytes.take());
    b.count = 0;
    out.str(']}');
  }
  out.str(']}]}\n');
}
