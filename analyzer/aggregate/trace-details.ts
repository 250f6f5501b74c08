import type { Fix, TraceDetail, WaterfallSpan } from '../model/analysis.js';
import { stringAttr, type Span } from '../model/span.js';
import type { AnalyzedTrace, Segment } from '../model/trace.js';
import { redactSql, redactUrl, statementOf } from '../../format/redact.js';
import { ATTR } from '../../format/recording.js';
import { groupByEndpoint, rootDurationUs } from './endpoints.js';
import { toMs } from './breakdown.js';
import { stableOrder } from '../detectors/support/order.js';

export const DEFAULT_MAX_TRACE_DETAILS = 40;
/** Bounds one waterfall: a 10 000-span trace would make the report huge and unreadable. */
export const MAX_SPANS_PER_TRACE = 300;

type Why = TraceDetail['why'];

/**
 * Which traces get a waterfall: the slowest of each endpoint (busiest endpoints first), the traces the fixes
 * cite as evidence, then a representative (closest to the endpoint's median) of each endpoint; at most `max`.
 */
export function selectDetailTraces(
  endpointsInOrder: readonly { service: string; name: string }[],
  traces: readonly AnalyzedTrace[],
  fixes: readonly Fix[],
  max: number,
): { trace: AnalyzedTrace; why: Why }[] {
  const groups = groupByEndpoint(traces);
  const byId = new Map<string, AnalyzedTrace>();
  for (const t of traces) if (!byId.has(t.trace.traceId)) byId.set(t.trace.traceId, t);
  const picked = new Map<string, { trace: AnalyzedTrace; why: Why }>();
  const pick = (t: AnalyzedTrace | undefined, why: Why): void => {
    if (t && picked.size < max && !picked.has(t.trace.traceId)) picked.set(t.trace.traceId, { trace: t, why });
  };
  const ordered = endpointsInOrder.map((e) => groups.get(`${e.service}\u0000${e.name}`) ?? []);
  for (const g of ordered) {
    let slowest: AnalyzedTrace | undefined;
    let slowestUs = 0;
    for (const t of g) {
      const us = rootDurationUs(t);
      if (!slowest || us > slowestUs) {
        slowest = t;
        slowestUs = us;
      }
    }
    pick(slowest, 'slowest');
  }
  for (const f of fixes) for (const ev of f.evidence) pick(byId.get(ev.traceId), 'evidence');
  for (const g of ordered) {
    if (g.length === 0) continue;
    // The median by duration, ties in trace order (a stable sort's), without a comparator sort of every trace.
    const order = stableOrder(Float64Array.from(g, rootDurationUs));
    pick(g[order[(g.length - 1) >> 1]], 'representative');
  }
  return [...picked.values()];
}


/** The few attributes worth showing in a waterfall, redacted unless the user asked otherwise. */
export function displayAttributes(s: Span, redact: boolean): Record<string, string | number | boolean> {
  const a = s.attributes;
  const out: Record<string, string | number | boolean> = {};
  const sql = statementOf(a);
  if (sql) out['db.statement'] = redact ? redactSql(sql) : sql;
  const system = stringAttr(a['db.system.name']) ?? stringAttr(a['db.system']);
  if (system) out['db.system'] = system;
  const url = stringAttr(a['url.full']) ?? stringAttr(a['http.url']);
  if (url) out['url'] = redact ? redactUrl(url) : url;
  const method = stringAttr(a['http.request.method']) ?? stringAttr(a['http.method']);
  if (method) out['http.method'] = method;
  const route = stringAttr(a['http.route']);
  if (route) out['http.route'] = route;
  const status = a['http.response.status_code'] ?? a['http.status_code'];
  if (typeof status === 'number' || typeof status === 'string') out['http.status_code'] = status;
  const peer = stringAttr(a['server.address']) ?? stringAttr(a['net.peer.name']);
  if (peer) out['server.address'] = peer;
  const rpc = stringAttr(a['rpc.method']);
  if (rpc) out['rpc.method'] = rpc;
  const dest = stringAttr(a['messaging.destination.name']) ?? stringAttr(a['messaging.destination']);
  if (dest) out['messaging.destination'] = dest;
  const loc = stringAttr(a[ATTR.location]) ?? stringAttr(a['code.function']);
  if (loc) out['code.location'] = loc;
  return out;
}

/**
 * Which spans a bounded waterfall keeps: the root, then spans by their time on the critical path, then the
 * longest others; each with its ancestors, so the tree stays connected. At most `maxSpans` (plus the ancestors
 * of the last one added).
 */
function keptSpans(t: AnalyzedTrace, maxSpans: number): { spans: Span[]; truncated: boolean } {
  const all = t.trace.spans;
  if (all.length <= maxSpans) return { spans: [...all].sort((a, b) => a.startUs - b.startUs), truncated: false };
  const keep = new Set<Span>();
  const add = (s: Span | undefined): void => {
    while (s && !keep.has(s)) {
      keep.add(s);
      s = s.parentSpanId ? t.trace.byId.get(s.parentSpanId) : undefined;
    }
  };
  add(t.trace.root);
  const onPathUs = new Map<Span, number>();
  for (const seg of t.path) {
    const s = t.trace.byId.get(seg.spanId);
    if (s) onPathUs.set(s, (onPathUs.get(s) ?? 0) + seg.endUs - seg.startUs);
  }
  const byPath = [...onPathUs.entries()].sort((a, b) => b[1] - a[1]).map(([s]) => s);
  const rest = all.filter((s) => !onPathUs.has(s)).sort((a, b) => b.endUs - b.startUs - (a.endUs - a.startUs));
  for (const s of [...byPath, ...rest]) {
    if (keep.size >= maxSpans) break;
    add(s);
  }
  return { spans: [...keep].sort((a, b) => a.startUs - b.startUs), truncated: true };
}

/**
 * Critical-path segments of spans the waterfall dropped are given to their nearest kept ancestor (time and
 * category unchanged), then touching segments of the same span and category merge: every segment points at a
 * span the viewer can draw.
 */
function pathOnKept(t: AnalyzedTrace, kept: ReadonlySet<string>): Segment[] {
  const out: Segment[] = [];
  for (const seg of t.path) {
    let s = t.trace.byId.get(seg.spanId);
    while (s && !kept.has(s.spanId)) s = s.parentSpanId ? t.trace.byId.get(s.parentSpanId) : undefined;
    const spanId = s ? s.spanId : t.trace.root.spanId;
    const last = out[out.length - 1];
    if (last && last.spanId === spanId && last.category === seg.category && last.endUs === seg.startUs) last.endUs = seg.endUs;
    else out.push({ ...seg, spanId });
  }
  return out;
}

export function traceDetail(t: AnalyzedTrace, why: Why, redact: boolean, maxSpans = MAX_SPANS_PER_TRACE): TraceDetail {
  const origin = Math.round(t.trace.root.startUs);
  const rel = (us: number): number => (us - origin) / 1000;
  const { spans, truncated } = keptSpans(t, maxSpans);
  const path = truncated ? pathOnKept(t, new Set(spans.map((s) => s.spanId))) : t.path;
  const queuedBySpan = new Map<string, [number, number][]>();
  for (const seg of path) {
    if (seg.category !== 'queued') continue;
    let q = queuedBySpan.get(seg.spanId);
    if (!q) queuedBySpan.set(seg.spanId, (q = []));
    q.push([rel(seg.startUs), (seg.endUs - seg.startUs) / 1000]);
  }
  const waterfall: WaterfallSpan[] = spans.map((s) => {
    const w: WaterfallSpan = {
      spanId: s.spanId,
      name: s.name,
      service: s.service,
      kind: s.kind,
      class: s.class ?? 'in_process',
      status: s.status,
      startMs: rel(s.startUs),
      durationMs: (s.endUs - s.startUs) / 1000,
      attributes: displayAttributes(s, redact),
    };
    if (s.parentSpanId) w.parentSpanId = s.parentSpanId;
    if (s.unfinished) w.unfinished = true;
    if (s.onThread && s.onThread.length > 0) w.onThread = s.onThread.map((sl) => [rel(sl.startUs), (sl.endUs - sl.startUs) / 1000]);
    const q = queuedBySpan.get(s.spanId);
    if (q) w.queued = q;
    return w;
  });
  const detail: TraceDetail = {
    traceId: t.trace.traceId,
    service: t.service,
    endpoint: t.endpoint,
    durationMs: rootDurationUs(t) / 1000,
    startEpochMs: origin / 1000,
    why,
    breakdown: toMs(t.breakdownUs),
    spans: waterfall,
    criticalPath: path.map((seg) => ({ spanId: seg.spanId, startMs: rel(seg.startUs), endMs: rel(seg.endUs), category: seg.category })),
  };
  if (truncated) detail.truncated = true;
  return detail;
}
