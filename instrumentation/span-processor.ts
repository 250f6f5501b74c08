/**
 * The recorder's SpanProcessor: no queue to overflow. Ended spans are serialised to OTLP JSON with timesink's
 * precise times and on-thread data, buffered, and appended to spans-<pid>.jsonl by the caller's flush timer (every
 * second), when the buffer fills, and at exit. Only an I/O failure loses spans, and then they are counted.
 */
import { executionAsyncId } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import { SpanKind, type Context } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ATTR } from '../format/recording.js';
import { statementOf } from '../format/redact.js';
import { takeCallStart } from './call-start.js';
import { perfMsToEpochUs } from './clock.js';
import { captureAppLocation, splitLocation, type LocationSampler } from './code-location.js';
import type { LineFile } from './line-file.js';
import type { OnThreadTracker } from './on-thread.js';
import { LineBuffer } from './line-buffer.js';
import { addEncodedSpan, intKvJson, plainStringKvJson, scopeJson, spanJson, stringKvJson, writeEncodedTracesData, type EncodedScopeBatch } from './otlp-json.js';
import { formatSlices, kTiming, newTiming, type SpanTiming, type TimedObject } from './span-timing.js';

export interface ProcessorOptions {
  redact: boolean;
  maxBufferedSpans: number;
  /** Present when on-thread time is measured. */
  tracker: OnThreadTracker | null;
  /** Present when code locations are recorded. */
  locations: LocationSampler | null;
}

/**
 * Open spans are held so a hang can be written at exit. Spans an instrumentation never ends would otherwise be held
 * forever: past this many, new spans are not tracked as open (they are still written when they end).
 */
const MAX_OPEN_TRACKED = 100_000;

/** Internal field of the SDK's SpanImpl: true when the instrumentation passed its own startTime. */
interface SpanInternals {
  _startTimeProvided?: boolean;
}

/** An ended span waiting to be encoded at the next flush. */
interface EndedSpan {
  span: ReadableSpan;
  t: SpanTiming;
  durUs: number;
}

/** Past this many times maxBufferedSpans, ended spans are written without waiting for the end of the run. */
const HARD_LIMIT_FACTOR = 16;

/** First size of a scope's span buffer (it doubles as needed): most scopes see a few spans a second. */
const SCOPE_BUFFER_BYTES = 16 * 1024;

const ATTR_UNFINISHED_TRUE = `{"key":"${ATTR.unfinished}","value":{"boolValue":true}}`;

function hrToUs(t: readonly [number, number]): number {
  return t[0] * 1e6 + t[1] / 1e3;
}

export class RecordingSpanProcessor implements SpanProcessor {
  readonly open = new Set<Span>();
  spansWritten = 0;
  droppedSpans = 0;
  /**
   * Spans waiting for the next write, encoded when they end, grouped by instrumentation scope. Keyed by the scope
   * object, which each tracer holds for its lifetime (no key string built per span); kept across flushes.
   */
  private readonly batches = new Map<InstrumentationScope, EncodedScopeBatch>();
  private buffered = 0;
  /**
   * Ended spans not encoded yet. Encoding waits for the flush (the timer, a full buffer, exit) instead of running in
   * onEnd: there it ran inside the caller's synchronous code, after the span's end, so the analyzer counted the
   * recorder's work as the caller's JavaScript (a third of each tiny readFileSync's cost in a loop of them).
   */
  private readonly ended: EndedSpan[] = [];
  private flushScheduled = false;
  private readonly line = new LineBuffer();
  /**
   * The last span that ended, when it had a code location. A library that issues its call from a callback (pg's pool.query
   * runs client.query once its pool.connect span ends) leaves no app frame on the stack; the sibling that just
   * ended, in the same synchronous run, did see it.
   */
  private lastLocated: { scope: object; parentId: string | undefined; location: string; asyncId: number } | null = null;

  constructor(
    private readonly file: LineFile,
    /** The resource's attributes, already as OTLP JSON. */
    private readonly resourceJson: string,
    private readonly opts: ProcessorOptions,
  ) {}

  onStart(span: Span, _parent: Context): void {
    const now = performance.now();
    // Taken before the SDK built the span, when the instrumentation's create hook marked it (see call-start.ts).
    let startPerfMs = takeCallStart(span.instrumentationScope.name, now) ?? now;
    if ((span as unknown as SpanInternals)._startTimeProvided) {
      // An explicit start (an instrumentation measured it earlier): trust it, mapped onto our clock.
      startPerfMs = (hrToUs(span.startTime) - perfMsToEpochUs(0)) / 1000;
    }
    const timing = newTiming(startPerfMs);
    // Calls the app makes (queries, requests, file reads, internal steps) are what a fix points at. Server and
    // consumer spans start in Node's or a library's code: no app frame to find.
    const loc = this.opts.locations;
    if (loc !== null && span.kind !== SpanKind.SERVER && span.kind !== SpanKind.CONSUMER) {
      // A sibling located just now (pg's pool.connect before its query: sampled on their own, the two would rarely
      // be picked together) hands its location on, without a stack walk: the library's callback that starts this
      // span has no app frame anyway. Walking there would also cascade: in a loop of readFileSync every call would
      // hand on to the next, and every call would pay a stack walk (~1 µs per frame).
      const handoff = this.handedOffLocation(span);
      const where = loc.shouldCapture(span.instrumentationScope, span.name, statementOf(span.attributes)) ? (captureAppLocation() ?? handoff) : handoff;
      if (where !== undefined) timing.location = where;
    }
    (span as unknown as TimedObject)[kTiming] = timing;
    if (this.open.size < MAX_OPEN_TRACKED) this.open.add(span);
    // Its on-thread time starts now, not when its code is entered (see on-thread.ts); an explicit start is in the past.
    this.opts.tracker?.adopt(timing, (span as unknown as SpanInternals)._startTimeProvided ? undefined : startPerfMs);
  }

  onEnd(span: ReadableSpan): void {
    try {
      const endPerfMs = performance.now();
      const t = (span as unknown as TimedObject)[kTiming];
      this.open.delete(span as Span);
      if (t === undefined) return;
      this.opts.tracker?.settle(t);
      t.ended = true;
      // Only the span that ended last can hand its location on (see handedOffLocation).
      this.lastLocated =
        t.location === undefined
          ? null
          : { scope: span.instrumentationScope, parentId: span.parentSpanContext?.spanId, location: t.location, asyncId: executionAsyncId() };
      let durUs = (endPerfMs - t.startPerfMs) * 1000;
      const otelDurUs = hrToUs(span.duration);
      // span.end(explicitTime): OpenTelemetry's duration is the truth, not the moment we heard of it.
      if (Math.abs(otelDurUs - durUs) > 1000) durUs = otelDurUs;
      this.ended.push({ span, t, durUs });
      if (this.ended.length >= this.opts.maxBufferedSpans) this.scheduleFlush();
    } catch {
      this.droppedSpans++;
    }
  }

  /**
   * The location of the span that ended last, when it is a sibling (same instrumentation, same parent) that ended in
   * this same synchronous run (same async execution): the library's callback that ended it is starting this one.
   */
  private handedOffLocation(span: Span): string | undefined {
    const last = this.lastLocated;
    if (last === null || last.scope !== span.instrumentationScope || last.parentId !== span.parentSpanContext?.spanId) return undefined;
    return last.asyncId === executionAsyncId() ? last.location : undefined;
  }

  /** Spans still open (at exit): written with end = now and ATTR.unfinished, without ending them. */
  writeUnfinished(): void {
    const now = performance.now();
    for (const span of this.open) {
      const t = (span as unknown as TimedObject)[kTiming];
      if (t === undefined) continue;
      this.opts.tracker?.settle(t);
      this.enqueue(span, t, (now - t.startPerfMs) * 1000, true);
    }
    this.open.clear();
  }

  private enqueue(span: ReadableSpan, t: SpanTiming, durUs: number, unfinished: boolean): void {
    const startUs = perfMsToEpochUs(t.startPerfMs);
    const dur = Math.max(0, durUs);
    let extra = `${intKvJson(ATTR.startUs, Math.round(startUs))},${intKvJson(ATTR.durationUs, Math.round(dur))}`;
    if (this.opts.tracker) {
      extra += `,${intKvJson(ATTR.onThreadUs, Math.round(t.onThreadUs))},${plainStringKvJson(ATTR.slices, formatSlices(t.slices))}`;
      if (t.slicesDropped) extra += `,${intKvJson(ATTR.slicesDropped, t.slicesDropped)}`;
      if (t.blockedUs >= 1) extra += `,${intKvJson(ATTR.blockedUs, Math.round(t.blockedUs))}`;
    }
    if (t.location !== undefined) {
      const { location, callers } = splitLocation(t.location);
      extra += `,${stringKvJson(ATTR.location, location)}`;
      if (callers !== undefined) extra += `,${stringKvJson(ATTR.callers, callers)}`;
    }
    if (unfinished) extra += `,${ATTR_UNFINISHED_TRUE}`;
    const json = spanJson(span, startUs, startUs + dur, extra, this.opts.redact);
    const scope = span.instrumentationScope;
    let batch = this.batches.get(scope);
    if (!batch) {
      batch = { scopeJson: scopeJson(scope.name, scope.version), count: 0, bytes: new LineBuffer(SCOPE_BUFFER_BYTES) };
      this.batches.set(scope, batch);
    }
    addEncodedSpan(batch, json);
    this.buffered++;
  }

  /**
   * A full buffer is written once the current synchronous run is over, outside the app's code; a run that keeps
   * ending spans (a long synchronous loop) is flushed at once past HARD_LIMIT_FACTOR times the buffer.
   */
  private scheduleFlush(): void {
    if (this.ended.length >= this.opts.maxBufferedSpans * HARD_LIMIT_FACTOR) {
      this.flush();
      return;
    }
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    }).unref();
  }

  /**
   * Encodes the ended spans and appends everything buffered as one TracesData line; on-thread, as the recorder's own
   * work (see on-thread.ts).
   */
  flush(): void {
    const tracker = this.opts.tracker;
    if (tracker) tracker.asRecorder(() => this.encodeAndWrite());
    else this.encodeAndWrite();
  }

  private encodeAndWrite(): void {
    const ended = this.ended;
    for (let i = 0; i < ended.length; i++) {
      const e = ended[i]!;
      try {
        this.enqueue(e.span, e.t, e.durUs, false);
      } catch {
        this.droppedSpans++;
      }
    }
    ended.length = 0;
    const n = this.buffered;
    if (n === 0) return;
    this.buffered = 0;
    let ok = false;
    try {
      writeEncodedTracesData(this.line, this.resourceJson, this.batches.values());
      ok = this.file.appendBytes(this.line.take());
    } catch {
      this.line.take(); // drop a half-written line
      for (const b of this.batches.values()) {
        b.bytes.take();
        b.count = 0;
      }
      ok = false;
    }
    if (ok) this.spansWritten += n;
    else this.droppedSpans += n;
  }

  forceFlush(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    this.flush();
    return Promise.resolve();
  }
}
