import type { Span } from '../model/span.js';
import type { Trace } from '../model/trace.js';
import { us } from '../critical-path/critical-path.js';
import { busyRunBefore, MIN_QUEUED_RUN_US, threadOf, type ThreadIndex } from './thread-index.js';

/** Queueing no span can show: requests that started right after a stretch of other work on their thread. */
export interface BeforeFirstSpan {
  /** Requests whose first span started at the end of at least MIN_QUEUED_RUN_US of such work. */
  requests: number;
  /** Sum over those requests of that stretch, µs. */
  totalUs: number;
  maxUs: number;
  /** Of `requests`, those with no earlier request on their connection: their stretch is only an upper bound. */
  unboundedRequests: number;
  /** Requests with an earlier response on their connection (whether they queued or not): where lateness can show. */
  boundedRequests: number;
  /**
   * Of `boundedRequests`, those that evidently came well after the previous response on their connection: the loop
   * was free for a while after that response and the request still had not been read.
   */
  lateRequests: number;
  /**
   * 'estimate': clients send their next request on the connection that just answered, as soon as it answered
   * (autocannon, an http.Agent with keep-alive, a pool no larger than its callers): the stretch is the wait.
   * 'upper': too many requests came late (LATE_SHARE): a pool that spreads its callers over more connections than
   * it has callers (fetch's default undici pool), or clients that pause; the previous response on the connection is
   * then an early limit and the total over-states the wait (measured: 1.55× with fetch's default pool, docs/accounting.md).
   */
  bound: 'estimate' | 'upper';
}

/** A request read this long after the loop last became free past its connection's previous response came late. */
export const LATE_ARRIVAL_US = 1000;
/** From this share of late requests on, the clients evidently do not send on the connection that just answered. */
export const LATE_SHARE = 0.25;

/**
 * For each request, the stretch of other work its thread was busy with right before the request's first span
 * started (thread-index.ts busyRunBefore): Node reads a request only when the loop gets to its socket, and no span
 * shows how long the bytes had waited. Two cuts make it an estimate rather than a bound:
 * - on a keep-alive connection (same process, peer address and port) the request cannot have been sent before the
 *   previous response on it ended: on a client that sends as soon as it is answered, the stretch from there is the
 *   wait itself;
 * - work before the process's first request is start-up: nobody was connected to wait behind it.
 * A first request on a connection opened later keeps the whole stretch: an upper bound, counted as such.
 * The first cut assumes the client sent on the connection that had just answered. A pool that keeps more connections
 * than callers (undici's, behind fetch) rotates its callers over them, so the previous response on a connection is
 * often not the one its caller waited for, and the stretch reaches back over other requests' work (measured: 62 ms
 * estimated against 40 ms waited, 2 callers on 3 connections). The server cannot tell a rotating pool from more
 * callers while the loop is saturated; where the loop was free in between it can (late requests): then `bound` says
 * the total is an upper bound.
 * Pure: the thread index is built from the same traces and runtime data.
 */
export function queueingBeforeFirstSpan(traces: readonly Trace[], index: ThreadIndex): BeforeFirstSpan {
  const out: BeforeFirstSpan = { requests: 0, totalUs: 0, maxUs: 0, unboundedRequests: 0, boundedRequests: 0, lateRequests: 0, bound: 'estimate' };
  const previousEnd = previousResponseEnds(traces);
  const firstStart = firstRequestStarts(traces);
  for (const t of traces) {
    const root = t.root;
    if (root.kind !== 'server' && root.kind !== 'consumer') continue;
    const tl = threadOf(root, index);
    const own = index.traceOrdinal.get(t.traceId);
    if (tl === undefined || own === undefined) continue;
    const start = us(root.startUs);
    const prev = previousEnd.get(root);
    const from = Math.max(prev ?? -Infinity, us(firstStart.get(root.pid!) ?? -Infinity));
    const busyUs = busyRunBefore(tl, own, start);
    if (prev !== undefined) {
      out.boundedRequests++;
      // The loop was free at (start - busyUs) and the request was not read then: it had not arrived yet.
      if (start - busyUs - prev >= LATE_ARRIVAL_US) out.lateRequests++;
    }
    const runUs = Math.min(busyUs, Math.max(0, start - from));
    if (runUs < MIN_QUEUED_RUN_US) continue;
    out.requests++;
    out.totalUs += runUs;
    if (runUs > out.maxUs) out.maxUs = runUs;
    if (prev === undefined) out.unboundedRequests++;
  }
  if (out.boundedRequests > 0 && out.lateRequests >= LATE_SHARE * out.boundedRequests) out.bound = 'upper';
  return out;
}

/** Per process: when its first request started. */
function firstRequestStarts(traces: readonly Trace[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of traces) {
    const r = t.root;
    if ((r.kind !== 'server' && r.kind !== 'consumer') || r.pid === undefined) continue;
    const seen = out.get(r.pid);
    if (seen === undefined || r.startUs < seen) out.set(r.pid, r.startUs);
  }
  return out;
}

/** The connection a server span came in on, when its attributes name the peer (stable or older conventions). */
function connectionOf(s: Span): string | undefined {
  const a = s.attributes;
  const port = a['network.peer.port'] ?? a['net.peer.port'] ?? a['client.port'];
  const addr = a['network.peer.address'] ?? a['net.peer.ip'] ?? a['client.address'] ?? '';
  return port === undefined || port === null ? undefined : `${s.pid ?? ''}\u0000${String(addr)}\u0000${String(port)}`;
}

/** Per server span: the end of the previous request's server span on the same connection, if it ended before. */
function previousResponseEnds(traces: readonly Trace[]): Map<Span, number> {
  const byConnection = new Map<string, Span[]>();
  for (const t of traces) {
    if (t.root.kind !== 'server') continue;
    const c = connectionOf(t.root);
    if (c === undefined) continue;
    let list = byConnection.get(c);
    if (!list) byConnection.set(c, (list = []));
    list.push(t.root);
  }
  const out = new Map<Span, number>();
  for (const list of byConnection.values()) {
    list.sort((a, b) => a.startUs - b.startUs);
    for (let i = 1; i < list.length; i++) if (list[i - 1]!.endUs <= list[i]!.startUs) out.set(list[i]!, list[i - 1]!.endUs);
  }
  return out;
}
