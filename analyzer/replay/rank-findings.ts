import type { DetectorId, Fix } from '../model/analysis.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Finding } from '../detectors/types.js';
import type { Change } from './change.js';
import { replay, ReplayTrace } from './replay.js';
import { mergeChangeGroups } from './change-groups.js';

export interface RankOptions {
  /** Findings whose standalone saving is below this are dropped (except informational ones). Default 0.5 ms. */
  minSavingUs?: number;
  /** And below this share of the total critical path (default 0.001), except informational ones. */
  minSavingFraction?: number;
  /**
   * Detectors whose findings are worth showing even when no saving can be replayed (a profile with no timing): the
   * registry's informational ones (detectors/registry.ts). Default none.
   */
  informational?: ReadonlySet<DetectorId>;
  /** And below this mean saving per affected request (default 1 ms): less is noise a user cannot feel. */
  minSavingPerRequestUs?: number;
  /**
   * And below this share of the time of the requests of the endpoints it touches (default 0.01): a start-up hiccup
   * or one long GC pause that held up 1 request of 400 is not a change to make, while a fix for a rare endpoint that
   * halves it is.
   */
  minEndpointShare?: number;
  /**
   * And when it changes fewer than this share of the requests of the endpoints it touches (default 0.01): what
   * touched 2 requests of 400 (a start-up pause, one major GC) is an anecdote a second recording would not repeat.
   */
  minAffectedShare?: number;
}

/**
 * Ranks findings by the saving replay computes for them, then reports marginal savings:
 * 1. standalone saving of a finding = Σ over its traces of (original − replay(trace, its changes));
 * 2. sort by standalone saving (ties: detector id, title — deterministic);
 * 3. walk that order, applying each finding's changes on top of those already applied in each trace; its
 *    savingMs is the further reduction. A finding whose changes would lengthen some trace given the ones above it
 *    (e.g. a batch estimate slower than an already-parallelized fan-out) is not applied and saves 0 there.
 * So savings add up to at most the total critical path: Σ savingMs = Σ (original − final) over traces.
 *
 * Before all that, findings that declare the same change group merge into one (change-groups.ts): one edit, one fix,
 * its saving the joint replay of all the members' changes. A fix must clear every floor, standalone and again
 * marginally (after those above it): `minSavingUs` in all, `minSavingFraction` of the total,
 * `minSavingPerRequestUs` per affected request and `minEndpointShare` of the time of the endpoints it touches, and it
 * must change at least `minAffectedShare` of those endpoints' requests. One whose marginal saving falls below them (nothing left once the
 * fixes above are applied, e.g. the same spans) is not a fix: it is dropped and the list re-priced without it.
 */
export function rankFindings(
  proposed: readonly Finding[],
  traces: readonly AnalyzedTrace[],
  totalCriticalPathUs: number,
  top: number,
  opts: RankOptions = {},
): Fix[] {
  const findings = mergeChangeGroups(proposed);
  const minSavingUs = opts.minSavingUs ?? 500;
  const perRequestUs = opts.minSavingPerRequestUs ?? 1000;
  const byId = new Map(traces.map((t) => [t.trace.traceId, t]));
  const originalOf = (at: AnalyzedTrace): number => replay(at, []);

  // The work goes trace by trace (each trace's derived layout data is built once, shared by all its replays and
  // dropped after), but every sum runs in each finding's own trace order, as a finding-by-finding walk would:
  // the savings are the same to the last bit. `touching`: trace -> (finding, position in its changes).
  const touching = new Map<string, { f: number; k: number; changes: Change[] }[]>();
  const afterAlone = findings.map((f) => new Float64Array(f.changes.size).fill(Number.NaN));
  findings.forEach((f, fi) => {
    let k = 0;
    for (const [traceId, changes] of f.changes) {
      if (changes.length > 0 && byId.has(traceId)) {
        let list = touching.get(traceId);
        if (!list) touching.set(traceId, (list = []));
        list.push({ f: fi, k, changes });
      }
      k++;
    }
  });
  // 1. Standalone: each finding alone on each trace it touches.
  for (const [traceId, list] of touching) {
    const at = byId.get(traceId)!;
    const shared = new ReplayTrace(at);
    for (const { f, k, changes } of list) afterAlone[f][k] = replay(at, changes, shared);
  }
  const scored = findings.map((f, fi) => {
    let standalone = 0;
    let k = 0;
    for (const traceId of f.changes.keys()) {
      const after = afterAlone[fi][k++];
      if (!Number.isNaN(after)) standalone += Math.max(0, originalOf(byId.get(traceId)!) - after);
    }
    return { f, fi, standalone };
  });
  // A fix worth less than a thousandth of all request time, a millisecond per request it touches or a hundredth of
  // its endpoints' time, or seen in fewer than a hundredth of their requests, is noise in a list meant to say what
  // to change first. Informational findings with no change
  // at all (an untimed profile cannot replay) stay whatever they save.
  const floorUs = Math.max(minSavingUs, (opts.minSavingFraction ?? 0.001) * totalCriticalPathUs);
  const informational = opts.informational ?? new Set<DetectorId>();
  const endpointShare = opts.minEndpointShare ?? 0.01;
  const affectedShare = opts.minAffectedShare ?? 0.01;
  const endpointUs = new Map<string, number>();
  const endpointRequests = new Map<string, number>();
  for (const at of traces) {
    const e = endpointOf(at);
    endpointUs.set(e, (endpointUs.get(e) ?? 0) + originalOf(at));
    endpointRequests.set(e, (endpointRequests.get(e) ?? 0) + 1);
  }
  /** The endpoints a finding changes requests of: their total time (µs) and request count. */
  const endpointsOf = (f: Finding): { us: number; requests: number } => {
    const touched = new Set<string>();
    for (const [traceId, changes] of f.changes) if (changes.length > 0 && byId.has(traceId)) touched.add(endpointOf(byId.get(traceId)!));
    let us = 0;
    let requests = 0;
    for (const e of touched) {
      us += endpointUs.get(e)!;
      requests += endpointRequests.get(e)!;
    }
    return { us, requests };
  };
  const exempt = (f: Finding): boolean => f.changes.size === 0 && informational.has(f.detector);
  const worthIt = (f: Finding, savingUs: number): boolean => {
    if (exempt(f)) return true;
    if (!(savingUs > 0 && savingUs >= floorUs)) return false;
    const affected = affectedOf(f, byId);
    const endpoints = endpointsOf(f);
    return savingUs >= perRequestUs * affected && savingUs >= endpointShare * endpoints.us && affected >= affectedShare * endpoints.requests;
  };
  let candidates = scored.filter((s) => worthIt(s.f, s.standalone));
  candidates.sort((a, b) => b.standalone - a.standalone || a.f.detector.localeCompare(b.f.detector) || a.f.title.localeCompare(b.f.title));

  // Marginal savings depend only on the fixes ranked above: the ones past `top` are never shown. A shown fix whose
  // marginal saving misses the floors goes, and the list is priced again without it (the set only shrinks).
  let shown = candidates.slice(0, Math.max(0, top));
  let gain = marginalGains(shown, touching, byId, afterAlone, originalOf);
  for (;;) {
    const weak = new Set(shown.filter((s) => !worthIt(s.f, sumOf(gain.get(s.fi)!))).map((s) => s.fi));
    if (weak.size === 0) break;
    candidates = candidates.filter((s) => !weak.has(s.fi));
    shown = candidates.slice(0, Math.max(0, top));
    gain = marginalGains(shown, touching, byId, afterAlone, originalOf);
  }

  const fixes: Fix[] = [];
  for (const { f, fi, standalone } of shown) {
    const marginal = sumOf(gain.get(fi)!);
    const savingMs = marginal / 1000;
    fixes.push({
      rank: 0,
      detector: f.detector,
      title: f.title,
      why: f.why,
      savingMs,
      savingFraction: totalCriticalPathUs > 0 ? marginal / totalCriticalPathUs : 0,
      standaloneSavingMs: standalone / 1000,
      confidence: f.confidence,
      service: f.service,
      endpoint: f.endpoint,
      affectedTraces: affectedOf(f, byId),
      advice: f.advice,
      evidence: f.evidence,
      ...(f.details ? { details: f.details } : {}),
    });
  }
  return fixes.map((fix, i) => ({ ...fix, rank: i + 1 }));
}

type Touching = Map<string, { f: number; k: number; changes: Change[] }[]>;

/** Per shown finding (by index), its marginal gain in each of its traces: applied in rank order, per trace. */
function marginalGains(
  shown: readonly { f: Finding; fi: number }[],
  touching: Touching,
  byId: ReadonlyMap<string, AnalyzedTrace>,
  afterAlone: readonly Float64Array[],
  originalOf: (at: AnalyzedTrace) => number,
): Map<number, Float64Array> {
  const rankOf = new Map<number, number>(shown.map((s, r) => [s.fi, r]));
  const gain = new Map<number, Float64Array>(shown.map((s) => [s.fi, new Float64Array(s.f.changes.size)]));
  for (const [traceId, list] of touching) {
    const mine = list.filter((e) => rankOf.has(e.f)).sort((x, y) => rankOf.get(x.f)! - rankOf.get(y.f)!);
    if (mine.length === 0) continue;
    const at = byId.get(traceId)!;
    const shared = mine.length > 1 ? new ReplayTrace(at) : undefined;
    let current = originalOf(at);
    let applied: readonly Change[] | undefined;
    for (const { f, k, changes } of mine) {
      const next = applied ? [...applied, ...changes] : changes;
      // The first one applied in a trace is the standalone replay already done.
      const after = applied ? replay(at, next, shared) : afterAlone[f][k];
      if (after > current) continue; // would lengthen this trace given the ones above: not applied here
      gain.get(f)![k] = current - after;
      applied = next;
      current = after;
    }
  }
  return gain;
}

function endpointOf(at: AnalyzedTrace): string {
  return `${at.service}\u0000${at.endpoint}`;
}

/** Requests a finding changes: traces of the analysis with at least one change. */
function affectedOf(f: Finding, byId: ReadonlyMap<string, AnalyzedTrace>): number {
  let n = 0;
  for (const [traceId, changes] of f.changes) if (changes.length > 0 && byId.has(traceId)) n++;
  return n;
}

function sumOf(xs: Float64Array): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
