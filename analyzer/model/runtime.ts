import type { EpochUs, Slice } from './span.js';

/** One periodic runtime sample of one process (from runtime.jsonl). */
export interface RuntimeSample {
  pid: number;
  timeUs: EpochUs;
  /** Event-loop delay over the interval (perf_hooks.monitorEventLoopDelay), milliseconds. */
  loopDelay: { minMs: number; meanMs: number; p50Ms: number; p99Ms: number; maxMs: number };
  /** Event-loop utilisation over the interval, 0..1. Unreliable while the V8 profiler samples (flagged). */
  elu: number;
  cpuUserUs: number;
  cpuSystemUs: number;
  rssBytes: number;
  heapUsedBytes: number;
  activeHandles: number;
  /** Spans open at the sample time (concurrency). */
  openSpans?: number;
  profilerActive?: boolean;
}

export interface GcPause {
  pid: number;
  startUs: EpochUs;
  durationUs: number;
  kind: 'minor' | 'major' | 'incremental' | 'weakcb' | 'unknown';
}

/** Everything a recording knows about processes besides spans. */
export interface RuntimeData {
  samples: RuntimeSample[];
  gc: GcPause[];
  /** Per pid: on-thread intervals of work that ran with *no* active span (other work on the loop), sorted. */
  untracedBusy: Map<number, Slice[]>;
  /**
   * Per pid: on-thread intervals of the recorder's own work (timesink encoding and writing spans), sorted. They hold
   * up requests like untracedBusy, but are not the app's work: no finding points at them.
   */
  recorderBusy: Map<number, Slice[]>;
}

/** On-thread work outside any span, per pid: the app's untraced work, then the recorder's own. */
export function* busyOutsideSpans(r: RuntimeData): Generator<[pid: number, slices: Slice[]]> {
  yield* r.untracedBusy;
  yield* r.recorderBusy;
}

export function hasBusyOutsideSpans(r: RuntimeData): boolean {
  return r.untracedBusy.size > 0 || r.recorderBusy.size > 0;
}

export function emptyRuntime(): RuntimeData {
  return { samples: [], gc: [], untracedBusy: new Map(), recorderBusy: new Map() };
}
