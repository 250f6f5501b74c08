import { fractionsOf } from './model/categories.js';
import { SCHEMA_VERSION, type Analysis, type InputSummary, type Warning } from './model/analysis.js';
import type { Profile } from './model/profile.js';
import type { Language, Span } from './model/span.js';
import type { AnalyzedTrace, Trace } from './model/trace.js';
import type { IngestResult } from './ingest/types.js';
import { buildTraces } from './model/build-traces.js';
import { classifyAll } from './classify/classify.js';
import { buildThreadIndex } from './accounting/thread-index.js';
import { analyzeTrace } from './accounting/analyze-trace.js';
import { inferEndpointTemplates } from './accounting/path-templates.js';
import { queueingBeforeFirstSpan, type BeforeFirstSpan } from './accounting/before-first-span.js';
import { accountBlocked, blockedEvidence } from './accounting/blocked.js';
import { loopLoads, type LoopLoad } from './accounting/loop-load.js';
import { saturationOf, saturationVerdict } from './aggregate/saturation.js';
import { hasBusyOutsideSpans } from './model/runtime.js';
import { fmtMs, fmtPct, plural } from '../format/human.js';
import { findFixes } from './detectors/index.js';
import { totalBreakdownMs } from './aggregate/breakdown.js';
import { rootDurationUs, summarizeEndpoints } from './aggregate/endpoints.js';
import { summarizeServices } from './aggregate/services.js';
import { percentilesMs } from './aggregate/percentiles.js';
import { verdict } from './aggregate/verdict.js';
import { DEFAULT_MAX_TRACE_DETAILS, selectDetailTraces, traceDetail } from './aggregate/trace-details.js';
import { buildTimelines } from './aggregate/timelines.js';
import { summarizeProfile } from './aggregate/profile-summary.js';
import { recordingCost } from './aggregate/recording-cost.js';
import { coverageOf } from './aggregate/coverage.js';
import { redactFixes } from './redact-output.js';
import { redactSpans } from './redact-input.js';
import { VERSION } from '../format/version.js';

export interface AnalyzeOptions {
  /** Only this service's requests: traces rooted in it, or its topmost spans inside other services' traces. */
  service?: string;
  /** Only this endpoint ("GET /users/:id"; a substring also matches). */
  endpoint?: string;
  /** Only traces whose root starts in [sinceUs, untilUs) (epoch µs). */
  sinceUs?: number;
  untilUs?: number;
  /** Fixes kept (default 10). */
  top?: number;
  /** Redact SQL literals and URL secrets in the output (default true). */
  redact?: boolean;
  /**
   * The caller drops the input after the analysis (the CLI): redaction may then change the input's spans in place
   * instead of copying each span it changes (default false: the caller's spans keep their values).
   */
  redactInPlace?: boolean;
  /** Waterfalls included (default DEFAULT_MAX_TRACE_DETAILS). */
  maxTraceDetails?: number;
  detectorConfig?: Record<string, number>;
  /** Fixed creation time for reproducible output (tests); default now. */
  createdAt?: string;
}

/**
 * The whole analysis, a pure function of what ingest read: trace hygiene → classification → one thread index
 * → per-trace critical path and accounting → filters → aggregation → detectors → bounded report.
 */
export function analyze(input: IngestResult, opts: AnalyzeOptions = {}): Analysis {
  const warnings: Warning[] = [...input.warnings];
  const redact = opts.redact ?? true;
  // Redacted before anything reads them, so no title, sentence or name can carry a literal (foreign traces too).
  const spans = redact ? redactSpans(input.spans, opts.redactInPlace ?? false) : input.spans;
  classifyAll(spans);
  const allTraces = buildTraces(spans, warnings);
  const hasOnThread = spans.some((s) => s.onThread !== undefined);
  const { analyzed, beforeFirstSpan, loads } = accountTraces(allTraces, selectTraces(requestTraces(allTraces, warnings), opts), input, hasOnThread);
  // Before the endpoint filter: `--endpoint "GET /articles/:slug"` names the inferred template.
  inferEndpointTemplates(analyzed);
  const byEndpoint = opts.endpoint;
  const traces = byEndpoint ? analyzed.filter((a) => a.endpoint === byEndpoint || a.endpoint.includes(byEndpoint)) : analyzed;
  if ((opts.service || opts.endpoint || opts.sinceUs !== undefined || opts.untilUs !== undefined) && traces.length === 0) {
    warnings.push({ code: 'filter-empty', message: 'No request matched the filters (service, endpoint, time range).' });
  }

  let totalUs = 0;
  for (const t of traces) totalUs += rootDurationUs(t);
  const hidden = beforeFirstSpanWarning(beforeFirstSpan, totalUs);
  if (hidden) warnings.push(hidden);
  const profile = pickProfile(input.profiles, warnings);
  // The thread blocked in a synchronous call is waiting, not computing: the profile says when, the recorder's per-span
  // blocked time how much where the profile does not (accounting/blocked.ts).
  accountBlocked(analyzed, blockedEvidence(analyzed, profile));
  const breakdown = totalBreakdownMs(traces);
  const coverage = coverageOf(input.manifests, spans, breakdown, totalUs / 1000);
  warnings.push(...coverage.warnings);
  let fixes = findFixes({ traces, runtime: input.runtime, profile, config: opts.detectorConfig ?? {} }, totalUs, opts.top ?? 10);
  if (redact) fixes = redactFixes(fixes);
  const profileSummary = profile ? summarizeProfile(profile, traces) : undefined;
  const sat = saturationOf({
    traces,
    loads,
    beforeFirstSpan,
    breakdown,
    criticalPathMs: totalUs / 1000,
    runtime: input.runtime,
    coresAvailable: input.manifests.find((m) => m.availableParallelism !== undefined)?.availableParallelism,
    profile: profileSummary,
    fixes,
  });
  fixes = sat.fixes;
  const saturation = sat.saturation;

  const endpoints = summarizeEndpoints(traces);
  const details = selectDetailTraces(endpoints, traces, fixes, opts.maxTraceDetails ?? DEFAULT_MAX_TRACE_DETAILS).map((d) =>
    traceDetail(d.trace, d.why, redact),
  );

  const analysis: Analysis = {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'timesink', version: VERSION, createdAt: opts.createdAt ?? new Date().toISOString() },
    inputs: inputSummary(input, hasOnThread),
    summary: {
      ...percentilesMs(traces.map(rootDurationUs)),
      traces: traces.length,
      spans: traces.reduce((n, t) => n + t.trace.spans.length, 0),
      criticalPathMs: totalUs / 1000,
      breakdown,
      fractions: fractionsOf(breakdown),
      // A saturated loop is the first answer: "mostly queued" alone names no way out.
      verdict: saturation?.saturated ? saturationVerdict(saturation) : verdict(breakdown),
    },
    endpoints,
    services: summarizeServices(traces),
    fixes,
    traces: details,
    timelines: buildTimelines(input.runtime, spans),
    partial: input.partial,
    warnings,
    redacted: redact,
  };
  if (profileSummary) analysis.profile = profileSummary;
  const cost = recordingCost(traces, input.runtime, profile);
  if (cost) analysis.recordingCost = cost;
  analysis.coverage = coverage.coverage;
  if (saturation) analysis.saturation = saturation;
  return analysis;
}

/**
 * Critical path and accounting of the selected traces, against one thread index of all traces. A function of its
 * own so the index (every span's on-thread slices, per thread) is garbage once the accounting is done, before the
 * detectors build their state: a local of analyze() would stay reachable until analyze() returns.
 */
function accountTraces(
  all: Trace[],
  selected: Trace[],
  input: IngestResult,
  hasOnThread: boolean,
): { analyzed: AnalyzedTrace[]; beforeFirstSpan: BeforeFirstSpan | undefined; loads: LoopLoad[] } {
  const index = hasOnThread || hasBusyOutsideSpans(input.runtime) ? buildThreadIndex(all, input.runtime) : undefined;
  return {
    analyzed: selected.map((t) => analyzeTrace(t, index)),
    beforeFirstSpan: index ? queueingBeforeFirstSpan(selected, index) : undefined,
    loads: index ? loopLoads(selected, index) : [],
  };
}

/** Below this share of the critical path, queueing before first spans is not worth a warning. */
const BEFORE_FIRST_SPAN_WARN_SHARE = 0.05;

/**
 * Queueing before a request's first span is invisible to the accounting (no span covers it), so `queued` is then a
 * lower bound: say so, with the bound, when it could matter.
 */
function beforeFirstSpanWarning(b: BeforeFirstSpan | undefined, totalUs: number): Warning | undefined {
  if (!b || b.requests === 0 || totalUs <= 0 || b.totalUs < BEFORE_FIRST_SPAN_WARN_SHARE * totalUs) return undefined;
  const unbounded =
    b.unboundedRequests > 0
      ? ` For ${plural(b.unboundedRequests, 'request')} with no earlier request on ${b.unboundedRequests === 1 ? 'its' : 'their'} connection this is an upper bound.`
      : '';
  const upper =
    b.bound === 'upper'
      ? ` It is an upper bound: ${b.lateRequests} of ${b.boundedRequests} requests came well after the previous response on their connection ` +
        '(a pool spreading its callers over more connections than it has callers, or clients pausing), so that response is an early limit.'
      : '';
  return {
    code: 'queued-before-first-span',
    message:
      `${plural(b.requests, 'request')} arrived while the event loop was busy with other work and waited ${b.bound === 'upper' ? 'at most' : 'about'} ` +
      `${fmtMs(b.totalUs / 1000)} in total (up to ${fmtMs(b.maxUs / 1000)} each; ${fmtPct(b.totalUs / totalUs)} of the critical path) ` +
      'before their first span, where no span can show it (measured from the previous response on the same connection, ' +
      `or the first request, to the request's start, while the loop was busy).${unbounded}${upper} The queued share leaves this out.`,
    count: b.requests,
    valueMs: b.totalUs / 1000,
  };
}

/**
 * Requests are traces rooted in a server or consumer span. Traces rooted elsewhere (a pool connecting at
 * startup, a DNS lookup from a timer) are background work: when there are requests, they would only pollute
 * the endpoints, so they are left out and counted. Inputs with no server spans at all (batch jobs) keep all.
 */
function requestTraces(traces: Trace[], warnings: Warning[]): Trace[] {
  const isRequest = (t: Trace): boolean => t.root.kind === 'server' || t.root.kind === 'consumer';
  const requests = traces.filter(isRequest);
  if (requests.length === 0 || requests.length === traces.length) return traces;
  const left = traces.length - requests.length;
  warnings.push({
    code: 'background-traces',
    message: `${left} trace(s) not rooted in a server or consumer span (background work such as pool connects at startup) were left out of the request statistics`,
    count: left,
  });
  return requests;
}

/** Time-range and service filters, applied before accounting (the thread index still sees every trace). */
function selectTraces(traces: Trace[], opts: AnalyzeOptions): Trace[] {
  const inRange = (s: Span): boolean =>
    (opts.sinceUs === undefined || s.startUs >= opts.sinceUs) && (opts.untilUs === undefined || s.startUs < opts.untilUs);
  const out: Trace[] = [];
  for (const t of traces) {
    if (!opts.service) {
      if (inRange(t.root)) out.push(t);
      continue;
    }
    if (t.root.service === opts.service) {
      if (inRange(t.root)) out.push(t);
      continue;
    }
    for (const entry of entrySpans(t, opts.service)) if (inRange(entry)) out.push(subTrace(t, entry));
  }
  return out;
}

/** The topmost spans of `service` in a trace rooted elsewhere (where a call entered that service). */
function entrySpans(t: Trace, service: string): Span[] {
  const out: Span[] = [];
  const stack: Span[] = [t.root];
  while (stack.length) {
    const s = stack.pop()!;
    if (s.service === service) {
      out.push(s);
      continue; // its subtree belongs to this entry
    }
    for (const c of t.children.get(s.spanId) ?? []) stack.push(c);
  }
  return out.sort((a, b) => a.startUs - b.startUs);
}

/** The subtree under `root` as a trace of its own (same trace id, so on-thread ownership still matches). */
export function subTrace(t: Trace, root: Span): Trace {
  const spans: Span[] = [];
  const stack: Span[] = [root];
  while (stack.length) {
    const s = stack.pop()!;
    spans.push(s);
    for (const c of t.children.get(s.spanId) ?? []) stack.push(c);
  }
  spans.sort((a, b) => a.startUs - b.startUs);
  return { traceId: t.traceId, root, spans, children: t.children, byId: t.byId };
}

/** One profile drives the profile section: the one with the most samples. */
function pickProfile(profiles: Profile[], warnings: Warning[]): Profile | undefined {
  if (profiles.length === 0) return undefined;
  const weight = (p: Profile): number => p.samples.reduce((n, s) => n + s.weightUs, 0);
  let best = profiles[0];
  for (const p of profiles) if (weight(p) > weight(best)) best = p;
  if (profiles.length > 1) {
    warnings.push({
      code: 'profiles-ignored',
      message: `${profiles.length - 1} other CPU profile(s) were read but only the largest (${best.source}) is summarized`,
      count: profiles.length - 1,
    });
  }
  return best;
}

function inputSummary(input: IngestResult, hasOnThreadData: boolean): InputSummary {
  const services = new Set<string>();
  const languages = new Set<Language>();
  let start = Infinity;
  let end = -Infinity;
  let lastService: string | undefined;
  let lastLanguage: Language | undefined;
  for (const s of input.spans) {
    // Neighbouring spans mostly share both: the sets only see changes.
    if (s.service !== lastService) services.add((lastService = s.service));
    if (s.language !== lastLanguage) languages.add((lastLanguage = s.language));
    if (s.startUs < start) start = s.startUs;
    if (s.endUs > end) end = s.endUs;
  }
  const rt = input.runtime;
  return {
    files: input.files,
    services: [...services].sort(),
    languages: [...languages].sort(),
    startEpochMs: Number.isFinite(start) ? start / 1000 : 0,
    endEpochMs: Number.isFinite(end) ? end / 1000 : 0,
    hasRuntimeData: rt.samples.length > 0 || rt.gc.length > 0 || hasBusyOutsideSpans(rt),
    hasOnThreadData,
  };
}
