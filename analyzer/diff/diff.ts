import { CATEGORIES, type Breakdown } from '../model/categories.js';
import type { Analysis, EndpointSummary, Fix } from '../model/analysis.js';
import type { AnalysisDiff, CategoryChange, DiffThresholds, EndpointDiff, FixDiff, ValueChange } from './types.js';

/**
 * The regression rule (docs/report.md, "Diff"): the "after" analysis regressed when any of
 *  1. overall p95 is worse by more than `relative` AND more than `absoluteMs`;
 *  2. mean critical path per request is worse by more than `relative` AND more than `absoluteMs`;
 *  3. an endpoint seen at least `minEndpointCount` times on both sides has its p95 worse by the same margins;
 *  4. a high-confidence fix is new (present after, absent before).
 * Both margins must hold so that noise on tiny numbers (1 ms → 1.2 ms) or on huge ones (+6 ms of 2 s) does not fail CI.
 */
export const DEFAULT_THRESHOLDS: DiffThresholds = { relative: 0.1, absoluteMs: 5, minEndpointCount: 5 };

export function computeDiff(before: Analysis, after: Analysis, thresholds: Partial<DiffThresholds> = {}): AnalysisDiff {
  const t: DiffThresholds = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const reasons: string[] = [];
  const improvements: string[] = [];

  const overall = {
    beforeTraces: before.summary.traces,
    afterTraces: after.summary.traces,
    p50: change(before.summary.p50Ms, after.summary.p50Ms),
    p95: change(before.summary.p95Ms, after.summary.p95Ms),
    p99: change(before.summary.p99Ms, after.summary.p99Ms),
    meanMs: change(perRequest(before.summary.criticalPathMs, before.summary.traces), perRequest(after.summary.criticalPathMs, after.summary.traces)),
    categories: categoryChanges(
      scaleBreakdown(before.summary.breakdown, before.summary.traces),
      scaleBreakdown(after.summary.breakdown, after.summary.traces),
    ),
  };
  if (isWorse(overall.p95, t)) reasons.push(`p95 latency rose ${describe(overall.p95)}.`);
  else if (isWorse(flip(overall.p95), t)) improvements.push(`p95 latency fell ${describe(overall.p95)}.`);
  if (isWorse(overall.meanMs, t)) reasons.push(`Critical path per request rose ${describe(overall.meanMs)}.`);
  else if (isWorse(flip(overall.meanMs), t)) improvements.push(`Critical path per request fell ${describe(overall.meanMs)}.`);

  const endpoints = diffEndpoints(before.endpoints, after.endpoints, t);
  for (const e of endpoints) {
    if (e.regressed && e.p95) reasons.push(`${e.service} ${e.name}: p95 rose ${describe(e.p95)}.`);
  }

  const fixes = diffFixes(before.fixes, after.fixes);
  for (const f of fixes) {
    if (f.status === 'new' && f.after?.confidence === 'high') reasons.push(`New high-confidence problem: ${f.title} (${f.service}${f.endpoint ? ' ' + f.endpoint : ''}).`);
    if (f.status === 'resolved') improvements.push(`Resolved: ${f.title}.`);
  }

  return { overall, endpoints, fixes, regressed: reasons.length > 0, reasons, improvements, thresholds: t };
}

function change(beforeMs: number, afterMs: number): ValueChange {
  return { beforeMs, afterMs, deltaMs: afterMs - beforeMs, ratio: beforeMs > 0 ? afterMs / beforeMs : null };
}

/** The same numbers seen from the other side: lets "improved by the margins" reuse isWorse. */
function flip(c: ValueChange): ValueChange {
  return change(c.afterMs, c.beforeMs);
}

function isWorse(c: ValueChange, t: DiffThresholds): boolean {
  if (c.deltaMs <= t.absoluteMs) return false;
  // From zero, any rise beyond the absolute margin is a relative rise too.
  return c.beforeMs <= 0 || c.deltaMs > c.beforeMs * t.relative;
}

function describe(c: ValueChange): string {
  const pct = c.ratio === null ? '' : ` (${c.deltaMs >= 0 ? '+' : ''}${Math.round((c.ratio - 1) * 100)} %)`;
  return `from ${round(c.beforeMs)} ms to ${round(c.afterMs)} ms${pct}`;
}

function round(ms: number): number {
  return ms >= 100 ? Math.round(ms) : Math.round(ms * 10) / 10;
}

function perRequest(totalMs: number, count: number): number {
  return count > 0 ? totalMs / count : 0;
}

function scaleBreakdown(b: Breakdown, count: number): Breakdown {
  const out = {} as Breakdown;
  for (const c of CATEGORIES) out[c] = perRequest(b[c] ?? 0, count);
  return out;
}

function categoryChanges(before: Breakdown, after: Breakdown): CategoryChange[] {
  return CATEGORIES.map((category) => ({ category, ...change(before[category] ?? 0, after[category] ?? 0) }));
}

function endpointKey(e: { service: string; name: string }): string {
  return JSON.stringify([e.service, e.name]);
}

function meanOf(e: EndpointSummary): number {
  let sum = 0;
  for (const c of CATEGORIES) sum += e.meanBreakdown[c] ?? 0;
  return sum;
}

function diffEndpoints(before: EndpointSummary[], after: EndpointSummary[], t: DiffThresholds): EndpointDiff[] {
  const afterByKey = new Map(after.map((e) => [endpointKey(e), e]));
  const seen = new Set<string>();
  const out: EndpointDiff[] = [];
  for (const b of before) {
    const key = endpointKey(b);
    const a = afterByKey.get(key);
    seen.add(key);
    if (!a) {
      out.push({ service: b.service, name: b.name, presence: 'before-only', beforeCount: b.count, afterCount: 0, categories: [], regressed: false });
      continue;
    }
    const p95 = change(b.p95Ms, a.p95Ms);
    const enough = b.count >= t.minEndpointCount && a.count >= t.minEndpointCount;
    out.push({
      service: b.service,
      name: b.name,
      presence: 'both',
      beforeCount: b.count,
      afterCount: a.count,
      p50: change(b.p50Ms, a.p50Ms),
      p95,
      meanMs: change(meanOf(b), meanOf(a)),
      categories: categoryChanges(b.meanBreakdown, a.meanBreakdown),
      regressed: enough && isWorse(p95, t),
    });
  }
  for (const a of after) {
    if (seen.has(endpointKey(a))) continue;
    out.push({ service: a.service, name: a.name, presence: 'after-only', beforeCount: 0, afterCount: a.count, categories: [], regressed: false });
  }
  return out;
}

/** Detail fields that name *what* a fix is about (not how big it is), in order of preference. */
const KEY_DETAILS = ['statement', 'operation', 'function', 'target', 'url', 'host', 'resource', 'pool', 'lock', 'name', 'key'] as const;

/**
 * What makes two fixes "the same problem": detector, service, endpoint and the first identifying detail
 * (falling back to the first evidence location). Titles are not used: they carry numbers that change.
 */
export function fixKey(f: Fix): string {
  let detail = '';
  for (const k of KEY_DETAILS) {
    const v = f.details?.[k];
    if (v !== undefined && v !== '') {
      detail = `${k}=${String(v)}`;
      break;
    }
  }
  if (!detail) {
    const loc = f.evidence.find((e) => e.location)?.location;
    if (loc) detail = `location=${loc}`;
  }
  return JSON.stringify([f.detector, f.service, f.endpoint ?? '', detail]);
}

function diffFixes(before: Fix[], after: Fix[]): FixDiff[] {
  // Several fixes may share a key (e.g. two N+1 loops without details): match them in rank order, one to one.
  const unmatchedAfter = new Map<string, Fix[]>();
  for (const f of after) {
    const k = fixKey(f);
    const list = unmatchedAfter.get(k);
    if (list) list.push(f);
    else unmatchedAfter.set(k, [f]);
  }
  const out: FixDiff[] = [];
  for (const b of before) {
    const key = fixKey(b);
    const a = unmatchedAfter.get(key)?.shift();
    const base = { key, detector: b.detector, service: b.service, endpoint: b.endpoint };
    if (a) out.push({ ...base, status: 'still-open', title: a.title, before: b, after: a });
    else out.push({ ...base, status: 'resolved', title: b.title, before: b });
  }
  for (const [key, rest] of unmatchedAfter) {
    for (const a of rest) out.push({ key, detector: a.detector, service: a.service, endpoint: a.endpoint, status: 'new', title: a.title, after: a });
  }
  return out;
}
