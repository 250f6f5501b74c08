/**
 * Starts lean spans (lean-span.ts) in the `@opentelemetry/api` context: the parent is the active span, whoever made
 * it (a lean instrumentation, a fallback OpenTelemetry one, the user's own tracer), or a remote parent read from a
 * W3C `traceparent` header. Unsampled parents get no span, as OpenTelemetry's default parent-based sampler does.
 */
import { isTracingSuppressed } from '@opentelemetry/core';
import { context, trace, type Attributes, type Context, type SpanContext, type SpanKind } from '@opentelemetry/api';
import { newSpanId, newTraceId } from './ids.js';
import { LeanSpan, SAMPLED, type LeanScope, type LeanSink } from './lean-span.js';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** A W3C traceparent header as a remote span context, or undefined when absent or malformed. */
export function parseTraceparent(header: string | string[] | undefined): SpanContext | undefined {
  if (typeof header !== 'string') return undefined;
  const m = TRACEPARENT.exec(header.trim());
  if (m === null || m[1] === ZERO_TRACE || m[2] === ZERO_SPAN) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
}

export function traceparentOf(span: LeanSpan): string {
  const c = span.spanContext();
  return `00-${c.traceId}-${c.spanId}-01`;
}

export class LeanTracer {
  private readonly scopes = new Map<string, LeanScope>();

  constructor(private readonly sink: LeanSink) {}

  /** The scope object of one instrumentation (one per name, for the processor's grouping). */
  scope(name: string, version?: string): LeanScope {
    let s = this.scopes.get(name);
    if (s === undefined) this.scopes.set(name, (s = Object.freeze({ name, version })));
    return s;
  }

  /**
   * A span under `parent` (by default the active span), or undefined when the parent was not sampled or tracing is
   * suppressed in the active context (OpenTelemetry's `suppressTracing`, which its instrumentations honour: an
   * exporter's own requests, a client that must not be traced).
   */
  start(
    scope: LeanScope,
    name: string,
    kind: SpanKind,
    attributes: Attributes,
    parent: SpanContext | undefined = trace.getSpanContext(context.active()),
  ): LeanSpan | undefined {
    if (parent !== undefined && (parent.traceFlags & SAMPLED) === 0) return undefined;
    if (isTracingSuppressed(context.active())) return undefined;
    const ids = { traceId: parent?.traceId ?? newTraceId(), spanId: newSpanId(), traceFlags: SAMPLED };
    return new LeanSpan(this.sink, scope, name, kind, ids, parent, attributes);
  }

  /** The context to run a span's code in: the active one plus the span. */
  contextWith(span: LeanSpan, base: Context = context.active()): Context {
    return trace.setSpan(base, span);
  }
}
