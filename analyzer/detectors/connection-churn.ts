import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { classOf, durationUs, hostOf, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median, sum } from './support/stats.js';
import { subtreeOnPathUs } from './support/path.js';

/** Connection set-up spans: instrumentation-net (tcp.connect, tls.connect), dns (dns.lookup), driver connects. */
const CONNECT = /^(?:tcp|tls|net|ipc)\.connect$|^dns\.lookup$|^(?:pg|mysql|redis|mongodb)?[._ -]?connect$/i;

export function isConnectSpan(s: Span): boolean {
  return classOf(s) === 'dns' || CONNECT.test(s.name);
}

/** The host a connect is for: its own attributes, else its parent's (the client call it was made for). */
function targetOf(at: AnalyzedTrace, s: Span): string | undefined {
  const own = hostOf(s) ?? (typeof s.attributes['dns.question.name'] === 'string' ? s.attributes['dns.question.name'] : undefined);
  if (own) return own;
  const parent = s.parentSpanId ? at.trace.byId.get(s.parentSpanId) : undefined;
  return parent ? hostOf(parent) : undefined;
}

/**
 * connection-churn: connection set-up (DNS, TCP, TLS, driver connect) to the same host, >= minConnects times in the
 * recording and on >= minPerRequest of the service's requests (a pool warming up is not churn). Change: remove every
 * set-up after the first per process and host — a keep-alive agent or pool reuses the first connection.
 */
export const connectionChurn: Detector<'connection-churn'> = {
  id: 'connection-churn',
  name: 'connection churn',
  advice: {
    generic: { text: 'A new connection (DNS, TCP, TLS) is opened for calls to {target} again and again: reuse connections.' },
    byLanguage: {
      nodejs: { text: 'Reuse connections: a keep-alive Agent (or undici Pool) for HTTP, and a connection pool instead of a new client per request for databases.', sketch: "import { Agent } from 'node:https';\nconst agent = new Agent({ keepAlive: true, maxSockets: 50 });\nawait fetch(url, { dispatcher: new (await import('undici')).Agent({ keepAliveTimeout: 30_000 }) });" },
      python: { text: 'Create one requests.Session / httpx.AsyncClient and reuse it; use a pool for database connections.', sketch: 'client = httpx.AsyncClient(timeout=3.0)  # module-level, reused by every request' },
      go: { text: 'Reuse one http.Client (its Transport pools connections) and always read and close response bodies.' },
      java: { text: 'Reuse one HttpClient / OkHttpClient and a pooled DataSource instead of new connections per call.' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minConnects = setting(ctx, 'connection-churn.minConnects');
    const minPerRequest = setting(ctx, 'connection-churn.minPerRequest');
    const all: { at: AnalyzedTrace; span: Span; host: string }[] = [];
    const requestsOf = new Map<string, number>();
    for (const at of ctx.traces) requestsOf.set(at.service, (requestsOf.get(at.service) ?? 0) + 1);
    for (const at of ctx.traces)
      for (const span of at.trace.spans) {
        // Only the outermost set-up counts: tcp.connect inside pg.connect is one connection.
        if (!isConnectSpan(span) || hasConnectAncestor(at, span)) continue;
        const host = targetOf(at, span);
        if (host) all.push({ at, span, host });
      }
    const findings: Finding[] = [];
    for (const group of groupBy(all, (c) => `${c.at.service}\u0000${c.host}`).values()) {
      // A pool opening its N connections once is not churn: churn is set-up on a good share of requests.
      if (group.length < minConnects || group.length < minPerRequest * (requestsOf.get(group[0].at.service) ?? 0)) continue;
      const sorted = [...group].sort((a, b) => a.span.startUs - b.span.startUs);
      const keptPerPid = new Set<string>();
      const occs: Occurrence[] = [];
      for (const c of sorted) {
        const pidKey = String(c.span.pid ?? '');
        if (!keptPerPid.has(pidKey)) {
          keptPerPid.add(pidKey);
          continue;
        }
        if (subtreeOnPathUs(c.at, c.span.spanId) <= 0) continue;
        occs.push({
          at: c.at,
          changes: [{ type: 'remove', spanIds: [c.span.spanId] }],
          evidence: { traceId: c.at.trace.traceId, parentSpanId: c.span.parentSpanId, spanIds: [c.span.spanId], location: locationOf([c.span], fallback) },
          spentUs: durationUs(c.span),
          language: c.span.language,
        });
      }
      if (occs.length === 0) continue;
      const host = group[0].host;
      findings.push(
        findingOf(connectionChurn, occs, {
          title: `Reuse connections to ${host}`,
          why: `${group.length} new connections (DNS/TCP/TLS set-up) to ${host} in ${traceCount(occs)} requests, ${fmtUs(median(occs.map((o) => o.spentUs)))} each (median), ${fmtUs(sum(occs.map((o) => o.spentUs)))} in total.`,
          confidence: 'medium',
          details: { connects: group.length, host },
          vars: { target: host },
        }),
      );
    }
    return findings;
  },
};

function hasConnectAncestor(at: AnalyzedTrace, s: Span): boolean {
  let p = s.parentSpanId ? at.trace.byId.get(s.parentSpanId) : undefined;
  while (p) {
    if (isConnectSpan(p)) return true;
    p = p.parentSpanId ? at.trace.byId.get(p.parentSpanId) : undefined;
  }
  return false;
}
