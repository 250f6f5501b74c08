import type { Evidence } from '../../model/analysis.js';
import type { Language, Span } from '../../model/span.js';
import { callTemplate, classOf } from './spans.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import type { Change } from '../../replay/change.js';
import type { Detector, DetectorContext, Finding } from '../types.js';
import { fillAdvice } from '../../advice/fill.js';

/** One instance of a problem in one trace: the spans, the change that fixes it there, and what it costs. */
export interface Occurrence {
  at: AnalyzedTrace;
  changes: Change[];
  /** Changes in *other* traces (e.g. queued time that a blocking slice caused elsewhere), by trace id. */
  changesIn?: Map<string, Change[]>;
  evidence: Evidence;
  /** µs the occurrence's spans take in this trace (for the why sentence). */
  spentUs: number;
  language: Language;
}

/** How many evidence entries a finding carries: enough to click through, bounded for analysis.json size. */
export const MAX_EVIDENCE = 5;

export function groupBy<T>(items: Iterable<T>, keyOf: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const k = keyOf(x);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(x);
  }
  return out;
}

const endpointCountsCache = new WeakMap<readonly AnalyzedTrace[], Map<string, number>>();

/** Calls of one (service, call template): the spans, and each span's trace at the same index. */
export interface CallGroup {
  spans: Span[];
  ats: AnalyzedTrace[];
}

/** Calls to something outside the process: the classes whose template names a resource (statement, URL, command). */
export const REMOTE_CLASSES: ReadonlySet<string> = new Set(['db', 'cache', 'network', 'messaging']);

interface RemoteGroup extends CallGroup {
  /** Position of each call in the walk over all traces' remote calls: restores first-seen order after filtering. */
  seq: number[];
}

// One grouping per set of traces (one analysis), shared by the detectors that need it: one walk over every span.
const remoteIndexes = new WeakMap<readonly AnalyzedTrace[], RemoteGroup[]>();

function remoteIndex(traces: readonly AnalyzedTrace[]): RemoteGroup[] {
  let groups = remoteIndexes.get(traces);
  if (groups) return groups;
  groups = [];
  const byService = new Map<string, Map<string, RemoteGroup>>();
  let seq = 0;
  for (const at of traces) {
    for (const span of at.trace.spans) {
      if (!REMOTE_CLASSES.has(classOf(span))) continue;
      let byTemplate = byService.get(span.service);
      if (!byTemplate) byService.set(span.service, (byTemplate = new Map()));
      const template = callTemplate(span);
      let group = byTemplate.get(template);
      if (!group) {
        byTemplate.set(template, (group = { spans: [], ats: [], seq: [] }));
        groups.push(group);
      }
      group.spans.push(span);
      group.ats.push(at);
      group.seq.push(seq++);
    }
  }
  remoteIndexes.set(traces, groups);
  return groups;
}

/**
 * The traces' remote calls (REMOTE_CLASSES) that `keep` accepts, grouped by (service, call template) in first-seen
 * order, with each span's trace in a parallel array rather than a { at, span } pair per call (at a million spans,
 * 700 k objects per detector for the garbage collector). The grouping is built once per analysis and shared by its
 * callers; the returned arrays are read-only.
 */
export function remoteCallsByServiceAndTemplate(traces: readonly AnalyzedTrace[], keep: (s: Span) => boolean): CallGroup[] {
  const kept: { first: number; group: CallGroup }[] = [];
  for (const g of remoteIndex(traces)) {
    let n = 0;
    for (const s of g.spans) if (keep(s)) n++;
    if (n === 0) continue;
    if (n === g.spans.length) {
      kept.push({ first: g.seq[0], group: g });
      continue;
    }
    const group: CallGroup = { spans: [], ats: [] };
    let first = -1;
    for (let i = 0; i < g.spans.length; i++) {
      if (!keep(g.spans[i])) continue;
      if (first < 0) first = g.seq[i];
      group.spans.push(g.spans[i]);
      group.ats.push(g.ats[i]);
    }
    kept.push({ first, group });
  }
  kept.sort((a, b) => a.first - b.first);
  return kept.map((k) => k.group);
}

/** Requests per service+endpoint, for "27 of 30 GET /orders requests". */
export function endpointCounts(ctx: DetectorContext): Map<string, number> {
  // Every detector asks; the traces are the same array for the whole run.
  let m = endpointCountsCache.get(ctx.traces);
  if (m) return m;
  m = new Map<string, number>();
  endpointCountsCache.set(ctx.traces, m);
  for (const at of ctx.traces) {
    const k = endpointKey(at.service, at.endpoint);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return m;
}

export function endpointKey(service: string, endpoint: string): string {
  return `${service}\u0000${endpoint}`;
}

/** The most common language among the occurrences' spans (a service may be polyglot in foreign traces). */
function languageOf(occs: readonly Occurrence[]): Language {
  const counts = new Map<Language, number>();
  for (const o of occs) counts.set(o.language, (counts.get(o.language) ?? 0) + 1);
  let best: Language = 'unknown';
  let n = -1;
  for (const [l, c] of counts) if (c > n) [best, n] = [l, c];
  return best;
}

/**
 * Builds a Finding from occurrences of one problem (same service, endpoint and signature) across traces.
 * Evidence favours the occurrences that cost the most.
 */
export function findingOf(
  detector: Pick<Detector, 'id' | 'advice'>,
  occs: readonly Occurrence[],
  text: { title: string; why: string; confidence: Finding['confidence']; details?: Finding['details']; vars?: Record<string, string> },
): Finding {
  const first = occs[0];
  const changes = new Map<string, Change[]>();
  const add = (traceId: string, more: readonly Change[]): void => {
    if (more.length === 0) return;
    const list = changes.get(traceId) ?? [];
    list.push(...more);
    changes.set(traceId, list);
  };
  for (const o of occs) {
    add(o.at.trace.traceId, o.changes);
    for (const [id, more] of o.changesIn ?? []) add(id, more);
  }
  const evidence = evidenceOf(occs);
  const endpoints = new Set(occs.map((o) => o.at.endpoint));
  return {
    detector: detector.id,
    title: text.title,
    why: text.why,
    confidence: text.confidence,
    service: first.at.service,
    endpoint: endpoints.size === 1 ? first.at.endpoint : undefined,
    advice: fillAdvice(detector.advice, languageOf(occs), text.vars),
    evidence,
    changes,
    details: text.details,
  };
}

/**
 * The costliest occurrences' evidence. Code locations are sampled, so the costliest may all lack one while a cheaper
 * occurrence of the same problem has it: then the last entry is the costliest located occurrence instead, so the fix
 * still points at code (a location is only ever shown with a span that was recorded there).
 */
export function evidenceOf(occs: readonly Occurrence[]): Evidence[] {
  const sorted = [...occs].sort((a, b) => b.spentUs - a.spentUs);
  const top = sorted.slice(0, MAX_EVIDENCE);
  if (top.some((o) => o.evidence.location !== undefined)) return top.map((o) => o.evidence);
  const located = sorted.find((o) => o.evidence.location !== undefined);
  if (located) top[top.length - 1] = located;
  return top.map((o) => o.evidence);
}

/** Distinct traces among occurrences. */
export function traceCount(occs: readonly Occurrence[]): number {
  return new Set(occs.map((o) => o.at.trace.traceId)).size;
}

/** A finding with no per-trace change (nothing on any critical path to replay): informational detectors only. */
export function bareFinding(
  detector: Pick<Detector, 'id' | 'advice'>,
  service: string,
  language: Language,
  text: { title: string; why: string; confidence: Finding['confidence']; details?: Finding['details']; vars?: Record<string, string> },
  evidence: Evidence[] = [],
): Finding {
  return {
    detector: detector.id,
    title: text.title,
    why: text.why,
    confidence: text.confidence,
    service,
    advice: fillAdvice(detector.advice, language, text.vars),
    evidence,
    changes: new Map(),
    details: text.details,
  };
}
