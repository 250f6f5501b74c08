import type { Span } from '../model/span.js';
import type { Category } from '../model/categories.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { classOf, durationUs, locationOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median } from './support/stats.js';
import { ownPathUsIn, subtreeOnPathUs } from './support/path.js';
import { coveredUs, intervalsAtLeast, unionUs } from './support/intervals.js';

const QUEUED: ReadonlySet<Category> = new Set<Category>(['queued']);

/**
 * pool-exhaustion: time on the critical path spent waiting for a pooled connection (pool-class spans:
 * pg-pool.connect, generic-pool acquire, HikariCP…). The wait is the checkout span's own idle time: not its children
 * (a new connection's set-up, pg.connect / tcp.connect, is connection-churn's business) and not its own on-thread
 * JavaScript, and not time its callback sat queued on the loop — and of that only the part during which every
 * connection was busy: DB concurrency at or above the pool size, estimated as the level the service's DB concurrency
 * sits at for most of the time requests wait for a connection (estimatePoolSize). A service that holds connections
 * while doing other work escapes this estimate; the pinned share says how much to trust it.
 * Change: shorten the checkout by the wait (a pool large enough).
 */
export const poolExhaustion: Detector<'pool-exhaustion'> = {
  id: 'pool-exhaustion',
  name: 'pool exhaustion',
  advice: {
    generic: { text: 'Requests wait for a pooled connection: the pool is smaller than the concurrency, or connections are held too long.' },
    byLanguage: {
      nodejs: {
        text: 'Size the pool to the concurrency the database can take (pg Pool max, mysql2 connectionLimit), and hold a client only for the queries themselves (release before other awaits).',
        sketch: 'const pool = new Pool({ max: 20, connectionTimeoutMillis: 2000 });\nconst { rows } = await pool.query(sql, args); // checks out and releases per query',
      },
      python: {
        text: 'Raise pool_size/max_overflow (SQLAlchemy) or max_size (asyncpg) to match the concurrency, and keep sessions short ("QueuePool limit reached" is this wait).',
        sketch: 'engine = create_engine(url, pool_size=20, max_overflow=10, pool_timeout=2)',
      },
      go: { text: 'Raise db.SetMaxOpenConns to the concurrency the database can take and close rows promptly (a leaked *sql.Rows pins a connection).', sketch: 'db.SetMaxOpenConns(20)\ndb.SetMaxIdleConns(20)' },
      java: { text: 'Size HikariCP maximumPoolSize for the concurrency and keep transactions short.', sketch: 'spring.datasource.hikari.maximum-pool-size=20' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minWaitUs = setting(ctx, 'pool-exhaustion.minWaitMs') * 1000;
    // Per service: its DB spans and its checkouts; when were all its connections busy at once?
    const dbByService = new Map<string, Span[]>();
    const poolByService = new Map<string, Span[]>();
    for (const at of ctx.traces)
      for (const s of at.trace.spans) {
        const cls = classOf(s);
        const into = cls === 'db' ? dbByService : cls === 'pool' ? poolByService : undefined;
        if (!into) continue;
        const list = into.get(at.service) ?? [];
        list.push(s);
        into.set(at.service, list);
      }
    // Computed on the first pool span of a service: most services (and inputs) have none.
    const saturations = new Map<string, Saturation>();
    const saturation = {
      get(svc: string): Saturation | undefined {
        let sat = saturations.get(svc);
        const spans = dbByService.get(svc);
        if (sat || !spans) return sat;
        const { size, pinnedShare } = estimatePoolSize(spans, poolByService.get(svc) ?? []);
        saturations.set(svc, (sat = { size, pinnedShare, busy: size > 0 ? intervalsAtLeast(spans, size) : [] }));
        return sat;
      },
    };
    const occs: (Occurrence & { key: string; name: string })[] = [];
    for (const at of ctx.traces) {
      for (const span of at.trace.spans) {
        if (classOf(span) !== 'pool') continue;
        const sat = saturation.get(at.service);
        // Time the checkout's callback sat queued behind other work on the loop is event-loop time, not pool time.
        let waitUs = Math.max(0, poolWaitUs(at.trace.children.get(span.spanId) ?? [], span) - ownPathUsIn(at, span.spanId, QUEUED));
        // Waiting while a connection was free (or being created) is not exhaustion: count only saturated time.
        if (sat) waitUs = Math.min(waitUs, coveredUs(sat.busy, span.startUs, span.endUs));
        if (waitUs < minWaitUs || subtreeOnPathUs(at, span.spanId) <= 0) continue;
        occs.push({
          at,
          key: `${at.service}\u0000${span.name}`,
          name: span.name,
          changes: [{ type: 'shorten', spanId: span.spanId, byUs: waitUs }],
          evidence: { traceId: at.trace.traceId, parentSpanId: span.parentSpanId, spanIds: [span.spanId], location: locationOf([span], fallback) },
          spentUs: waitUs,
          language: span.language,
        });
      }
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of groupBy(occs, (o) => o.key).values()) {
      const first = group[0];
      const { size, pinnedShare } = saturation.get(first.at.service) ?? { size: 0, pinnedShare: 0 };
      const pinned = size > 0 && pinnedShare >= 0.5;
      const endpoints = new Set(group.map((o) => o.at.endpoint));
      const total =
        endpoints.size === 1
          ? counts.get(endpointKey(first.at.service, first.at.endpoint))
          : ctx.traces.filter((t) => t.service === first.at.service).length;
      findings.push(
        findingOf(poolExhaustion, group, {
          title: `Requests wait for a pooled connection (${first.name})`,
          why: `${traceCount(group)} of ${total ?? group.length} ${endpoints.size === 1 ? first.at.endpoint : first.at.service} requests wait ${fmtUs(median(group.map((o) => o.spentUs)))} (median) for a connection${size > 0 ? `; while they wait, database concurrency sits at ${size}${pinned ? ` (${Math.round(pinnedShare * 100)} % of the waiting time): the pool size is the limit` : ''}` : ''}.`,
          // Without the pinned evidence the idle time may be the pool creating connections or the loop being busy.
          confidence: pinned ? 'high' : 'low',
          details: { waits: group.length, poolSizeEstimate: size, pinnedShare: Math.round(pinnedShare * 100) / 100 },
        }),
      );
    }
    return findings;
  },
};

/** Idle time inside a checkout: its duration minus its children's union and its own on-thread time. */
export function poolWaitUs(children: readonly Span[], span: Span): number {
  const inside = children
    .map((c) => ({ ...c, startUs: Math.max(c.startUs, span.startUs), endUs: Math.min(c.endUs, span.endUs) }))
    .filter((c) => c.endUs > c.startUs);
  const onThread = (span.onThread ?? []).reduce((s, sl) => s + Math.max(0, Math.min(sl.endUs, span.endUs) - Math.max(sl.startUs, span.startUs)), 0);
  return Math.max(0, durationUs(span) - unionUs(inside) - onThread);
}

interface Saturation {
  /** Estimated pool size (0: no DB work while requests waited). */
  size: number;
  /** Share of the checkout time during which DB concurrency was at or above `size`. */
  pinnedShare: number;
  /** Sorted, disjoint intervals during which DB concurrency was at or above `size`. */
  busy: [number, number][];
}

/**
 * The pool size, as the DB concurrency level that holds for the most time (a time-weighted mode, ties to the higher
 * level) — while some request waits for a connection, or over all the time the DB is busy, whichever is higher — and
 * the share of the waiting time spent at or above it. Not the peak: a query span ends when its callback runs, often
 * 1–2 ms (behind a busy loop, tens of ms) after the freed connection already started the next query, so with a pool
 * of 2 three query spans overlap at every hand-over; the peak (3) would then call almost no waiting time saturated.
 * Overlaps and dips weigh by their length and do not move a mode. The overall mode guards the other way: a checkout
 * that merely sat behind a busy loop while a few queries ran, in a service whose DB concurrency usually sits higher,
 * did not wait for an exhausted pool.
 */
export function estimatePoolSize(dbSpans: readonly Span[], checkouts: readonly Span[]): { size: number; pinnedShare: number } {
  const waits = mergedIntervals(checkouts);
  let waitingUs = 0;
  for (const [a, b] of waits) waitingUs += b - a;
  if (waitingUs <= 0) return { size: 0, pinnedShare: 0 };
  const events: [number, number][] = [];
  for (const s of dbSpans) if (s.endUs > s.startUs) events.push([s.startUs, 1], [s.endUs, -1]);
  // Ends before starts at the same instant: back-to-back is not overlap.
  events.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const waitingAt: number[] = [];
  const busyAt: number[] = [];
  let level = 0;
  let w = 0;
  for (let i = 0; i < events.length; i++) {
    level += events[i][1];
    const from = events[i][0];
    const to = i + 1 < events.length ? events[i + 1][0] : from;
    if (to <= from || level <= 0) continue;
    busyAt[level] = (busyAt[level] ?? 0) + (to - from);
    while (w < waits.length && waits[w][1] <= from) w++;
    let covered = 0;
    for (let k = w; k < waits.length && waits[k][0] < to; k++) covered += Math.min(to, waits[k][1]) - Math.max(from, waits[k][0]);
    if (covered > 0) waitingAt[level] = (waitingAt[level] ?? 0) + covered;
  }
  const whileWaiting = modeLevel(waitingAt);
  if (whileWaiting === 0) return { size: 0, pinnedShare: 0 };
  const size = Math.max(whileWaiting, modeLevel(busyAt));
  let atOrAbove = 0;
  for (let l = size; l < waitingAt.length; l++) atOrAbove += waitingAt[l] ?? 0;
  return { size, pinnedShare: atOrAbove / waitingUs };
}

/** The level (≥ 1) with the most time; ties go to the higher level; 0 when no level has any. */
function modeLevel(usAtLevel: readonly (number | undefined)[]): number {
  let best = 0;
  let bestUs = 0;
  for (let l = 1; l < usAtLevel.length; l++) {
    const v = usAtLevel[l] ?? 0;
    if (v > 0 && v >= bestUs) {
      best = l;
      bestUs = v;
    }
  }
  return best;
}

/** The spans' intervals as a sorted, disjoint union. */
function mergedIntervals(spans: readonly Span[]): [number, number][] {
  const sorted = spans.filter((s) => s.endUs > s.startUs).sort((x, y) => x.startUs - y.startUs);
  const out: [number, number][] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startUs <= last[1]) last[1] = Math.max(last[1], s.endUs);
    else out.push([s.startUs, s.endUs]);
  }
  return out;
}
