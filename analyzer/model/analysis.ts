import type { Breakdown, Category, Fractions } from './categories.js';
import type { Language, SpanKind, SpanStatus } from './span.js';
import type { FrameOrigin } from './profile.js';
import type { DetectorId } from '../detectors/registry.js';

/**
 * analysis.json — the only thing the viewer, `diff` and CI read. Versioned; JSON Schema in
 * analyzer/schema/analysis.schema.json. Field names here are a public contract.
 * All durations are milliseconds unless the name says otherwise.
 */
export const SCHEMA_VERSION = 1 as const;

export interface Warning {
  /** Stable machine code, e.g. "orphan-rerooted", "duplicate-span", "clipped-overflow", "unreadable-file". */
  code: string;
  /** A sentence a person understands. */
  message: string;
  count?: number;
  file?: string;
  /** The time the warning is about, ms, when it has one (e.g. queued-before-first-span: the bound on that wait). */
  valueMs?: number;
}

export interface Percentiles {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface EndpointSummary extends Percentiles {
  service: string;
  name: string;
  language: Language;
  count: number;
  errors: number;
  /** Total critical-path ms per category, summed over the endpoint's traces. */
  breakdown: Breakdown;
  fractions: Fractions;
  /** Mean critical-path ms per request per category. */
  meanBreakdown: Breakdown;
  /** p95 of each category's per-request ms. */
  p95Breakdown: Breakdown;
}

export interface ServiceSummary {
  service: string;
  language: Language;
  traces: number;
  spans: number;
  breakdown: Breakdown;
  fractions: Fractions;
}

export interface Evidence {
  traceId: string;
  parentSpanId?: string;
  spanIds: string[];
  /** "file:line" where known (profile frame or span code location). */
  location?: string;
}

export interface Advice {
  language: Language;
  text: string;
  /** A short code sketch in that language. */
  sketch?: string;
}

/**
 * Detector ids are a contract: they appear in `fixes[].detector` and in `--fail-on fix:<id>`. Their one source is
 * the registry of detectors (analyzer/detectors/registry.ts); the JSON schema's enum is tested against it.
 */
export type { DetectorId };

export interface Fix {
  rank: number;
  detector: DetectorId;
  /** The detector's display name (its registry entry's `name`), for the report; absent in older analyses. */
  detectorName?: string;
  title: string;
  /** One sentence with the numbers. */
  why: string;
  /** Marginal saving after the fixes ranked above it are applied (sum over affected traces, ms). */
  savingMs: number;
  /** savingMs / summary.criticalPathMs. */
  savingFraction: number;
  /** The saving if this fix were applied alone. */
  standaloneSavingMs: number;
  confidence: 'high' | 'medium' | 'low';
  service: string;
  endpoint?: string;
  affectedTraces: number;
  advice: Advice;
  evidence: Evidence[];
  /** Detector-specific numbers (e.g. { calls: 20, statement: "SELECT ..." }). */
  details?: Record<string, string | number | boolean>;
  /** Event-loop time the change frees, summed over requests (replay/loop-time-cut.ts): what raises capacity. */
  loopTimeSavedMs?: number;
  /**
   * Queueing the freed loop time removes besides `savingMs`, the queueing before first spans included (aggregate/
   * saturation.ts, docs/accounting.md): a closed-loop model, so at least this much; marginal after the fixes above.
   */
  queueSavingMs?: number;
}

/** Capacity of one process after some fixes (aggregate/saturation.ts). */
export interface CapacityProjection {
  /** Ranks of the fixes applied: the top ones that remove work from the loop (not those moving it to another thread). */
  fixRanks: number[];
  cpuMsPerRequest: number;
  saturationPerSec: number;
  /** Queueing those fixes remove, ms in total: closed loop (clients wait for answers) and a fixed arrival rate (M/D/1). */
  queueSavingMs: number;
  queueSavingOpenLoopMs: number;
}

/**
 * The event loop's load and the capacity it implies. When `saturated`, this is the first answer: the loop is the
 * bottleneck, and the way out is less loop time per request or more processes.
 */
export interface Saturation {
  /** Utilisation at least SATURATED_UTILIZATION and queueing (before first spans included) the largest share. */
  saturated: boolean;
  /** Share of the serving window the request-serving threads ran JavaScript (on-thread data), weighted by window. */
  utilization: number;
  /** Mean event-loop utilisation of the runtime samples in the window, when no profiler skewed them. */
  eluMean?: number;
  /** (queued on the critical path + queued before first spans) / (critical path + queued before first spans). */
  queuedShare: number;
  /** Queueing no span shows (accounting/before-first-span.ts); `bound` says whether it is an estimate or an upper bound. */
  beforeFirstSpan: { requests: number; totalMs: number; bound: 'estimate' | 'upper' };
  requests: number;
  windowMs: number;
  /** Requests served per second over the window, all processes together. */
  throughputPerSec: number;
  processes: number;
  /** os.availableParallelism() of the recording machine, when the recording says. */
  coresAvailable?: number;
  /** Σ over the request-serving threads of their busy share: cores' worth of event-loop work. */
  coresUsed: number;
  /** On-thread time per request: its own spans' JavaScript plus an even share of the work outside any span. */
  cpuMsPerRequest: number;
  /** Of which the even share of the work outside any span (untraced app work, the recorder's, the loop between callbacks). */
  outsideSpansMsPerRequest: number;
  /** 1000 / cpuMsPerRequest: the rate at which one process's event loop is fully busy. */
  saturationPerSec: number;
  endpoints: { endpoint: string; requests: number; cpuMsPerRequest: number; cpuShare: number }[];
  /** Where the profile says the time goes (hot functions, idle frames left out). */
  hotFunctions: { name: string; location?: string; selfFraction: number }[];
  /** With the top fixes that free loop time applied. */
  projection?: CapacityProjection;
  /** The answer in words, numbers included. */
  sentence: string;
}

export interface WaterfallSpan {
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: SpanKind;
  class: string;
  status: SpanStatus;
  /** Relative to the trace start. */
  startMs: number;
  durationMs: number;
  unfinished?: boolean;
  /** A few redacted attributes worth showing (db.statement, url, route, code location). */
  attributes: Record<string, string | number | boolean>;
  /** [startMs, durationMs] relative to trace start. */
  onThread?: [number, number][];
  queued?: [number, number][];
}

export interface PathSegment {
  spanId: string;
  /** Relative to the trace start. */
  startMs: number;
  endMs: number;
  category: Category;
}

export interface TraceDetail {
  traceId: string;
  service: string;
  endpoint: string;
  durationMs: number;
  /** Epoch ms of the trace start. */
  startEpochMs: number;
  why: 'slowest' | 'representative' | 'evidence';
  breakdown: Breakdown;
  spans: WaterfallSpan[];
  criticalPath: PathSegment[];
  /** True when the span list was cut to bound the report size. */
  truncated?: boolean;
}

export interface TimelinePoint {
  tMs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  elu: number;
  cpuPct: number;
  heapUsedMb: number;
  rssMb: number;
  openSpans?: number;
}

export interface Timeline {
  pid: number;
  startEpochMs: number;
  points: TimelinePoint[];
  gc: { tMs: number; durationMs: number; kind: string }[];
  /** Concurrency: requests (server spans) in flight over time. */
  concurrency: { tMs: number; inFlight: number }[];
  profilerActive: boolean;
}

export interface HotFunction {
  name: string;
  location?: string;
  origin: FrameOrigin;
  selfMs: number;
  totalMs: number;
  selfFraction: number;
  /** Self ms of samples that fell inside critical-path on-thread time (timed profiles only). */
  onCriticalPathMs?: number;
  /** For a dependency's or the runtime's function: the app frame ("file:line") most of its time was called from. */
  calledFrom?: string;
}

/** Flamegraph tree, pruned to nodes >= 0.1 % of total to bound size. */
export interface FlameNode {
  name: string;
  location?: string;
  origin: FrameOrigin;
  valueMs: number;
  children: FlameNode[];
}

export interface ProfileSummary {
  source: string;
  format: string;
  totalMs: number;
  timed: boolean;
  /** Hot functions by self time of CPU samples only: never idle waits, GC, the recorder or blocked sync calls. */
  hotFunctions: HotFunction[];
  flamegraph: FlameNode;
  /** Self ms of CPU samples by the origin of their leaf frame. */
  byOrigin: Record<FrameOrigin, number>;
  /** Samples (ms) that were the app's CPU time: what hot functions' selfFraction is a share of. */
  cpuMs?: number;
  /** Samples of the thread idle or waiting (epoll_pwait, (idle), (program), libuv waits): never CPU. */
  idleMs?: number;
  /** Samples in garbage collection. */
  gcMs?: number;
  /** Samples of the recorder's own work (timesink, OpenTelemetry, require/import-in-the-middle): recording cost. */
  recorderMs?: number;
  /** Samples of the thread blocked in a synchronous call (execSync, *Sync fs, Atomics.wait): waiting, not CPU. */
  blockedMs?: number;
}

/**
 * The recorder's own on-thread work, stated apart (aggregate/recording-cost.ts): never a fix, never a hot function.
 * Recorder work inside a request's on-thread time stays in that request's `cpu` share, and time other requests queued
 * behind it in their `queued` share: these numbers say how much of those shares is the recording's.
 */
export interface RecordingCost {
  /** Requests the cost is spread over. */
  requests: number;
  /** The recorder's thread time while requests ran, ms: its own accounting plus profile samples of its code. */
  threadMs: number;
  threadMsPerRequest: number;
  /** Of the requests' critical paths, ms: recorder samples inside their cpu, and their queueing behind the recorder. */
  onCriticalPathMs: number;
  /** onCriticalPathMs / the total critical path. */
  criticalPathShare: number;
  /** What the numbers rest on: the recorder's `busy` accounting, profile samples in its frames, or both. */
  sources: ('recorder-accounting' | 'profile')[];
}

export interface InputSummary {
  files: { path: string; format: string; spans: number; partial?: boolean }[];
  services: string[];
  languages: Language[];
  startEpochMs: number;
  endEpochMs: number;
  hasRuntimeData: boolean;
  hasOnThreadData: boolean;
}

/** An I/O library a recorded process loaded (format/io-libraries.ts), and whether timesink instruments it. */
export interface CoverageLibrary {
  pkg: string;
  what: string;
  category: 'db' | 'cache' | 'messaging' | 'network';
  instrumented: boolean;
}

/** What the spans could and could not see (analyzer/aggregate/coverage.ts). */
export interface Coverage {
  /** I/O libraries the recorded processes loaded (timesink recordings only; absent for foreign traces). */
  loaded?: CoverageLibrary[];
  /** Instrumentation scopes that produced spans, most spans first (at most 30). */
  scopes: { name: string; spans: number }[];
  /** summary.breakdown.uninstrumented_wait, and its share of the critical path. */
  uninstrumentedWaitMs: number;
  uninstrumentedWaitFraction: number;
}

export interface Analysis {
  schemaVersion: typeof SCHEMA_VERSION;
  generator: { name: 'timesink'; version: string; createdAt: string };
  inputs: InputSummary;
  summary: Percentiles & {
    traces: number;
    spans: number;
    /** Sum over traces of the critical-path length (= root span duration). */
    criticalPathMs: number;
    breakdown: Breakdown;
    fractions: Fractions;
    /** One sentence: what dominates. */
    verdict: string;
  };
  endpoints: EndpointSummary[];
  services: ServiceSummary[];
  fixes: Fix[];
  traces: TraceDetail[];
  timelines: Timeline[];
  profile?: ProfileSummary;
  /** What recording cost the recorded process (timesink's own recordings); absent when nothing says. */
  recordingCost?: RecordingCost;
  coverage?: Coverage;
  /** Event-loop load and capacity, when the recording has on-thread data (aggregate/saturation.ts). */
  saturation?: Saturation;
  /** True when some input was unreadable or cut short: results are partial. */
  partial: boolean;
  warnings: Warning[];
  redacted: boolean;
}
