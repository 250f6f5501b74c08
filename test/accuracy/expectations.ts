/**
 * The expected result of analyzing each sample app, computed from its planted timings
 * (samples/apps/<app>/truth.json says the same in words). Measured inputs are limited to calibrations of
 * the planted work on this machine (a pg_sleep round trip, an upstream call) and the app's own timing of its
 * requests and of its planted waits, CPU and synchronous I/O work (performance.now in the app, printed at
 * shutdown as truth-stats), so the truth holds on a slow machine too. Nothing here comes from timesink.
 */
import type { DetectorId } from '../../analyzer/model/analysis.js';
import type { Category } from '../../analyzer/model/categories.js';
import type { Truth } from '../../samples/lib/apps.mjs';
import type { SeriesStats, TruthStats } from '../../samples/lib/run-app.mjs';

/** Every share planted: waiting, computing and queued are each checked. */
export interface PlantedSplit {
  waiting: number;
  computing: number;
  queued: number;
}

/**
 * Only the waiting is planted. The rest is the app's own unplanted JavaScript (express, the driver, the
 * recorder's hooks) and the queueing behind it; no independent measurement splits the two, so only their sum
 * is checked (together with waiting, it is what the two numbers say).
 */
export interface WaitingOnly {
  waiting: number;
  computingPlusQueued: number;
}

export type ExpectedFractions = PlantedSplit | WaitingOnly;

export interface Expected {
  /** The detector that must rank #1; null for the control (no fix may be worth more than `maxFixFraction`). */
  detector: DetectorId | null;
  /** Expected savingMs of the #1 fix (summed over requests). */
  savingMs?: number;
  fractions: ExpectedFractions;
  /** For the control: the largest savingMs / criticalPathMs any fix may claim. */
  maxFixFraction?: number;
  /** Where the #1 fix must point: the end of one of its evidence locations ("shell/server.cjs:21"). */
  location?: string;
  /** The one category the waiting must be in (its share checked against fractions.waiting). */
  waitingCategory?: Category;
  /** The endpoint names the analysis must have, exactly (route names, not one per slug). */
  endpoints?: string[];
  /** The database share of the critical path (breakdown.db / criticalPathMs): the planted waits are all queries. */
  dbShare?: number;
  /** A saturated loop: the verdict must say so, with the event-loop time per request (overall and per endpoint). */
  saturation?: ExpectedSaturation;
}

export interface ExpectedSaturation {
  cpuMsPerRequest: number;
  /** Endpoint name -> event-loop time per request. */
  endpoints: Record<string, number>;
}

export interface Measurements {
  /** Requests the load driver completed, per path. */
  requestsByPath: Record<string, number>;
  /** Median time of one `... CROSS JOIN (SELECT pg_sleep(s))` round trip, ms, keyed by the planted sleep ms. */
  queryMs?: Record<string, number>;
  /**
   * Median time of one call to each upstream route, ms (a calibration, logged with the row; the gateway expectation
   * uses the app's own timing of its calls).
   */
  upstreamMs?: Record<string, number>;
  /** What the app printed at shutdown about its own planted work and its requests. */
  stats?: TruthStats;
}


/** waiting = the app's own total of its planted waits / its total request time (handler start → response finish). */
function measuredWaiting(waits: SeriesStats, request: SeriesStats): WaitingOnly {
  if (!(request.totalMs > 0)) throw new Error('request stats: no request time');
  const waiting = Math.min(1, waits.totalMs / request.totalMs);
  return { waiting, computingPlusQueued: 1 - waiting };
}

function num(truth: Truth, key: string): number {
  const v = Number(truth.env[key]);
  if (!Number.isFinite(v)) throw new Error(`${truth.app}: env ${key} is not a number`);
  return v;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`missing measurement: ${what}`);
  return value;
}

function totalRequests(m: Measurements): number {
  return Object.values(m.requestsByPath).reduce((a, b) => a + b, 0);
}

/** Closed loop, c clients, pool of m: the total time requests wait for a connection, in units of q. */
export function poolWaitUnits(requests: number, clients: number, poolMax: number): number {
  const depth = clients / poolMax;
  // The first `clients` requests arrive together: request i waits floor(i / poolMax) query times.
  let startup = 0;
  for (let i = 0; i < Math.min(clients, requests); i++) startup += Math.floor(i / poolMax);
  return startup + Math.max(0, requests - clients) * (depth - 1);
}

export function expectedFor(truth: Truth, m: Measurements): Expected {
  switch (truth.app) {
    case 'orders': {
      const q = need(m.queryMs?.[truth.env.QUERY_SLEEP_MS], 'orders query time');
      const n = totalRequests(m);
      const stats = need(m.stats, 'orders truth-stats');
      // Waiting: from each query's call to when the database had its answer (clock_timestamp() in the query,
      // same wall clock). Not call → result: that also holds the reply waiting for the busy thread (queued).
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: 'n-plus-one', savingMs: n * (num(truth, 'ORDERS_PER_PAGE') - 1) * q, fractions };
    }
    case 'gateway': {
      // Saving: Σ over dashboard requests of (sum − max) of its three calls, as the app timed them during the
      // run (a calibration before the run drifts with the machine's load: 74/106/117 ms against 60/80/100 planted).
      const stats = need(m.stats, 'gateway truth-stats');
      // Waiting: call → the upstream sent its answer (it stamps it), as for orders.
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: 'sequential-io', savingMs: need(stats.parallelSaving, 'parallelSaving stats').totalMs, fractions };
    }
    case 'thumbnails': {
      const stats = need(m.stats, 'thumbnails truth-stats');
      const burn = need(stats.burn, 'burn stats');
      const request = need(stats.request, 'request stats');
      // The handler's own synchronous code, burn included, as the app timed it: what runs on the thread for it.
      const computing = need(stats.handler, 'handler stats').meanMs / request.meanMs;
      return {
        detector: 'event-loop-blocking',
        savingMs: request.totalMs - burn.totalMs,
        fractions: { waiting: 0, computing, queued: 1 - computing },
      };
    }
    case 'reports': {
      const q = need(m.queryMs?.[truth.env.REPORT_SLEEP_MS], 'reports query time');
      const units = poolWaitUnits(totalRequests(m), truth.load.connections, num(truth, 'POOL_MAX'));
      const stats = need(m.stats, 'reports truth-stats');
      // Waiting (pool + db): call → the database had the answer, as for orders.
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: 'pool-exhaustion', savingMs: units * q, fractions };
    }
    case 'files': {
      const stats = need(m.stats, 'files truth-stats');
      // Saving: the time other in-flight requests spent held up by the blocks (block × others in flight), which
      // asynchronous reads remove. Not request − block: part of that is the app's own JavaScript and the
      // queueing behind it, which stays. Waiting: the blocks are file-system time.
      return {
        detector: 'sync-io',
        savingMs: need(stats.delayed, 'delayed stats').totalMs,
        fractions: measuredWaiting(need(stats.blocking, 'blocking stats'), need(stats.request, 'request stats')),
      };
    }
    case 'shell': {
      const stats = need(m.stats, 'shell truth-stats');
      // As files: the saving is the others' time held up behind the blocks. The waiting is the blocked execSync calls,
      // in sync I/O (no span covers them: the profile's samples say the thread was blocked), at the handler's line.
      return {
        detector: 'sync-io',
        savingMs: need(stats.delayed, 'delayed stats').totalMs,
        fractions: measuredWaiting(need(stats.blocking, 'blocking stats'), need(stats.request, 'request stats')),
        location: `shell/${need(truth.truth.fixAt, 'shell truth.fixAt')}`,
        waitingCategory: 'sync_io',
      };
    }
    case 'saturated': {
      // Event-loop time per request as the loop itself measured it (libuv's utilisation, first request to last
      // response): parsing, express, the handlers, the recorder, all of it. Per route: its handler's own time plus an
      // even share of the rest. Fractions: the handlers are synchronous, so a request's span is its computing; the
      // queueing is before the first span, outside every share.
      const stats = need(m.stats, 'saturated truth-stats');
      const loop = need(stats.loop, 'loop stats');
      const handler = need(stats.handler, 'handler stats');
      const request = need(stats.request, 'request stats');
      const shared = Math.max(0, loop.activeMs - handler.totalMs) / loop.requests;
      const computing = handler.meanMs / request.meanMs;
      return {
        detector: null,
        fractions: { waiting: 0, computing, queued: 1 - computing },
        saturation: {
          cpuMsPerRequest: loop.activeMs / loop.requests,
          endpoints: {
            'GET /quote/:id': need(stats.quote as SeriesStats | undefined, 'quote stats').meanMs + shared,
            'GET /price/:id': need(stats.price as SeriesStats | undefined, 'price stats').meanMs + shared,
          },
        },
      };
    }
    case 'clean': {
      // Waiting measured by the app as for orders: the Promise.all of its two queries, call → later answer.
      const stats = need(m.stats, 'clean truth-stats');
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: null, fractions, maxFixFraction: 0.05 };
    }
    case 'feed': {
      // One loop, 3 different queries per article: ONE fix batching all three saves 3 × (N − 1) round trips.
      const q = need(m.queryMs?.[truth.env.QUERY_SLEEP_MS], 'feed query time');
      const stats = need(m.stats, 'feed truth-stats');
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: 'n-plus-one', savingMs: totalRequests(m) * 3 * (num(truth, 'ARTICLES_PER_PAGE') - 1) * q, fractions };
    }
    case 'quiet':
      // Nothing waits on I/O, and nothing is worth changing: no fix may claim any saving at all.
      return { detector: null, fractions: { waiting: 0, computingPlusQueued: 1 }, maxFixFraction: 0 };
    case 'articles': {
      // Waiting as for clean; the planted truth is the names: Fastify's two routes, whatever the slugs.
      const stats = need(m.stats, 'articles truth-stats');
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: null, fractions, maxFixFraction: 0.05, endpoints: ['GET /api/articles/:slug', 'GET /api/articles/:slug/comments'] };
    }
    case 'catalog': {
      // Waiting as for clean, and all of it is the mysql driver's queries: the database share is the same number.
      const stats = need(m.stats, 'catalog truth-stats');
      const fractions = measuredWaiting(need(stats.answered, 'answered stats'), need(stats.request, 'request stats'));
      return { detector: null, fractions, maxFixFraction: 0.05, dbShare: fractions.waiting };
    }
    default:
      throw new Error(`no expectation for app ${truth.app}`);
  }
}
