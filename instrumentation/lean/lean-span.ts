/**
 * The span the lean instrumentations make: a small plain object that is at once an `@opentelemetry/api` Span (it
 * lives in the API's context, so a user's manual spans and the fallback instrumentations parent under it, and its
 * ids are what `traceparent` carries) and the record the span processor encodes straight to its OTLP line. Compared
 * with the SDK's SpanImpl it skips what timesink does not write: attribute limits and copies, HrTime clocks per
 * call, span-processor fan-out, sampler and resource lookups. Its times are the processor's own (performance.now(),
 * see span-processor.ts), so only the duration is kept here.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type AttributeValue, type Exception, type HrTime, type Link, type Span, type SpanContext, type SpanStatus, type TimeInput } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

/** What the processor calls when a lean span starts and ends (RecordingSpanProcessor's onStart/onEnd). */
export interface LeanSink {
  onStart(span: LeanSpan): void;
  onEnd(span: LeanSpan): void;
}

/** The scope object is shared by every span of one lean instrumentation (the processor groups spans by it). */
export interface LeanScope {
  readonly name: string;
  readonly version?: string;
}

interface LeanEvent {
  name: string;
  time: HrTime;
  attributes?: Attributes;
}

const NO_EVENTS: readonly LeanEvent[] = Object.freeze([]);
const NO_LINKS: readonly Link[] = Object.freeze([]);
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

function msToHr(ms: number): HrTime {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

/** An explicit end time (Date, epoch ms, HrTime or performance ms) as performance.now() ms. */
function perfMsOf(t: TimeInput): number {
  if (Array.isArray(t)) return t[0] * 1000 + t[1] / 1e6 - performance.timeOrigin;
  if (t instanceof Date) return t.getTime() - performance.timeOrigin;
  // The API takes a number as epoch ms when it is past the time origin, else as performance ms.
  return (t as number) > performance.timeOrigin ? (t as number) - performance.timeOrigin : (t as number);
}

export class LeanSpan implements Span {
  attributes: Attributes;
  events: readonly LeanEvent[] = NO_EVENTS;
  links: readonly Link[] = NO_LINKS;
  status: SpanStatus = UNSET;
  readonly droppedAttributesCount = 0;
  /** performance.now() ms at start and end (NaN while open). */
  startPerfMs: number;
  endPerfMs = Number.NaN;

  constructor(
    private readonly sink: LeanSink,
    readonly instrumentationScope: LeanScope,
    public name: string,
    readonly kind: SpanKind,
    private readonly context: SpanContext,
    readonly parentSpanContext: SpanContext | undefined,
    attributes: Attributes,
  ) {
    this.attributes = attributes;
    this.startPerfMs = performance.now();
    sink.onStart(this);
  }

  /** The SDK's ReadableSpan field the processor compares its own duration with (explicit end times). */
  get duration(): HrTime {
    return msToHr(Math.max(0, (this.endPerfMs === this.endPerfMs ? this.endPerfMs : performance.now()) - this.startPerfMs));
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue): this {
    if (this.endPerfMs !== this.endPerfMs && value !== undefined) this.attributes[key] = value;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const k in attributes) this.setAttribute(k, attributes[k]!);
    return this;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    const isTime = typeof attributesOrTime === 'number' || Array.isArray(attributesOrTime) || attributesOrTime instanceof Date;
    const at = isTime ? (attributesOrTime as TimeInput) : time;
    const ms = at === undefined ? performance.now() : perfMsOf(at);
    const event: LeanEvent = { name, time: msToHr(performance.timeOrigin + ms), attributes: isTime ? undefined : (attributesOrTime as Attributes | undefined) };
    this.events = this.events === NO_EVENTS ? [event] : [...this.events, event];
    return this;
  }

  addLink(link: Link): this {
    this.links = this.links === NO_LINKS ? [link] : [...this.links, link];
    return this;
  }

  addLinks(links: Link[]): this {
    for (const l of links) this.addLink(l);
    return this;
  }

  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }

  updateName(name: string): this {
    this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endPerfMs === this.endPerfMs) return; // ended already
    this.endPerfMs = endTime === undefined ? performance.now() : perfMsOf(endTime);
    this.sink.onEnd(this);
  }

  isRecording(): boolean {
    return this.endPerfMs !== this.endPerfMs;
  }

  recordException(exception: Exception): void {
    const e = typeof exception === 'string' ? { message: exception } : exception;
    this.addEvent('exception', { 'exception.type': String(e.name ?? 'Error'), 'exception.message': String(e.message ?? '') });
  }
}

export const SAMPLED = TraceFlags.SAMPLED;
