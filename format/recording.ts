/**
 * The recording format: the contract between instrumentation/ (writer) and analyzer/ingest (reader).
 * Documented for humans in docs/recording-format.md; change both together and bump FORMAT_VERSION.
 *
 *   <dir>/manifest.json             Manifest (rewritten at start, periodically, and at exit)
 *   <dir>/spans-<pid>.jsonl         OTLP JSON Lines: one TracesData object per line (file exporter spec)
 *   <dir>/runtime-<pid>.jsonl       RuntimeLine objects, one per line
 *   <dir>/profile/...               0x output (ticks) or <pid>.cpuprofile
 */

export const FORMAT_VERSION = 1;
export const MANIFEST_FILE = 'manifest.json';
export const SPANS_PREFIX = 'spans';
export const RUNTIME_PREFIX = 'runtime';
export const PROFILE_DIR = 'profile';

/** Span attributes timesink adds; everything else is standard OpenTelemetry semantic conventions. */
export const ATTR = {
  /** Precise start, microseconds since epoch (OpenTelemetry JS start times are only millisecond-exact). */
  startUs: 'timesink.start_us',
  /** Precise duration in microseconds (from the same monotonic clock as startUs). */
  durationUs: 'timesink.duration_us',
  /** Total on-thread time of this span's own JavaScript, microseconds. */
  onThreadUs: 'timesink.on_thread_us',
  /**
   * On-thread slices relative to the precise start: "off:dur,off:dur" in integer microseconds.
   * Capped (see slicesDropped) to bound size; the total above stays exact.
   */
  slices: 'timesink.slices',
  slicesDropped: 'timesink.slices_dropped',
  /**
   * Of the on-thread time, how much the thread spent blocked in a synchronous call (execSync, spawnSync, a slow *Sync
   * fs call, Atomics.wait) rather than computing, µs: wall − CPU time over the span's on-thread slices of 1 ms or more.
   * Absent when none was seen. See docs/recording-format.md.
   */
  blockedUs: 'timesink.thread.blocked_us',
  /** The span was still open when the process exited; its end is the exit time. */
  unfinished: 'timesink.unfinished',
  /** Code location of the call that started the span ("file:line:col"), when captured. */
  location: 'timesink.code_location',
  /** The next app frames up the stack from the location, innermost first, newline-separated (up to two). */
  callers: 'timesink.code_callers',
} as const;

export interface ClockMapping {
  /** epochUs = monotonicUs + offsetUs, where monotonicUs = performance.timeOrigin-relative µs. */
  offsetUs: number;
  /** performance.timeOrigin of the process (ms since epoch). */
  timeOriginMs: number;
  /** How the profile's timestamps map to epoch µs (profile ts are µs on V8's monotonic clock). */
  profileOffsetUs?: number;
  /** Worst-case error of the mapping, µs. */
  errorUs?: number;
}

export interface ProcessEntry {
  pid: number;
  ppid?: number;
  argv: string[];
  /** The process's working directory at start: the analyzer shows code locations under it relative to it. */
  cwd?: string;
  nodeVersion: string;
  startUs: number;
  endUs?: number;
  exit?: { code?: number | null; signal?: string | null; reason?: 'exit' | 'signal' | 'uncaughtException' | 'unhandledRejection' };
  clock: ClockMapping;
  files: string[];
  /** Spans the exporter could not write (queue overflow, I/O error): never silent. */
  droppedSpans: number;
  spansWritten: number;
  warnings: string[];
  /**
   * The packages of format/io-libraries.ts the process had loaded when the manifest was last written (CommonJS module
   * cache; sorted). Absent in recordings made before it was recorded.
   */
  ioLibraries?: string[];
}

export interface Manifest {
  format: 'timesink-recording';
  formatVersion: number;
  timesinkVersion: string;
  command?: string[];
  startUs: number;
  endUs?: number;
  settings: {
    redact: boolean;
    onThread: boolean;
    runtimeIntervalMs: number;
    profiler: '0x' | 'inspector' | 'pprof' | 'none';
    /** CPU profile sampling interval, µs (absent in recordings made before it was settable: V8's 1,000). */
    profileIntervalUs?: number;
  };
  processes: ProcessEntry[];
  profile?: { format: '0x' | 'cpuprofile'; files: string[]; pid?: number };
  /** os.availableParallelism() where the recording ran: the cores a saturated service could spread over. */
  availableParallelism?: number;
}

/** Lines of runtime-<pid>.jsonl, discriminated by `t`. Times are epoch µs. */
export type RuntimeLine =
  | {
      t: 'sample';
      pid: number;
      ts: number;
      loopDelay: { minMs: number; meanMs: number; p50Ms: number; p99Ms: number; maxMs: number };
      elu: number;
      cpuUserUs: number;
      cpuSystemUs: number;
      rss: number;
      heapUsed: number;
      handles: number;
      openSpans?: number;
      profilerActive?: boolean;
    }
  | { t: 'gc'; pid: number; ts: number; durUs: number; kind: 'minor' | 'major' | 'incremental' | 'weakcb' | 'unknown' }
  /**
   * Coalesced on-thread work that ran with no active span: "off:dur,..." relative to ts. `by: 'recorder'`: timesink's
   * own work (encoding and writing spans), which holds up requests like any other but is not the app's to fix.
   */
  | { t: 'busy'; pid: number; ts: number; slices: string; by?: 'recorder' };

/** `timesink-<yyyymmdd-hhmmss>` in local time: the default recording directory name. */
export function defaultRecordingDirName(now: Date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `timesink-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}
