import type { CapacityProjection, Fix, ProfileSummary, Saturation } from '../model/analysis.js';
import type { Breakdown } from '../model/categories.js';
import type { RuntimeData } from '../model/runtime.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { BeforeFirstSpan } from '../accounting/before-first-span.js';
import type { LoopLoad } from '../accounting/loop-load.js';
import { fmtMs, fmtPct } from '../../format/human.js';

/**
 * A loop busy this share of the time it served requests has no room left: arrivals queue (docs/accounting.md). Below
 * libuv's own utilisation: the pieces of work recorded miss the loop's time between callbacks, more so on a contended
 * CPU (a loop whose ELU said 94 % read 83–89 % here).
 */
export const SATURATED_UTILIZATION = 0.8;
/** ... and queueing (before first spans included) must be at least this share of request time. */
export const SATURATED_QUEUED_SHARE = 0.4;
/**
 * Or queueing is most of request time on a loop busy at least DOMINANT_QUEUED_UTILIZATION: the requests in flight
 * wait for each other's work, so the loop is the bottleneck at the offered concurrency even where the recorded
 * pieces read it below SATURATED_UTILIZATION. Seen on a real Koa + Knex service under 4 connections, with the load
 * generator and the database on the same 2 cores: 76 % queued at 77 % utilisation (docs/ACCURACY.md).
 */
export const DOMINANT_QUEUED_SHARE = 0.6;
export const DOMINANT_QUEUED_UTILIZATION = 0.6;

/** The loop is the answer: busy, and requests mostly wait for it (docs/accounting.md §4c). */
export function isSaturated(utilization: number, queuedShare: number): boolean {
  return (
    (utilization >= SATURATED_UTILIZATION && queuedShare >= SATURATED_QUEUED_SHARE) ||
    (utilization >= DOMINANT_QUEUED_UTILIZATION && queuedShare >= DOMINANT_QUEUED_SHARE)
  );
}
/** The model's utilisation stays below 1: at 1 an open queue grows without end and any cut would "save" all of it. */
const MAX_MODEL_UTILIZATION = 0.99;
/** Fixes combined in the capacity projection ("with #1 and #2 ..."). */
const PROJECTED_FIXES = 2;
/** A projection that frees less than this share of the loop's time says nothing ("~44 req/s instead of 44"). */
const MIN_PROJECTED_SHARE = 0.02;

export interface SaturationInput {
  traces: readonly AnalyzedTrace[];
  loads: readonly LoopLoad[];
  beforeFirstSpan?: BeforeFirstSpan;
  /** Σ over traces, ms per category. */
  breakdown: Breakdown;
  criticalPathMs: number;
  runtime: RuntimeData;
  coresAvailable?: number;
  profile?: ProfileSummary;
  /** Ranked fixes, with loopTimeSavedMs where known. */
  fixes: readonly Fix[];
}

/**
 * The loop's load and capacity, and the queueing each fix that frees loop time would remove too. Undefined without
 * on-thread data (no loads): utilisation is then unknown. Pure.
 */
export function saturationOf(input: SaturationInput): { saturation?: Saturation; fixes: Fix[] } {
  const { loads, traces } = input;
  let requests = 0;
  let loopUs = 0;
  let outsideUs = 0;
  let windowSumUs = 0;
  let first = Infinity;
  let last = -Infinity;
  let coresUsed = 0;
  for (const l of loads) {
    const w = Math.max(1, l.windowEndUs - l.windowStartUs);
    requests += l.requests;
    // Short gaps between pieces of work are the loop moving on, not idling (loop-load.ts); they go with the work
    // outside spans, shared evenly.
    const busy = l.tracedUs + l.outsideSpansUs + l.shortGapsUs + l.gcOutsideUs;
    loopUs += busy;
    outsideUs += l.outsideSpansUs + l.shortGapsUs + l.gcOutsideUs;
    windowSumUs += w;
    coresUsed += busy / w;
    first = Math.min(first, l.windowStartUs);
    last = Math.max(last, l.windowEndUs);
  }
  if (requests === 0 || loopUs <= 0) return { fixes: [...input.fixes] };

  const utilization = Math.min(1, loopUs / windowSumUs);
  const bfs = input.beforeFirstSpan;
  const beforeMs = (bfs?.totalUs ?? 0) / 1000;
  const queuedMs = input.breakdown.queued;
  const queuedShare = (queuedMs + beforeMs) / Math.max(1e-9, input.criticalPathMs + beforeMs);
  const cpuUsPerRequest = loopUs / requests;
  const outsidePerRequestUs = outsideUs / requests;
  const saturationPerSec = 1e6 / cpuUsPerRequest;
  const windowMs = Math.max(0, last - first) / 1000;

  const fixes = priceQueueing(input.fixes, { loopMs: loopUs / 1000, inSpanQueuedMs: queuedMs, beforeFirstSpanMs: beforeMs });
  const projection = project(fixes, {
    requests,
    cpuMsPerRequest: cpuUsPerRequest / 1000,
    loopMs: loopUs / 1000,
    queuedMs: queuedMs + beforeMs,
    utilization,
  });

  const s: Saturation = {
    saturated: isSaturated(utilization, queuedShare),
    utilization,
    ...eluOf(input.runtime, loads),
    queuedShare,
    beforeFirstSpan: { requests: bfs?.requests ?? 0, totalMs: beforeMs, bound: bfs?.bound ?? 'estimate' },
    requests,
    windowMs,
    throughputPerSec: windowMs > 0 ? requests / (windowMs / 1000) : 0,
    processes: loads.length,
    ...(input.coresAvailable !== undefined ? { coresAvailable: input.coresAvailable } : {}),
    coresUsed,
    cpuMsPerRequest: cpuUsPerRequest / 1000,
    outsideSpansMsPerRequest: outsidePerRequestUs / 1000,
    saturationPerSec,
    endpoints: endpointCpu(traces, outsidePerRequestUs),
    hotFunctions: hotFunctions(input.profile),
    ...(projection ? { projection } : {}),
    sentence: '',
  };
  s.sentence = sentenceOf(s);
  return { saturation: s, fixes };
}

/**
 * Queueing each fix removes by freeing loop time, in rank order (each marginal after those above). Closed-loop
 * model: clients that wait for their answers keep the loop as busy as before, and a request queues behind the same
 * number of others, each shorter by the share of loop time freed: queueing shrinks by that share (shares combined as
 * in shareLeft). Fixes that move
 * work off the loop (offLoopMs) already unqueue the queueing inside spans in their replay: only the queueing before
 * first spans is added for them.
 */
function priceQueueing(fixes: readonly Fix[], load: { loopMs: number; inSpanQueuedMs: number; beforeFirstSpanMs: number }): Fix[] {
  let left = 1;
  return fixes.map((f) => {
    const freed = f.loopTimeSavedMs ?? 0;
    if (freed <= 0 || load.loopMs <= 0) return f;
    const before = left;
    left *= 1 - Math.min(1, freed / load.loopMs);
    const unqueuedByReplay = typeof f.details?.offLoopMs === 'number';
    const queueMs = load.beforeFirstSpanMs + (unqueuedByReplay ? 0 : load.inSpanQueuedMs);
    return { ...f, queueSavingMs: queueMs * (before - left) };
  });
}

/**
 * Loop time left after fixes that free these shares of it. Two fixes may free the same time (a hot function inside
 * work another fix moves off the loop), and which part they share is unknown: each is taken to free its share of
 * what the ones above left, so together they never free more than all of it.
 */
function shareLeft(freedShares: readonly number[]): number {
  return freedShares.reduce((left, f) => left * (1 - Math.min(1, Math.max(0, f))), 1);
}

/**
 * Waiting factor of an M/D/1 queue (Poisson arrivals, constant service): mean wait = S·ρ / (2(1 − ρ)). A cut of a
 * share f of the loop time at the same arrival rate makes S' = S(1 − f) and ρ' = ρ(1 − f).
 */
export function openLoopQueueRatio(utilization: number, freedShare: number): number {
  const rho = Math.min(MAX_MODEL_UTILIZATION, Math.max(0, utilization));
  const f = Math.min(1, Math.max(0, freedShare));
  if (rho <= 0) return 1 - f;
  const rho2 = rho * (1 - f);
  return ((1 - f) * (rho2 / (1 - rho2))) / (rho / (1 - rho));
}

function project(
  fixes: readonly Fix[],
  load: { requests: number; cpuMsPerRequest: number; loopMs: number; queuedMs: number; utilization: number },
): CapacityProjection | undefined {
  // Work moved to another thread still needs a core: only fixes that remove work lower the CPU a request needs.
  const freeing = fixes.filter((f) => (f.loopTimeSavedMs ?? 0) > 0 && typeof f.details?.offLoopMs !== 'number').slice(0, PROJECTED_FIXES);
  if (freeing.length === 0) return undefined;
  const share = 1 - shareLeft(freeing.map((f) => (f.loopTimeSavedMs ?? 0) / load.loopMs));
  if (share < MIN_PROJECTED_SHARE) return undefined;
  const cpuMsPerRequest = load.cpuMsPerRequest * (1 - share);
  return {
    fixRanks: freeing.map((f) => f.rank),
    cpuMsPerRequest,
    saturationPerSec: cpuMsPerRequest > 0 ? 1000 / cpuMsPerRequest : Infinity,
    queueSavingMs: load.queuedMs * share,
    queueSavingOpenLoopMs: load.queuedMs * (1 - openLoopQueueRatio(load.utilization, share)),
  };
}

/** Per endpoint: its requests' own on-thread time plus the even share of work outside spans, largest total first. */
function endpointCpu(traces: readonly AnalyzedTrace[], outsidePerRequestUs: number): Saturation['endpoints'] {
  const by = new Map<string, { requests: number; us: number }>();
  for (const t of traces) {
    let own = 0;
    for (const s of t.trace.spans) for (const sl of s.onThread ?? []) own += Math.max(0, sl.endUs - sl.startUs);
    const e = by.get(t.endpoint) ?? { requests: 0, us: 0 };
    e.requests++;
    e.us += own + outsidePerRequestUs;
    by.set(t.endpoint, e);
  }
  let total = 0;
  for (const e of by.values()) total += e.us;
  return [...by]
    .map(([endpoint, e]) => ({ endpoint, requests: e.requests, cpuMsPerRequest: e.us / e.requests / 1000, cpuShare: total > 0 ? e.us / total : 0 }))
    .sort((a, b) => b.cpuShare - a.cpuShare || a.endpoint.localeCompare(b.endpoint));
}

/** Frames that are the loop waiting, not computing: never where CPU goes. */
const IDLE_FRAME = /^\(|^(epoll_p?wait|uv__io_poll|kevent|GetQueuedCompletionStatus)/;

function hotFunctions(p: ProfileSummary | undefined): Saturation['hotFunctions'] {
  if (!p) return [];
  const busy = p.hotFunctions.filter((h) => !IDLE_FRAME.test(h.name));
  const busyMs = busy.reduce((n, h) => n + h.selfMs, 0);
  return busy.slice(0, 3).map((h) => ({ name: h.name, ...(h.location ? { location: h.location } : {}), selfFraction: busyMs > 0 ? h.selfMs / busyMs : 0 }));
}

/** Mean ELU of the runtime samples of the serving processes within their windows, unless a profiler was sampling. */
function eluOf(runtime: RuntimeData, loads: readonly LoopLoad[]): { eluMean?: number } {
  let n = 0;
  let sum = 0;
  for (const s of runtime.samples) {
    const l = loads.find((x) => x.pid === s.pid);
    if (!l || s.timeUs < l.windowStartUs || s.timeUs > l.windowEndUs) continue;
    if (s.profilerActive) return {};
    n++;
    sum += s.elu;
  }
  return n > 0 ? { eluMean: sum / n } : {};
}

/** The one-line verdict of a saturated loop: it replaces "Mostly queued" (aggregate/verdict.ts), which has no way out. */
export function saturationVerdict(s: Saturation): string {
  return `Saturated: the event loop was busy ${fmtPct(s.utilization)} of the time and requests spent ${fmtPct(s.queuedShare)} of their time queued; one process saturates at ~${perSec(s.saturationPerSec)} (${fmtMs(s.cpuMsPerRequest)} of event-loop time per request).`;
}

const perSec = (x: number): string => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} req/s` : 'no limit');

/** The answer in words; the first line of the summary when saturated. */
function sentenceOf(s: Saturation): string {
  const before = s.beforeFirstSpan.totalMs > 0 ? ` (${s.beforeFirstSpan.bound === 'upper' ? 'at most ' : ''}${fmtMs(s.beforeFirstSpan.totalMs / s.requests)} each before their first span)` : '';
  const head = s.saturated
    ? `Saturated: the event loop was busy ${fmtPct(s.utilization)} of the time and requests spent ${fmtPct(s.queuedShare)} of their time queued${before}.`
    : `Not saturated: the event loop was busy ${fmtPct(s.utilization)} of the time; requests spent ${fmtPct(s.queuedShare)} of their time queued${before}.`;
  const eps = s.endpoints.length > 1 ? ` (${s.endpoints.slice(0, 3).map((e) => `${e.endpoint} ${fmtMs(e.cpuMsPerRequest)}`).join(', ')})` : '';
  const cores = s.coresAvailable !== undefined ? ` on a machine with ${s.coresAvailable} cores` : '';
  const capacity =
    ` Each request needs ${fmtMs(s.cpuMsPerRequest)} of event-loop time${eps}, so one process saturates at ~${perSec(s.saturationPerSec)}; ` +
    `${s.processes === 1 ? 'one process' : `${s.processes} processes`} served ${perSec(s.throughputPerSec)}, using ${s.coresUsed.toFixed(1)} core${s.coresUsed >= 1.05 ? 's' : ''}${cores}.`;
  if (!s.saturated) return head + capacity;
  const hot = s.hotFunctions.length ? ` — where it goes: ${s.hotFunctions.map((h) => `${h.name}${h.location ? ` (${h.location})` : ''} ${fmtPct(h.selfFraction)}`).join(', ')}` : '';
  const ways = ` Two ways out: less CPU per request${hot}; or more processes (cluster, worker threads, replicas${s.coresAvailable !== undefined && s.coresAvailable > s.processes ? `: ${s.coresAvailable - s.processes} more cores here` : ''}).`;
  const p = s.projection;
  const proj = p
    ? ` With ${p.fixRanks.map((r) => `#${r}`).join(' and ')}, one process saturates at ~${perSec(p.saturationPerSec)} instead of ${perSec(s.saturationPerSec)}.`
    : '';
  return head + capacity + ways + proj;
}
