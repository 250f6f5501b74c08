import type { Timeline, TimelinePoint } from '../model/analysis.js';
import type { RuntimeData, RuntimeSample } from '../model/runtime.js';
import type { Span } from '../model/span.js';

/** Bounds each series so a long recording stays a small report; extremes survive the thinning (see thin). */
export const MAX_TIMELINE_POINTS = 2000;

/**
 * One timeline per process with runtime data: loop delay, ELU, CPU %, memory, GC pauses and how many requests
 * (server spans of that pid) were in flight. Times are ms relative to the process's first observation.
 */
export function buildTimelines(runtime: RuntimeData, spans: readonly Span[]): Timeline[] {
  const samplesByPid = new Map<number, RuntimeSample[]>();
  for (const s of runtime.samples) {
    let a = samplesByPid.get(s.pid);
    if (!a) samplesByPid.set(s.pid, (a = []));
    a.push(s);
  }
  const pids = new Set<number>([...samplesByPid.keys(), ...runtime.gc.map((g) => g.pid)]);
  const serverByPid = new Map<number, Span[]>();
  for (const s of spans) {
    if (s.kind !== 'server' || s.pid === undefined || !pids.has(s.pid)) continue;
    let a = serverByPid.get(s.pid);
    if (!a) serverByPid.set(s.pid, (a = []));
    a.push(s);
  }
  const out: Timeline[] = [];
  for (const pid of [...pids].sort((a, b) => a - b)) {
    const samples = (samplesByPid.get(pid) ?? []).sort((a, b) => a.timeUs - b.timeUs);
    const gc = runtime.gc.filter((g) => g.pid === pid).sort((a, b) => a.startUs - b.startUs);
    const servers = serverByPid.get(pid) ?? [];
    let startUs = Infinity;
    if (samples.length) startUs = Math.min(startUs, samples[0].timeUs);
    if (gc.length) startUs = Math.min(startUs, gc[0].startUs);
    for (const s of servers) startUs = Math.min(startUs, s.startUs);
    if (!Number.isFinite(startUs)) continue;
    const rel = (us: number): number => (us - startUs) / 1000;

    const points: TimelinePoint[] = [];
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      // CPU is reported as deltas over the interval since the previous sample.
      const intervalUs = i > 0 ? s.timeUs - samples[i - 1].timeUs : 0;
      const p: TimelinePoint = {
        tMs: rel(s.timeUs),
        loopDelayP99Ms: s.loopDelay.p99Ms,
        loopDelayMaxMs: s.loopDelay.maxMs,
        elu: s.elu,
        cpuPct: intervalUs > 0 ? (100 * (s.cpuUserUs + s.cpuSystemUs)) / intervalUs : 0,
        heapUsedMb: s.heapUsedBytes / 1048576,
        rssMb: s.rssBytes / 1048576,
      };
      if (s.openSpans !== undefined) p.openSpans = s.openSpans;
      points.push(p);
    }
    out.push({
      pid,
      startEpochMs: startUs / 1000,
      points: thin(points, (p) => p.loopDelayMaxMs),
      gc: thin(
        gc.map((g) => ({ tMs: rel(g.startUs), durationMs: g.durationUs / 1000, kind: g.kind })),
        (g) => g.durationMs,
      ),
      concurrency: thin(concurrency(servers, rel), (c) => c.inFlight),
      profilerActive: samples.some((s) => s.profilerActive === true),
    });
  }
  return out;
}

/** Requests in flight: a step function with one point per change. */
function concurrency(servers: readonly Span[], rel: (us: number) => number): { tMs: number; inFlight: number }[] {
  const n = servers.length;
  const starts = Float64Array.from(servers, (s) => s.startUs).sort();
  const ends = Float64Array.from(servers, (s) => s.endUs).sort();
  const out: { tMs: number; inFlight: number }[] = [];
  let i = 0;
  let j = 0;
  let inFlight = 0;
  while (i < n || j < n) {
    // Ends first at equal times: a request that ends as another starts was never concurrent with it.
    const t = j < n && (i >= n || ends[j] <= starts[i]) ? ends[j] : starts[i];
    while (j < n && ends[j] === t) {
      inFlight--;
      j++;
    }
    while (i < n && starts[i] === t) {
      inFlight++;
      i++;
    }
    const last = out[out.length - 1];
    if (last && last.tMs === rel(t)) last.inFlight = inFlight;
    else out.push({ tMs: rel(t), inFlight });
  }
  return out;
}

/** Keeps at most MAX_TIMELINE_POINTS: per bucket, the point with the largest `weight` (peaks stay visible). */
export function thin<T>(points: T[], weight: (p: T) => number, max = MAX_TIMELINE_POINTS): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  const per = points.length / max;
  for (let b = 0; b < max; b++) {
    const from = Math.floor(b * per);
    const to = Math.min(points.length, Math.floor((b + 1) * per));
    let best = points[from];
    for (let k = from + 1; k < to; k++) if (weight(points[k]) > weight(best)) best = points[k];
    out.push(best);
  }
  return out;
}
