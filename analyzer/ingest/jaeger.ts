import type { AttrValue, Attributes, Language, Span, SpanEvent, SpanKind, SpanLink, SpanStatus } from '../model/span.js';
import type { ConvertContext } from './context.js';
import { normalizeId } from './ids.js';
import { toLanguage } from './language.js';
import { newSpan } from './new-span.js';
import { micros } from './time.js';
import { applyTimesinkAttributes } from './timesink-attributes.js';

/*
 * Jaeger JSON (the UI's "Download JSON" and the query API): `{"data":[trace,...]}` or one bare trace
 * `{traceID, spans, processes}`. Times are microseconds. Parent comes from `references`
 * (CHILD_OF preferred; FOLLOWS_FROM alone → followsFrom) or the legacy `parentSpanID`.
 */

// Parsed JSON read field by field.
type Json = Record<string, unknown>;

interface ProcessInfo {
  service: string;
  language: Language;
  pid?: number;
}

function tagValue(t: Json): AttrValue {
  const v = t.value;
  switch (t.type) {
    case 'bool':
      return v === true || v === 'true';
    case 'int64':
    case 'float64':
      return Number(v);
    default:
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : v == null ? null : JSON.stringify(v);
  }
}

function tags(list: unknown): Attributes {
  const out: Attributes = {};
  if (!Array.isArray(list)) return out;
  // "__proto__" would replace the object's prototype instead of adding a key: untrusted input, dropped.
  for (const t of list as Json[]) if (t && typeof t.key === 'string' && t.key !== '__proto__') out[t.key] = tagValue(t);
  return out;
}

function spanKind(tag: AttrValue | undefined): SpanKind {
  switch (tag) {
    case 'server':
    case 'client':
    case 'producer':
    case 'consumer':
    case 'internal':
      return tag;
    default:
      return tag === undefined ? 'internal' : 'unspecified';
  }
}

function status(a: Attributes): SpanStatus {
  const code = a['otel.status_code'];
  if (code === 'ERROR' || a.error === true || a.error === 'true') return 'error';
  if (code === 'OK') return 'ok';
  return 'unset';
}

/** Is this parsed JSON a Jaeger export? */
export function isJaeger(doc: unknown): boolean {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  const o = doc as Json;
  if (Array.isArray(o.data)) return o.data.length === 0 || isJaegerTrace(o.data[0]);
  return isJaegerTrace(o);
}

function isJaegerTrace(t: unknown): boolean {
  return !!t && typeof t === 'object' && Array.isArray((t as Json).spans) && ('traceID' in (t as Json) || 'processes' in (t as Json));
}

export function convertJaeger(doc: unknown, ctx: ConvertContext, out: Span[]): number {
  const before = out.length;
  const o = doc as Json;
  const traces = Array.isArray(o.data) ? (o.data as Json[]) : [o];
  for (const trace of traces) {
    if (!trace || !Array.isArray(trace.spans)) continue;
    const processes = new Map<string, ProcessInfo>();
    const procObj = (trace.processes ?? {}) as Record<string, Json>;
    for (const [key, p] of Object.entries(procObj)) {
      const pt = tags(p?.tags);
      const lang = pt['telemetry.sdk.language'] ?? pt['jaeger.version'];
      const pidTag = pt['process.pid'];
      const info: ProcessInfo = {
        service: ctx.interner.intern(typeof p?.serviceName === 'string' && p.serviceName ? p.serviceName : 'unknown_service'),
        language: toLanguage(lang),
      };
      if (typeof pidTag === 'number') info.pid = pidTag;
      processes.set(key, info);
    }
    for (const raw of trace.spans as Json[]) {
      const span = convertSpan(raw, trace, processes, ctx);
      if (span) out.push(span);
    }
  }
  return out.length - before;
}

function convertSpan(raw: Json, trace: Json, processes: Map<string, ProcessInfo>, ctx: ConvertContext): Span | undefined {
  const traceId = normalizeId(raw?.traceID ?? trace.traceID, 16);
  const spanId = normalizeId(raw?.spanID, 8);
  const startUs = micros(raw?.startTime);
  if (!traceId || !spanId || startUs === undefined) {
    ctx.warnings.add('invalid-span', `a Jaeger span without traceID, spanID or startTime was skipped`, ctx.file);
    return undefined;
  }
  const duration = micros(raw.duration);
  const attributes = tags(raw.tags);
  const proc = (typeof raw.processID === 'string' ? processes.get(raw.processID) : undefined) ?? fallbackProcess(raw, ctx);
  const kind = spanKind(attributes['span.kind']);
  delete attributes['span.kind'];
  const span = newSpan({
    traceId,
    spanId,
    name: typeof raw.operationName === 'string' ? raw.operationName : '',
    kind,
    service: proc.service,
    language: proc.language,
    startUs,
    endUs: startUs + (duration ?? 0),
    attributes,
    events: logs(raw.logs),
    status: status(attributes),
    links: [],
  });
  const msg = attributes['otel.status_description'];
  if (typeof msg === 'string' && msg) span.statusMessage = msg;
  if (proc.pid !== undefined) span.pid = proc.pid;
  const scope = attributes['otel.scope.name'] ?? attributes['otel.library.name'];
  if (typeof scope === 'string' && scope) span.scope = ctx.interner.intern(scope);
  // These tags are the OpenTelemetry→Jaeger encoding of fields the Span has; keep them once, as fields.
  delete attributes['otel.status_code'];
  delete attributes['otel.status_description'];
  delete attributes['otel.scope.name'];
  delete attributes['otel.library.name'];
  if (attributes.error === true) delete attributes.error;
  if (duration === undefined) span.unfinished = true;
  // A timesink recording re-exported through a tracing backend still carries the recorder's measurements.
  applyTimesinkAttributes(span);
  applyReferences(span, raw);
  return span;
}

function fallbackProcess(raw: Json, ctx: ConvertContext): ProcessInfo {
  const p = raw.process as Json | undefined;
  const name = typeof p?.serviceName === 'string' && p.serviceName ? p.serviceName : 'unknown_service';
  return { service: ctx.interner.intern(name), language: 'unknown' };
}

function applyReferences(span: Span, raw: Json): void {
  const refs = Array.isArray(raw.references) ? (raw.references as Json[]) : [];
  let parent: string | undefined;
  let followsFrom = false;
  const links: SpanLink[] = [];
  for (const r of refs) {
    const spanId = normalizeId(r?.spanID, 8);
    const traceId = normalizeId(r?.traceID, 16) ?? span.traceId;
    if (!spanId) continue;
    const sameTrace = traceId === span.traceId;
    if (r.refType === 'CHILD_OF' && sameTrace && (parent === undefined || followsFrom)) {
      if (parent !== undefined) links.push({ traceId, spanId: parent });
      parent = spanId;
      followsFrom = false;
    } else if (r.refType === 'FOLLOWS_FROM' && sameTrace && parent === undefined) {
      parent = spanId;
      followsFrom = true;
    } else {
      links.push({ traceId, spanId });
    }
  }
  if (parent === undefined) {
    const legacy = normalizeId(raw.parentSpanID, 8);
    if (legacy && !/^0+$/.test(legacy)) parent = legacy;
  }
  if (parent !== undefined) span.parentSpanId = parent;
  if (followsFrom) span.followsFrom = true;
  span.links = links;
}

function logs(list: unknown): SpanEvent[] {
  const out: SpanEvent[] = [];
  if (!Array.isArray(list)) return out;
  for (const l of list as Json[]) {
    const t = micros(l?.timestamp);
    if (t === undefined) continue;
    const attributes = tags(l.fields);
    const nameTag = attributes.event;
    if (typeof nameTag === 'string') delete attributes.event;
    out.push({ name: typeof nameTag === 'string' ? nameTag : 'log', timeUs: t, attributes });
  }
  return out;
}
