/** Recorder settings, from the environment (the one interface that crosses `record` → child processes). */
import path from 'node:path';
import type { Manifest } from '../format/recording.js';

export interface RecorderSettings {
  outDir: string;
  redact: boolean;
  onThread: boolean;
  runtimeIntervalMs: number;
  flushIntervalMs: number;
  profiler: 'inspector' | '0x' | 'pprof' | 'none';
  /** Span buffer size that forces a write before the flush timer fires. */
  maxBufferedSpans: number;
  /** Max slices kept per span (the on-thread total stays exact). */
  maxSlices: number;
  /** Record where in the app client/internal spans start (ATTR.location), sampled. */
  codeLocations: boolean;
  /** CPU profile sampling interval, µs (inspector profiler here; `record` passes it to 0x's V8 as well). */
  profileIntervalUs: number;
  /**
   * Who makes the spans: 'lean' = timesink's lean sources (lean/index.ts) for the libraries they cover and
   * OpenTelemetry's contrib instrumentations for the rest; 'otel' = OpenTelemetry's for everything.
   */
  instrumentations: InstrumentationChoice;
}

export const INSTRUMENTATION_CHOICES = ['lean', 'otel'] as const;
export type InstrumentationChoice = (typeof INSTRUMENTATION_CHOICES)[number];

/**
 * V8's own default. Each sample costs a signal, a stack walk and (0x) a log line, every interval whatever the load:
 * on the realistic bench service the 1 ms profile adds +17 to +33 % CPU per request to a recording. A coarser
 * interval costs less (not proportionally) and resolves less (docs/BENCHMARKS.md, section 3).
 */
export const DEFAULT_PROFILE_INTERVAL_US = 1000;

/** TIMESINK_PROFILE_INTERVAL_US, or the default; at least 100 µs (finer sampling costs more than it shows). */
export function profileIntervalUs(env: NodeJS.ProcessEnv = process.env): number {
  return Math.max(100, positiveInt(env.TIMESINK_PROFILE_INTERVAL_US, DEFAULT_PROFILE_INTERVAL_US));
}

export function defaultOutDir(date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  const stamp = `${date.getFullYear()}${p(date.getMonth() + 1)}${p(date.getDate())}-${p(date.getHours())}${p(date.getMinutes())}${p(date.getSeconds())}`;
  return path.resolve(`timesink-${stamp}`);
}

function flag(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  return !['0', 'false', 'no', 'off'].includes(value.toLowerCase());
}

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
}

export function readSettings(env: NodeJS.ProcessEnv = process.env): RecorderSettings {
  const p = env.TIMESINK_PROFILER;
  const profiler = p === 'inspector' || p === '0x' || p === 'pprof' ? p : 'none';
  return {
    outDir: env.TIMESINK_OUT ? path.resolve(env.TIMESINK_OUT) : defaultOutDir(),
    redact: flag(env.TIMESINK_REDACT, true),
    onThread: flag(env.TIMESINK_ONTHREAD, true),
    // 100 ms: fine enough to see a loop stall of one slow request, coarse enough to cost ~0.02 % of a core.
    runtimeIntervalMs: positiveInt(env.TIMESINK_RUNTIME_MS, 100),
    flushIntervalMs: Math.min(positiveInt(env.TIMESINK_FLUSH_MS, 1000), 1000),
    profiler,
    // Small batches: ended spans die young (cheap scavenges) instead of piling up for a second and being promoted
    // to the old generation, and each flush is one short stretch of the recorder's work on the loop (~0.3 ms for
    // 64 spans; 256 took 1.1 ms median, up to 4.6 ms, in front of whatever request was ready next).
    maxBufferedSpans: 64,
    maxSlices: positiveInt(env.TIMESINK_MAX_SLICES, 256),
    codeLocations: flag(env.TIMESINK_CODE_LOCATIONS, true),
    profileIntervalUs: profileIntervalUs(env),
    instrumentations: env.TIMESINK_INSTRUMENTATIONS?.toLowerCase() === 'otel' ? 'otel' : 'lean',
  };
}

/** What the manifest says of the settings a recording was made with (one derivation for `record` and the recorder). */
export function manifestSettings(settings: RecorderSettings): Manifest['settings'] {
  return {
    redact: settings.redact,
    onThread: settings.onThread,
    runtimeIntervalMs: settings.runtimeIntervalMs,
    profiler: settings.profiler,
    ...(settings.profiler === 'none' ? {} : { profileIntervalUs: settings.profileIntervalUs }),
  };
}
