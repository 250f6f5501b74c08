/** Recorder settings, from the environment (the one interface that crosses `record` → child processes). */
import path from 'node:path';

export interface RecorderSettings {
  outDir: string;
  redact: boolean;
  onThread: boolean;
  runtimeIntervalMs: number;
  flushIntervalMs: number;
  profiler: 'inspector' | '0x' | 'none';
  /** Span buffer size that forces a write before the flush timer fires. */
  maxBufferedSpans: number;
  /** Max slices kept per span (the on-thread total stays exact). */
  maxSlices: number;
  /** Record where in the app client/internal spans start (ATTR.location), sampled. */
  codeLocations: boolean;
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
  const profiler = env.TIMESINK_PROFILER === 'inspector' || env.TIMESINK_PROFILER === '0x' ? env.TIMESINK_PROFILER : 'none';
  return {
    outDir: env.TIMESINK_OUT ? path.resolve(env.TIMESINK_OUT) : defaultOutDir(),
    redact: flag(env.TIMESINK_REDACT, true),
    onThread: flag(env.TIMESINK_ONTHREAD, true),
    // 100 ms: fine enough to see a loop stall of one slow request, coarse enough to cost ~0.02 % of a core.
    runtimeIntervalMs: positiveInt(env.TIMESINK_RUNTIME_MS, 100),
    flushIntervalMs: Math.min(positiveInt(env.TIMESINK_FLUSH_MS, 1000), 1000),
    profiler,
    // Small batches: serialised spans die young (cheap scavenges) instead of piling up for a second and
    // being promoted to the old generation; a write of ~250 KB costs little.
    maxBufferedSpans: 256,
    maxSlices: positiveInt(env.TIMESINK_MAX_SLICES, 256),
    codeLocations: flag(env.TIMESINK_CODE_LOCATIONS, true),
  };
}
