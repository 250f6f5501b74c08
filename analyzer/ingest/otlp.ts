import type { AttrValue, Attributes, Language, Span, SpanEvent, SpanKind, SpanLink, SpanStatus } from '../model/span.js';
import type { ConvertContext } from './context.js';
import { isZeroId, normalizeId } from './ids.js';
import { toLanguage } from './language.js';
import { nanosToMicros } from './time.js';
import { NO_EVENTS, NO_LINKS, newSpan } from './new-span.js';
import { applyTimesinkFields, takeTimesinkField, type TimesinkFields } from './timesink-attributes.js';

/*
 * OTLP JSON (TracesData / ExportTraceServiceRequest, opentelemetry-proto JSON mapping) → Span.
 * The input is untyped parsed JSON, so fields are read defensively as `Json` (a loose record).
 */

// A parsed JSON object whose shape we check field by field.
type Json = Record<string, unknown>;

const KIND_BY_NUMBER: SpanKind[] = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];

export function otlpKind(v: unknown): SpanKind {
  if (typeof v === 'number') return KIND_BY_NUMBER[v] ?? 'unspecified';
  if (typeof v === 'string') {
    const s = v.toLowerCase().replace(/^span_kind_/, '');
    if (s === 'server' || s === 'client' || s === 'internal' || s === 'producer' || s === 'consumer') return s;
  }
  return 'unspecified';
}

export function otlpStatus(v: unknown): SpanStatus {
  if (v === 2 || v === 'STATUS_CODE_ERROR' || v === 'ERROR') return 'error';
  if (v === 1 || v === 'STATUS_CODE_OK' || v === 'OK') return 'ok';
  return 'unset';
}

/** AnyValue → AttrValue. Key-value lists have no AttrValue form and become a JSON string. */
export function anyValue(v: unknown): AttrValue {
  if (v === null || typeof v !== 'object') return null;
  const o = v as Json;
  if (o.stringValue !== undefined) return String(o.stringValue);
  if (o.intValue !== undefined) return Number(o.intValue);
  if (o.doubleValue !== undefined) return Number(o.doubleValue);
  if (o.boolValue !== undefined) return o.boolValue === true;
  if (o.arrayValue !== undefined) {
    const values = (o.arrayValue as Json | null)?.values;
    return Array.isArray(values) ? values.map(anyValue) : [];
  }
  if (o.kvlistValue !== undefined) {
    const kv = (o.kvlistValue as Json | null)?.values;
    const rec: Record<string, AttrValue> = {};
    if (Array.isArray(kv)) for (const e of kv as Json[]) if (e && typeof e.key === 'string') rec[e.key] = anyValue(e.value);
    return JSON.stringify(rec);
  }
  if (o.bytesValue !== undefined) return String(o.bytesValue);
  return null;
}

/**
 * Span attributes, with the timesink.* attributes that become Span fields set aside instead of copied
 * (deleting them afterwards would turn every attributes object into a slow dictionary).
 */
function spanAttributes(list: unknown, timesink: TimesinkFields, ctx: ConvertContext): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list as Json[]) {
    if (!kv || typeof kv.key !== 'string' || kv.key === '__proto__') continue;
    const key = kv.key;
    const value = anyValue(kv.value);
    if (key.charCodeAt(0) === 116 /* t */ && key.startsWith('timesink.') && takeTimesinkField(key, value, timesink)) continue;
    // Statements, routes, hosts repeat across spans: share one string (long unique values are not worth it).
    out[key] = typeof value === 'string' && value.length <= MAX_INTERNED_VALUE ? ctx.interner.internValue(key, value) : value;
  }
  return out;
}

const MAX_INTERNED_VALUE = 256;

export function keyValues(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  for (const kv of list as Json[]) {
    // "__proto__" would replace the object's prototype instead of adding a key: untrusted input, dropped.
    if (kv && typeof kv.key === 'string' && kv.key !== '__proto__') out[kv.key] = anyValue(kv.value);
  }
  return out;
}

/** Is this an OTLP JSON export: TracesData / ExportTraceServiceRequest, or an API's wrapping of it? */
export function isOtlp(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const o = doc as Json;
  if (Array.isArray(o.resourceSpans)) return true;
  // Grafana Tempo's trace API answers {"batches": [ResourceSpans]}; Jaeger's api/v3 {"result": TracesData}.
  if (Array.isArray(o.batches) && (o.batches.length === 0 || isResourceSpans(o.batches[0]))) return true;
  if (o.result && typeof o.result === 'object' && Array.isArray((o.result as Json).resourceSpans)) return true;
  // An empty OTLP export ("{}") is valid: the Collector writes it for an empty batch. No other format is "{}".
  return Object.keys(o).length === 0;
}

function isResourceSpans(v: unknown): boolean {
  return !!v && typeof v === 'object' && ('scopeSpans' in v || 'instrumentationLibrarySpans' in v || 'resource' in v);
}

/** Convert one OTLP TracesData object; appends to `out`. Returns how many spans were added. */
export function convertOtlp(doc: unknown, ctx: ConvertContext, out: Span[]): number {
  const before = out.length;
  const o = doc as Json | null;
  // TracesData, Tempo's {"batches": [...]}, or Jaeger api/v3's {"result": TracesData}.
  const resourceSpans = o?.resourceSpans ?? o?.batches ?? (o?.result as Json | undefined)?.resourceSpans;
  if (!Array.isArray(resourceSpans)) return 0;
  for (const rs of resourceSpans as Json[]) {
    if (!rs) continue;
    const resAttrs = keyValues((rs.resource as Json | undefined)?.attributes);
    const serviceRaw = resAttrs['service.name'];
    const service = ctx.interner.intern(typeof serviceRaw === 'string' && serviceRaw ? serviceRaw : 'unknown_service');
    const language = toLanguage(resAttrs['telemetry.sdk.language']);
    const pidRaw = resAttrs['process.pid'];
    const pid = typeof pidRaw === 'number' && Number.isFinite(pidRaw) ? pidRaw : undefined;
    // `instrumentationLibrarySpans` is the pre-1.0 OTLP name of scopeSpans.
    const scopeSpans = (rs.scopeSpans ?? rs.instrumentationLibrarySpans) as Json[] | undefined;
    if (!Array.isArray(scopeSpans)) continue;
    for (const ss of scopeSpans) {
      if (!ss) continue;
      const scopeObj = (ss.scope ?? ss.instrumentationLibrary) as Json | undefined;
      const scopeName = typeof scopeObj?.name === 'string' && scopeObj.name ? ctx.interner.intern(scopeObj.name) : undefined;
      const spans = ss.spans;
      if (!Array.isArray(spans)) continue;
      for (const raw of spans as Json[]) {
        const span = convertSpan(raw, service, language, pid, scopeName, ctx);
        if (span) out.push(span);
      }
    }
  }
  return out.length - before;
}

function convertSpan(
  raw: Json,
  service: string,
  language: Language,
  pid: number | undefined,
  scope: string | undefined,
  ctx: ConvertContext,
): Span | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  // Spans of one trace arrive together: reuse the previous span's normalized trace id string.
  let traceId: string | undefined;
  if (raw.traceId === ctx.lastTraceId.raw && raw.traceId !== undefined) traceId = ctx.lastTraceId.hex;
  else {
    traceId = normalizeId(raw.traceId, 16);
    ctx.lastTraceId = { raw: raw.traceId, hex: traceId };
  }
  const spanId = normalizeId(raw.spanId, 8);
  const startUs = nanosToMicros(raw.startTimeUnixNano);
  if (!traceId || !spanId || startUs === undefined) {
    ctx.warnings.add('invalid-span', `a span without a valid traceId, spanId or start time was skipped (span ${JSON.stringify(raw.name ?? '?')})`, ctx.file);
    return undefined;
  }
  const endRaw = nanosToMicros(raw.endTimeUnixNano);
  const parent = normalizeId(raw.parentSpanId, 8);
  const status = raw.status as Json | undefined;
  const timesink: TimesinkFields = {};
  const message = status?.message;
  const span = newSpan({
    traceId,
    spanId,
    name: typeof raw.name === 'string' ? ctx.interner.intern(raw.name) : '',
    kind: otlpKind(raw.kind),
    service,
    language,
    startUs,
    endUs: endRaw === undefined || endRaw === 0 ? startUs : endRaw,
    attributes: spanAttributes(raw.attributes, timesink, ctx),
    events: convertEvents(raw.events),
    status: otlpStatus(status?.code),
    links: convertLinks(raw.links),
  });
  if (parent && !isZeroId(parent)) span.parentSpanId = parent;
  span.scope = scope;
  span.pid = pid;
  if (typeof message === 'string' && message) span.statusMessage = message;
  if (endRaw === undefined || endRaw === 0) span.unfinished = true;
  applyTimesinkFields(span, timesink);
  return span;
}

function convertEvents(list: unknown): SpanEvent[] {
  if (!Array.isArray(list) || list.length === 0) return NO_EVENTS;
  const out: SpanEvent[] = [];
  for (const e of list as Json[]) {
    const t = nanosToMicros(e?.timeUnixNano);
    if (t === undefined) continue;
    out.push({ name: typeof e.name === 'string' ? e.name : '', timeUs: t, attributes: keyValues(e.attributes) });
  }
  return out;
}

function convertLinks(list: unknown): SpanLink[] {
  if (!Array.isArray(list) || list.length === 0) return NO_LINKS;
  const out: SpanLink[] = [];
  for (const l of list as Json[]) {
    const traceId = normalizeId(l?.traceId, 16);
    const spanId = normalizeId(l?.spanId, 8);
    if (traceId && spanId) out.push({ traceId, spanId });
  }
  return out;
}
