/**
 * runtime-<pid>.jsonl: a sample every interval (event-loop delay, ELU, CPU, memory, handles, open spans), every GC
 * pause, and the on-thread work that ran with no active span ("busy"). Lines are buffered and written by flush().
 */
import { constants, monitorEventLoopDelay, performance, PerformanceObserver, type EventLoopUtilization, type IntervalHistogram } from 'node:perf_hooks';
import type { RuntimeLine } from '../format/recording.js';
import { nowUs, perfMsToEpochUs } from './clock.js';
import type { LineFile } from './line-file.js';
import type { OnThreadTracker } from './on-thread.js';

type GcKind = Extract<RuntimeLine, { t: 'gc' }>['kind'];

export function gcKind(kind: number | undefined): GcKind {
  switch (kind) {
    case constants.NODE_PERFORMANCE_GC_MINOR:
      return 'minor';
    case constants.NODE_PERFORMANCE_GC_MAJOR:
      return 'major';
    case constants.NODE_PERFORMANCE_GC_INCREMENTAL:
      return 'incremental';
    case constants.NODE_PERFORMANCE_GC_WEAKCB:
      return 'weakcb';
    default:
      return 'unknown';
  }
}

/** Busy slices [startMs, endMs, ...] (performance clock) → one runtime line. */
export function busyLine(pid: number, flat: number[], by?: 'recorder'): RuntimeLine | null {
  if (flat.length < 2) return null;
  const ts = Math.round(perfMsToEpochUs(flat[0]!));
  const parts: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    const off = Math.round(perfMsToEpochUs(flat[i]!) - ts);
    const dur = Math.round((flat[i + 1]! - flat[i]!) * 1000);
    if (dur > 0) parts.push(`${off}:${dur}`);
  }
  if (!parts.length) return null;
  return { t: 'busy', pid, ts, slices: parts.join(','), ...(by ? { by } : {}) };
}

const ns2ms = (ns: number): number => Math.round(ns / 1e3) / 1e3;

export class RuntimeSampler {
  private pending: string[] = [];
  private histogram: IntervalHistogram | null = null;
  private elu: EventLoopUtilization | null = null;
  private cpu: NodeJS.CpuUsage | null = null;
  private observer: PerformanceObserver | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly pid: number,
    private readonly file: LineFile,
    private readonly intervalMs: number,
    private readonly openSpans: () => number,
    private readonly profilerActive: () => boolean,
    private readonly tracker: OnThreadTracker | null,
  ) {}

  start(): void {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.elu = performance.eventLoopUtilization();
    this.cpu = process.cpuUsage();
    this.observer = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        const detail = (e as { detail?: { kind?: number } }).detail;
        this.push({ t: 'gc', pid: this.pid, ts: Math.round(perfMsToEpochUs(e.startTime)), durUs: Math.round(e.duration * 1000), kind: gcKind(detail?.kind) });
      }
    });
    this.observer.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.histogram?.disable();
    this.observer?.disconnect();
    this.timer = null;
  }

  /** One periodic sample; values are over the interval since the previous sample (cpu as deltas). */
  sample(): void {
    const h = this.histogram;
    if (!h || !this.elu || !this.cpu) return;
    const elu = performance.eventLoopUtilization(this.elu);
    this.elu = performance.eventLoopUtilization();
    const cpu = process.cpuUsage(this.cpu);
    this.cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const has = h.count > 0;
    this.push({
      t: 'sample',
      pid: this.pid,
      ts: Math.round(nowUs()),
      loopDelay: {
        minMs: has ? ns2ms(h.min) : 0,
        meanMs: has ? ns2ms(h.mean) : 0,
        p50Ms: has ? ns2ms(h.percentile(50)) : 0,
        p99Ms: has ? ns2ms(h.percentile(99)) : 0,
        maxMs: has ? ns2ms(h.max) : 0,
      },
      elu: Math.round(elu.utilization * 1e4) / 1e4,
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      rss: mem.rss,
      heapUsed: mem.heapUsed,
      handles: process.getActiveResourcesInfo().length,
      openSpans: this.openSpans(),
      ...(this.profilerActive() ? { profilerActive: true } : {}),
    });
    h.reset();
  }

  private push(line: RuntimeLine): void {
    // Bound memory if writes keep failing: the file is broken, keep nothing.
    if (this.file.broken) return;
    this.pending.push(JSON.stringify(line));
  }

  flush(): void {
    if (this.tracker) {
      const line = busyLine(this.pid, this.tracker.drainBusy());
      if (line) this.push(line);
      const own = busyLine(this.pid, this.tracker.drainRecorder(), 'recorder');
      if (own) this.push(own);
    }
    if (this.pending.length === 0) return;
    const text = `${this.pending.join('\n')}\n`;
    this.pending = [];
    this.file.append(text);
  }
}
