export interface AppExit {
  code: number | null;
  signal: string | null;
  output: string;
  truthStats?: TruthStats;
}

export interface SeriesStats {
  count: number;
  meanMs: number;
  totalMs: number;
}

/** What an app prints at shutdown: its own measurement of the planted work. */
export interface TruthStats {
  burn?: SeriesStats;
  /** thumbnails: all of the handler's synchronous JavaScript, the burn included. */
  handler?: SeriesStats;
  blocking?: SeriesStats;
  /** files: Σ block × (other requests in flight during it). */
  delayed?: SeriesStats;
  /** orders, reports: each query round trip (call → result). */
  query?: SeriesStats;
  /** orders, reports: each query from the call to when the database had computed its answer (its clock_timestamp());
   * gateway: each upstream call from the call to when the upstream sent its answer (it stamps it). */
  answered?: SeriesStats;
  /** gateway: each upstream call (call → parsed body). */
  upstream?: SeriesStats;
  /** gateway: per dashboard request, the sum minus the longest of its three upstream calls. */
  parallelSaving?: SeriesStats;
  request?: SeriesStats;
  process?: { requests: number; cpuMsPerRequest: number };
  /** saturated: from the client's send stamp (x-timesink-sent-us) to the handler's start. */
  beforeHandler?: SeriesStats;
  /** saturated: performance.eventLoopUtilization() from the first request to the last response. */
  loop?: { activeMs: number; utilization: number; requests: number };
  [key: string]: unknown;
}

export interface RunningApp {
  url: string;
  pid: number;
  output(): string;
  stop(stopTimeoutMs?: number): Promise<AppExit>;
}

export declare function startApp(opts: {
  command: string[];
  env?: Record<string, string>;
  cwd?: string;
  timeoutMs?: number;
  echo?: boolean;
}): Promise<RunningApp>;

export declare function parseTruthStats(output: string): TruthStats | undefined;
