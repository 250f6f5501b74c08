import type { Attributes, Span, SpanEvent, SpanKind } from '../model/span.js';
import type { ConvertContext } from './context.js';
import { normalizeId } from './ids.js';
import { newSpan } from './new-span.js';
import { micros } from './time.js';
import { applyTimesinkAttributes } from './timesink-attributes.js';

/*
 * Zipkin v2 JSON: an array of spans, times in microseconds, tags are strings.
 * Zipkin lets a client and a server report the *same* span id (`shared: true` on the server half). Like
 * Jaeger's zipkin importer and zipkin-lens, we keep both: the server half gets a derived id and becomes the
 * client's child; the shared id's children that ran on the server's service move under the server half.
 */

// Parsed JSON read field by field.
type Json = Record<string, unknown>;

export function isZipkin(doc: unknown): boolean {
  if (!Array.isArray(doc)) return false;
  if (doc.length === 0) return true;
  const first = doc[0] as Json | null;
  return !!first && typeof first === 'object' && 'traceId' in first && 'id' in first;
}

function zipkinKind(v: unknown): SpanKind {
  switch (v) {
    case 'SERVER':
      return 'server';
    case 'CLIENT':
      return 'client';
    case 'PRODUCER':
      return 'producer';
    case 'CONSUMER':
      return 'consumer';
    default:
      // Zipkin has no INTERNAL kind: a span without kind is local work.
      return 'internal';
  }
}

export function convertZipkin(doc: unknown, ctx: ConvertContext, out: Span[]): number {
  if (!Array.isArray(doc)) return 0;
  const converted: { span: Span; shared: boolean }[] = [];
  for (const raw of doc as Json[]) {
    const span = convertSpan(raw, ctx);
    if (span) converted.push({ span, shared: raw.shared === true });
  }
  splitSharedSpans(converted, ctx);
  for (const c of converted) out.push(c.span);
  return converted.length;
}

function convertSpan(raw: Json, ctx: ConvertContext): Span | undefined {
  const traceId = normalizeId(raw?.traceId, 16);
  const spanId = normalizeId(raw?.id, 8);
  const annotations = Array.isArray(raw?.annotations) ? (raw.annotations as Json[]) : [];
  // A span without timestamp may still carry annotations (v1 conversions): use the first one.
  const startUs = micros(raw?.timestamp) ?? micros(annotations[0]?.timestamp);
  if (!traceId || !spanId || startUs === undefined) {
    ctx.warnings.add('invalid-span', 'a Zipkin span without traceId, id or timestamp was skipped', ctx.file);
    return undefined;
  }
  const duration = micros(raw.duration);
  const attributes: Attributes = {};
  const tagObj = raw.tags as Record<string, unknown> | undefined;
  if (tagObj && typeof tagObj === 'object') for (const [k, v] of Object.entries(tagObj)) if (k !== '__proto__') attributes[k] = typeof v === 'string' ? v : String(v);
  const local = raw.localEndpoint as Json | undefined;
  const remote = raw.remoteEndpoint as Json | undefined;
  if (typeof remote?.serviceName === 'string' && remote.serviceName && attributes['peer.service'] === undefined) {
    attributes['peer.service'] = remote.serviceName;
  }
  const events: SpanEvent[] = [];
  for (const a of annotations) {
    const t = micros(a?.timestamp);
    if (t !== undefined) events.push({ name: typeof a.value === 'string' ? a.value : '', timeUs: t, attributes: {} });
  }
  const errorTag = attributes.error;
  const code = attributes['otel.status_code'];
  const span = newSpan({
    traceId,
    spanId,
    name: typeof raw.name === 'string' ? raw.name : '',
    kind: zipkinKind(raw.kind),
    service: ctx.interner.intern(typeof local?.serviceName === 'string' && local.serviceName ? local.serviceName : 'unknown_service'),
    language: 'unknown',
    startUs,
    endUs: startUs + (duration ?? 0),
    attributes,
    events,
    status: errorTag !== undefined || code === 'ERROR' ? 'error' : code === 'OK' ? 'ok' : 'unset',
    links: [],
  });
  const parent = normalizeId(raw.parentId, 8);
  if (parent && parent !== spanId) span.parentSpanId = parent;
  const description = attributes['otel.status_description'];
  if (typeof description === 'string' && description) span.statusMessage = description;
  else if (typeof errorTag === 'string' && errorTag && errorTag !== 'true') span.statusMessage = errorTag;
  const scope = attributes['otel.scope.name'] ?? attributes['otel.library.name'];
  if (typeof scope === 'string' && scope) span.scope = ctx.interner.intern(scope);
  // Tags that encode Span fields (status, scope) are kept once, as fields.
  delete attributes.error;
  delete attributes['otel.status_code'];
  delete attributes['otel.status_description'];
  delete attributes['otel.scope.name'];
  delete attributes['otel.library.name'];
  if (duration === undefined) span.unfinished = true;
  // A timesink recording re-exported through a tracing backend still carries the recorder's measurements.
  applyTimesinkAttributes(span);
  return span;
}

/** A stable 16-hex id derived from a shared span id, for the server half. */
export function derivedServerId(spanId: string): string {
  // FNV-1a over the id and a marker; 2 × 32-bit halves give 16 hex digits.
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  const s = `${spanId}:server`;
  for (let i = 0; i < s.length; i++) {
    h1 = Math.imul(h1 ^ s.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ s.charCodeAt(i), 2246822519) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

function splitSharedSpans(spans: { span: Span; shared: boolean }[], ctx: ConvertContext): void {
  const key = (traceId: string, id: string) => `${traceId}/${id}`;
  const unsharedIds = new Set<string>();
  for (const c of spans) if (!c.shared) unsharedIds.add(key(c.span.traceId, c.span.spanId));
  // shared id → { derived id, server service }
  const renamed = new Map<string, { id: string; service: string }>();
  for (const c of spans) {
    const k = key(c.span.traceId, c.span.spanId);
    if (!c.shared || !unsharedIds.has(k)) continue;
    const derived = derivedServerId(c.span.spanId);
    renamed.set(k, { id: derived, service: c.span.service });
    c.span.parentSpanId = c.span.spanId;
    c.span.spanId = derived;
    c.span.attributes['zipkin.shared_span_id'] = c.span.parentSpanId;
  }
  if (renamed.size === 0) return;
  ctx.warnings.add(
    'zipkin-shared-split',
    `${renamed.size} Zipkin shared span id(s) (client and server halves with one id) were split: the server half got a derived id`,
    ctx.file,
    renamed.size,
  );
  for (const c of spans) {
    const p = c.span.parentSpanId;
    if (p === undefined) continue;
    const r = renamed.get(key(c.span.traceId, p));
    // Children of the shared id recorded by the server's service belong under the server half.
    if (r && c.span.spanId !== r.id && c.span.service === r.service) c.span.parentSpanId = r.id;
  }
}
