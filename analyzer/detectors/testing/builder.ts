import type { SpanClass } from '../../model/categories.js';
import { emptyRuntime, type RuntimeData } from '../../model/runtime.js';
import type { Attributes, Language, Span, SpanKind, SpanStatus } from '../../model/span.js';
import type { AnalyzedTrace, Trace } from '../../model/trace.js';
import { analyzeTrace } from '../../accounting/analyze-trace.js';
import { buildThreadIndex } from '../../accounting/thread-index.js';
import type { DetectorConfig, DetectorContext } from '../types.js';
import type { Profile } from '../../model/profile.js';

/** Test fixtures: span trees written in milliseconds relative to a fixed epoch, analyzed by the real accounting. */
export const BASE_US = 1_700_000_000_000_000;

/** Epoch µs of a fixture time in ms. */
export function t(ms: number): number {
  return BASE_US + Math.round(ms * 1000);
}

export interface SpanSpec {
  name: string;
  /** What the span is; default in_process. */
  cls?: SpanClass;
  /** ms relative to BASE_US. */
  start: number;
  end: number;
  kind?: SpanKind;
  attrs?: Attributes;
  status?: SpanStatus;
  /** On-thread slices [startMs, endMs] (absolute fixture ms). */
  onThread?: [number, number][];
  followsFrom?: boolean;
  unfinished?: boolean;
  id?: string;
}

let traceCounter = 0;

export class TraceBuilder {
  readonly traceId: string;
  readonly spans: Span[] = [];
  private spanCounter = 0;

  constructor(
    private readonly opts: { service?: string; language?: Language; pid?: number; traceId?: string } = {},
  ) {
    this.traceId = opts.traceId ?? (++traceCounter).toString(16).padStart(32, '0');
  }

  /** The server root span; `route` becomes http.route with method GET unless attrs say otherwise. */
  root(spec: Omit<SpanSpec, 'kind'> & { route?: string }): string {
    const attrs: Attributes = { ...(spec.route ? { 'http.request.method': 'GET', 'http.route': spec.route } : {}), ...spec.attrs };
    return this.add(undefined, { ...spec, kind: 'server', attrs });
  }

  add(parentSpanId: string | undefined, spec: SpanSpec): string {
    const spanId = spec.id ?? `${this.traceId.slice(-8)}${(++this.spanCounter).toString(16).padStart(8, '0')}`;
    const span: Span = {
      traceId: this.traceId,
      spanId,
      parentSpanId,
      name: spec.name,
      kind: spec.kind ?? (spec.cls && spec.cls !== 'in_process' ? 'client' : 'internal'),
      service: this.opts.service ?? 'orders',
      language: this.opts.language ?? 'nodejs',
      startUs: t(spec.start),
      endUs: t(spec.end),
      attributes: spec.attrs ?? {},
      events: [],
      status: spec.status ?? 'unset',
      links: [],
      pid: this.opts.pid ?? 4242,
      class: spec.cls ?? 'in_process',
    };
    if (spec.onThread) span.onThread = spec.onThread.map(([a, b]) => ({ startUs: t(a), endUs: t(b) }));
    if (spec.followsFrom) span.followsFrom = true;
    if (spec.unfinished) span.unfinished = true;
    this.spans.push(span);
    return spanId;
  }

  build(): Trace {
    const byId = new Map(this.spans.map((s) => [s.spanId, s]));
    const children = new Map<string, Span[]>();
    let root: Span | undefined;
    for (const s of this.spans) {
      if (s.parentSpanId === undefined) root = s;
      else {
        let list = children.get(s.parentSpanId);
        if (!list) children.set(s.parentSpanId, (list = []));
        list.push(s);
      }
    }
    for (const list of children.values()) list.sort((a, b) => a.startUs - b.startUs);
    if (!root) throw new Error('fixture trace has no root');
    return { traceId: this.traceId, root, spans: this.spans, children, byId };
  }
}

/** Analyzes fixture traces together (one thread index, so on-thread data of one trace queues the others). */
export function analyzeAll(traces: Trace[], runtime: RuntimeData = emptyRuntime()): AnalyzedTrace[] {
  const index = buildThreadIndex(traces, runtime);
  return traces.map((tr) => analyzeTrace(tr, index));
}

export function contextOf(
  traces: AnalyzedTrace[],
  opts: { runtime?: RuntimeData; profile?: Profile; config?: DetectorConfig } = {},
): DetectorContext {
  return { traces, runtime: opts.runtime ?? emptyRuntime(), profile: opts.profile, config: opts.config ?? {} };
}

/** Shorthand for a DB span spec. */
export function sql(statement: string, start: number, end: number, extra: Partial<SpanSpec> = {}): SpanSpec {
  return {
    name: statement.split(/\s+/)[0].toUpperCase(),
    cls: 'db',
    start,
    end,
    ...extra,
    attrs: { 'db.system': 'postgresql', 'db.statement': statement, ...extra.attrs },
  };
}

/** Shorthand for an outbound HTTP span spec. */
export function http(method: string, url: string, start: number, end: number, extra: Partial<SpanSpec> = {}): SpanSpec {
  return {
    name: method,
    cls: 'network',
    start,
    end,
    ...extra,
    attrs: { 'http.request.method': method, 'url.full': url, ...extra.attrs },
  };
}

/** Σ root durations: the denominator of savingFraction. */
export function totalUs(traces: AnalyzedTrace[]): number {
  return traces.reduce((s, at) => s + (at.trace.root.endUs - at.trace.root.startUs), 0);
}
