/**
 * Test helper: write the same spans as OTLP JSON, Jaeger JSON and Zipkin v2 JSON, and compare what comes back.
 * Reusable by any test (e.g. a fast-check property: for all Span[] s, ingest(write(s)) ≈ s).
 *
 * Each format carries less than Span; `comparable(spans, format)` strips what a format cannot carry so that
 * `comparable(ingested, f)` equals `comparable(original, f)`:
 *  - Jaeger: no links; attributes are string/number/bool (arrays and null become JSON strings); integer µs.
 *  - Zipkin: also no language, pid, followsFrom, event attributes; attribute values are strings; kinds
 *    internal and unspecified are both "no kind" (→ internal); integer µs.
 *  - OTLP: no followsFrom.
 * Write spans with integer-µs times, hex ids (32/16 chars) and `unfinished` unset for the cleanest comparisons.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ATTR } from '../../../format/recording.js';
import type { AttrValue, Span } from '../../model/span.js';

export type TraceFormat = 'otlp' | 'jaeger' | 'zipkin';

function nanos(us: number): string {
  const whole = Math.floor(us);
  return (BigInt(whole) * 1000n + BigInt(Math.round((us - whole) * 1000))).toString();
}

function anyValue(v: AttrValue): Record<string, unknown> {
  if (v === null) return {};
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  return { arrayValue: { values: v.map(anyValue) } };
}

const KIND_NUMBER = { unspecified: 0, internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
const STATUS_NUMBER = { unset: 0, ok: 1, error: 2 } as const;

/** One TracesData object: a resourceSpans entry per (service, language, pid), a scopeSpans per scope. */
export function toOtlpJson(spans: Span[]): unknown {
  const resources = new Map<string, { span: Span; scopes: Map<string, Span[]> }>();
  for (const s of spans) {
    const rk = `${s.service}\u0000${s.language}\u0000${s.pid ?? ''}`;
    let r = resources.get(rk);
    if (!r) resources.set(rk, (r = { span: s, scopes: new Map() }));
    const sk = s.scope ?? '';
    let l = r.scopes.get(sk);
    if (!l) r.scopes.set(sk, (l = []));
    l.push(s);
  }
  return {
    resourceSpans: [...resources.values()].map(({ span: first, scopes }) => ({
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: first.service } },
          ...(first.language !== 'unknown' ? [{ key: 'telemetry.sdk.language', value: { stringValue: first.language } }] : []),
          ...(first.pid !== undefined ? [{ key: 'process.pid', value: { intValue: String(first.pid) } }] : []),
        ],
      },
      scopeSpans: [...scopes.entries()].map(([scope, list]) => ({
        scope: scope ? { name: scope } : {},
        spans: list.map((s) => {
          const attributes = Object.entries(s.attributes).map(([key, v]) => ({ key, value: anyValue(v) }));
          if (s.onThread) {
            attributes.push({ key: ATTR.startUs, value: anyValue(s.startUs) });
            attributes.push({ key: ATTR.durationUs, value: anyValue(s.endUs - s.startUs) });
            attributes.push({ key: ATTR.slices, value: anyValue(s.onThread.map((x) => `${x.startUs - s.startUs}:${x.endUs - x.startUs}`).join(',')) });
          }
          if (s.unfinished) attributes.push({ key: ATTR.unfinished, value: anyValue(true) });
          return {
            traceId: s.traceId,
            spanId: s.spanId,
            ...(s.parentSpanId ? { parentSpanId: s.parentSpanId } : {}),
            name: s.name,
            kind: KIND_NUMBER[s.kind],
            startTimeUnixNano: nanos(s.startUs),
            endTimeUnixNano: nanos(s.endUs),
            attributes,
            events: s.events.map((e) => ({
              timeUnixNano: nanos(e.timeUs),
              name: e.name,
              attributes: Object.entries(e.attributes).map(([key, v]) => ({ key, value: anyValue(v) })),
            })),
            links: s.links.map((l) => ({ traceId: l.traceId, spanId: l.spanId })),
            status: { code: STATUS_NUMBER[s.status], ...(s.statusMessage ? { message: s.statusMessage } : {}) },
          };
        }),
      })),
    })),
  };
}

function jaegerTag(key: string, v: AttrValue): { key: string; type: string; value: unknown } {
  if (typeof v === 'boolean') return { key, type: 'bool', value: v };
  if (typeof v === 'number') return { key, type: Number.isInteger(v) ? 'int64' : 'float64', value: v };
  if (typeof v === 'string') return { key, type: 'string', value: v };
  return { key, type: 'string', value: JSON.stringify(v) };
}

/** The Jaeger UI's download format: {"data":[trace,...]}, one entry per trace id. */
export function toJaegerJson(spans: Span[]): unknown {
  const traces = new Map<string, Span[]>();
  for (const s of spans) {
    let l = traces.get(s.traceId);
    if (!l) traces.set(s.traceId, (l = []));
    l.push(s);
  }
  return {
    data: [...traces.entries()].map(([traceID, list]) => {
      const processes: Record<string, unknown> = {};
      const procIds = new Map<string, string>();
      const procOf = (s: Span): string => {
        const k = `${s.service}\u0000${s.language}\u0000${s.pid ?? ''}`;
        let id = procIds.get(k);
        if (!id) {
          id = `p${procIds.size + 1}`;
          procIds.set(k, id);
          const tags = [];
          if (s.language !== 'unknown') tags.push(jaegerTag('telemetry.sdk.language', s.language));
          if (s.pid !== undefined) tags.push(jaegerTag('process.pid', s.pid));
          processes[id] = { serviceName: s.service, tags };
        }
        return id;
      };
      return {
        traceID,
        spans: list.map((s) => {
          const tags = Object.entries(s.attributes).map(([k, v]) => jaegerTag(k, v));
          if (s.kind !== 'internal') tags.push(jaegerTag('span.kind', s.kind));
          if (s.status !== 'unset') tags.push(jaegerTag('otel.status_code', s.status === 'error' ? 'ERROR' : 'OK'));
          if (s.status === 'error') tags.push(jaegerTag('error', true));
          if (s.statusMessage) tags.push(jaegerTag('otel.status_description', s.statusMessage));
          if (s.scope) tags.push(jaegerTag('otel.scope.name', s.scope));
          return {
            traceID: s.traceId,
            spanID: s.spanId,
            operationName: s.name,
            references: s.parentSpanId ? [{ refType: s.followsFrom ? 'FOLLOWS_FROM' : 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }] : [],
            startTime: Math.round(s.startUs),
            duration: Math.round(s.endUs) - Math.round(s.startUs),
            tags,
            logs: s.events.map((e) => ({
              timestamp: Math.round(e.timeUs),
              fields: [jaegerTag('event', e.name), ...Object.entries(e.attributes).map(([k, v]) => jaegerTag(k, v))],
            })),
            processID: procOf(s),
            warnings: null,
          };
        }),
        processes,
        warnings: null,
      };
    }),
  };
}

const ZIPKIN_KIND: Partial<Record<Span['kind'], string>> = { server: 'SERVER', client: 'CLIENT', producer: 'PRODUCER', consumer: 'CONSUMER' };

function tagString(v: AttrValue): string {
  return typeof v === 'string' ? v : v === null || Array.isArray(v) ? JSON.stringify(v) : String(v);
}

/** A Zipkin v2 JSON array. `peer.service` becomes remoteEndpoint.serviceName, as Zipkin models it. */
export function toZipkinJson(spans: Span[]): unknown {
  return spans.map((s) => {
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.attributes)) if (k !== 'peer.service') tags[k] = tagString(v);
    if (s.status !== 'unset') tags['otel.status_code'] = s.status === 'error' ? 'ERROR' : 'OK';
    if (s.status === 'error') tags.error = s.statusMessage ?? '';
    else if (s.statusMessage) tags['otel.status_description'] = s.statusMessage;
    if (s.scope) tags['otel.scope.name'] = s.scope;
    const peer = s.attributes['peer.service'];
    return {
      traceId: s.traceId,
      ...(s.parentSpanId ? { parentId: s.parentSpanId } : {}),
      id: s.spanId,
      ...(ZIPKIN_KIND[s.kind] ? { kind: ZIPKIN_KIND[s.kind] } : {}),
      name: s.name,
      timestamp: Math.round(s.startUs),
      duration: Math.round(s.endUs) - Math.round(s.startUs),
      localEndpoint: { serviceName: s.service },
      ...(peer !== undefined ? { remoteEndpoint: { serviceName: tagString(peer) } } : {}),
      annotations: s.events.map((e) => ({ timestamp: Math.round(e.timeUs), value: e.name })),
      tags,
    };
  });
}

/** Write `spans` in all three formats into `dir`; returns the file paths. */
export function writeAllFormats(dir: string, spans: Span[], baseName = 'trace'): Record<TraceFormat, string> {
  const paths = { otlp: join(dir, `${baseName}.otlp.json`), jaeger: join(dir, `${baseName}.jaeger.json`), zipkin: join(dir, `${baseName}.zipkin.json`) };
  writeFileSync(paths.otlp, JSON.stringify(toOtlpJson(spans)));
  writeFileSync(paths.jaeger, JSON.stringify(toJaegerJson(spans)));
  writeFileSync(paths.zipkin, JSON.stringify(toZipkinJson(spans)));
  return paths;
}

/** Spans reduced to what `format` can carry, sorted by (traceId, spanId), for deep equality. */
export function comparable(spans: Span[], format: TraceFormat): Record<string, unknown>[] {
  const lossy = format !== 'otlp';
  const round = (us: number) => (lossy ? Math.round(us) : us);
  return spans
    .map((s) => {
      const attributes: Record<string, AttrValue> = {};
      for (const [k, v] of Object.entries(s.attributes)) {
        attributes[k] = format === 'zipkin' ? tagString(v) : format === 'jaeger' && (v === null || Array.isArray(v)) ? JSON.stringify(v) : v;
      }
      const out: Record<string, unknown> = {
        traceId: s.traceId,
        spanId: s.spanId,
        parentSpanId: s.parentSpanId,
        name: s.name,
        kind: format === 'zipkin' && s.kind === 'unspecified' ? 'internal' : s.kind,
        service: s.service,
        language: format === 'zipkin' ? 'unknown' : s.language,
        scope: s.scope,
        startUs: round(s.startUs),
        endUs: round(s.startUs) + (round(s.endUs) - round(s.startUs)),
        attributes,
        events: s.events.map((e) => ({ name: e.name, timeUs: round(e.timeUs), attributes: format === 'zipkin' ? {} : e.attributes })),
        status: s.status,
        statusMessage: s.statusMessage,
        links: lossy ? [] : s.links,
        followsFrom: format === 'jaeger' ? s.followsFrom === true : false,
        pid: format === 'zipkin' ? undefined : s.pid,
        onThread: format === 'otlp' ? s.onThread : undefined,
        unfinished: format === 'otlp' ? s.unfinished === true : false,
      };
      return out;
    })
    .sort((a, b) => String(a.traceId).localeCompare(String(b.traceId)) || String(a.spanId).localeCompare(String(b.spanId)));
}
