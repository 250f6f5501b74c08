import type { Span } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { callLabel, callTemplate, classOf, durationUs, isIo, isRead, locationOf, statementOf } from './support/spans.js';
import { locationFallback } from './support/location-fallback.js';
import { endpointCounts, endpointKey, findingOf, groupBy, traceCount, type Occurrence } from './support/occurrences.js';
import { fmtUs, median, sum } from './support/stats.js';
import { subtreeOnPathUs } from './support/path.js';
import { siblingGroups } from './support/sibling-groups.js';

/**
 * sequential-io: independent I/O siblings under one parent that ran one after another on the critical path.
 *
 * Independence heuristic (a trace cannot show data flow): members are *reads* (SELECT/SHOW, GET/HEAD, cache
 * and fs reads) with *different* templates, back to back (each starts after the previous ended, within maxGapMs).
 * A write (INSERT/UPDATE/DELETE, POST…, FOR UPDATE) breaks the run: later calls may depend on it. The same template
 * twice is n-plus-one's business. Calls that already overlap are a fan-out and never form a run.
 * Change: parallelize the run.
 */
export const sequentialIo: Detector<'sequential-io'> = {
  id: 'sequential-io',
  name: 'sequential I/O',
  advice: {
    generic: { text: 'These calls do not depend on each other: start them together and wait for all of them.' },
    byLanguage: {
      nodejs: {
        text: 'Start the independent calls together with Promise.all instead of awaiting them one by one.',
        sketch: 'const [user, cart, prices] = await Promise.all([\n  db.query(userSql, [id]),\n  db.query(cartSql, [id]),\n  fetchPrices(),\n]);',
      },
      python: {
        text: 'Run the independent awaits together with asyncio.gather (or a TaskGroup).',
        sketch: 'user, cart, prices = await asyncio.gather(\n    db.fetchrow(USER_SQL, uid),\n    db.fetch(CART_SQL, uid),\n    fetch_prices(),\n)',
      },
      go: {
        text: 'Run the independent calls in an errgroup and wait once.',
        sketch: 'g, ctx := errgroup.WithContext(ctx)\ng.Go(func() (err error) { user, err = loadUser(ctx, id); return })\ng.Go(func() (err error) { cart, err = loadCart(ctx, id); return })\nif err := g.Wait(); err != nil { return err }',
      },
      java: {
        text: 'Issue the independent calls as CompletableFutures and join them together.',
        sketch: 'var user = CompletableFuture.supplyAsync(() -> users.find(id), ioPool);\nvar cart = CompletableFuture.supplyAsync(() -> carts.find(id), ioPool);\nCompletableFuture.allOf(user, cart).join();',
      },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const fallback = locationFallback(ctx.traces);
    const minCalls = setting(ctx, 'sequential-io.minCalls');
    const minSavedUs = setting(ctx, 'sequential-io.minSavedMs') * 1000;
    const maxGapUs = setting(ctx, 'sequential-io.maxGapMs') * 1000;
    const occs: (Occurrence & { key: string; labels: string[]; feeder?: string; maxGapUs: number })[] = [];
    for (const g of siblingGroups(ctx.traces)) {
      const { at, parentId, kids: all } = g; // not the lazy lists: most parents never need them
      if (all.length < minCalls) continue; // a run is some of the children: too few, no run can qualify
      // Runs are made of awaited I/O reads only: too few of those among the children, no run can qualify either.
      // (Counted in place: most parents that get here have two or three children, not worth a shared I/O list.)
      let reads = 0;
      for (const k of all) if (!k.followsFrom && isIo(k) && isRead(k)) reads++;
      if (reads < minCalls) continue;
      // Only reads of a template seen once under this parent can join a run (see sequentialRuns): an N+1 loop of
      // one SELECT passes the count above but has none, and is dropped here before the sort and the path walks.
      const repeats = templateCounts(g.awaitedIo);
      let distinctReads = 0;
      for (const k of g.awaitedIo) if (repeats.get(callTemplate(k))! < 2 && isRead(k)) distinctReads++;
      if (distinctReads < minCalls) continue;
      // A copy: the awaited list is shared with the other sibling detectors.
      const kids = g.awaited.slice().sort((a, b) => a.startUs - b.startUs || a.endUs - b.endUs);
      for (const whole of sequentialRuns(at, kids, repeats, maxGapUs)) {
        if (whole.length < minCalls) continue;
        // A first call that fetches the key the rest use stays first: only the calls after it can overlap.
        const feeder = whole.length > 1 && feedsTheRest(whole[0], whole.slice(1)) ? whole[0] : undefined;
        const run = feeder ? whole.slice(1) : whole;
        if (run.length < minCalls) continue;
        const durations = run.map(durationUs);
        if (sum(durations) - Math.max(...durations) < minSavedUs) continue;
        const templates = run.map(callTemplate);
        if (feeder) templates.unshift(`${AFTER}${callTemplate(feeder)}`);
        let gap = 0;
        for (let i = 1; i < run.length; i++) gap = Math.max(gap, run[i].startUs - run[i - 1].endUs);
        occs.push({
          at,
          key: `${endpointKey(at.service, at.endpoint)}\u0000${templates.join('\u0001')}`,
          labels: run.map((s) => callLabel(s, 40)),
          feeder: feeder ? callLabel(feeder, 40) : undefined,
          maxGapUs: gap,
          changes: [{ type: 'parallelize', spanIds: run.map((s) => s.spanId) }],
          evidence: { traceId: at.trace.traceId, parentSpanId: parentId, spanIds: run.map((s) => s.spanId), location: locationOf(run, fallback) },
          spentUs: sum(durations),
          language: run[0].language,
        });
      }
    }
    const counts = endpointCounts(ctx);
    const findings: Finding[] = [];
    for (const group of mergeSubsets(groupBy(occs, (o) => o.key))) {
      const first = group[0];
      const n = first.labels.length;
      const total = counts.get(endpointKey(first.at.service, first.at.endpoint)) ?? group.length;
      const kinds = [...new Set(first.evidence.spanIds.map((id) => classOf(first.at.trace.byId.get(id)!)))].join('/');
      const where = first.evidence.location ? ` in ${first.evidence.location}` : '';
      findings.push(
        findingOf(sequentialIo, group, {
          title: `Run ${n} independent ${kinds} calls concurrently${first.feeder ? ` once "${first.feeder}" has returned` : ''}${where}`,
          why:
            `${traceCount(group)} of ${total} ${first.at.endpoint} requests wait for ${n} independent calls one after another (${fmtUs(median(group.map((o) => o.spentUs)))} in total, median): ${first.labels.join(', ')}.` +
            (first.feeder ? ` The call before them, "${first.feeder}", looks a row up by another column and they filter by an id: they likely use its result, so it stays first and only they are counted.` : ''),
          // Processing between the calls hints that a later call may use an earlier result.
          confidence: median(group.map((o) => o.maxGapUs)) > 2000 ? 'low' : 'medium',
          details: { calls: n },
        }),
      );
    }
    return findings;
  },
};

/**
 * The same handler's run sometimes breaks early (a slow gap, one call overlapping another): [profile, inventory]
 * next to [profile, inventory, pricing]. Groups whose templates are a subset of a bigger group's on the same
 * endpoint join it, so the report shows one fix per place in the code.
 */
function mergeSubsets<T extends { key: string; at: { service: string; endpoint: string } }>(groups: Map<string, T[]>): T[][] {
  const entries = [...groups.entries()].map(([key, occs]) => ({ key, occs, templates: new Set(key.split('\u0000').pop()!.split('\u0001')) }));
  entries.sort((a, b) => b.templates.size - a.templates.size || b.occs.length - a.occs.length);
  const kept: typeof entries = [];
  for (const e of entries) {
    const ep = endpointKey(e.occs[0].at.service, e.occs[0].at.endpoint);
    const into = kept.find(
      (k) => endpointKey(k.occs[0].at.service, k.occs[0].at.endpoint) === ep && [...e.templates].every((t) => k.templates.has(t)),
    );
    if (into) into.occs.push(...e.occs);
    else kept.push(e);
  }
  return kept.map((k) => k.occs);
}

/** Marks the feeder's template in an occurrence key (never part of a statement). */
const AFTER = '\u0003';

/**
 * Whether `first` likely returns the key every call in `rest` uses, so they cannot start before it ends. A trace
 * shows timing, not data flow, and timesink records no parameter values, so this reads the statements: `first`
 * is a SQL read that filters only on columns that are not ids (a slug, an email, a name: a lookup *for* a key), and
 * every later call is SQL filtering on an id-like column (`id`, `*_id`, `*Id`), in WHERE or in a JOIN's ON. A first call that
 * already filters by an id had its key from the request, not from a result (`WHERE id = $1` then
 * `WHERE user_id = $1`: independent). Calls other than SQL are never judged dependent this way.
 */
export function feedsTheRest(first: Span, rest: readonly Span[]): boolean {
  const firstCols = filteredColumns(statementOf(first));
  if (firstCols.length === 0 || firstCols.some(isIdLike)) return false;
  return rest.every((s) => filteredColumns(statementOf(s)).some(isIdLike));
}

/**
 * A column compared with a value — a placeholder (`?`, `$1`, `:id`, `@p1`), a quoted or numeric literal, true/false
 * — wherever it stands: in WHERE, or in a JOIN's ON as ORMs write their association getters
 * (`INNER JOIN Favorites ON User.id = Favorites.UserId AND Favorites.articleId = ?`). A column compared with another
 * column is a join, not a filter. Quoting: "col", `col` (MySQL), [col] (T-SQL); `lower(col) = $1` counts as col.
 */
const FILTER =
  /(?:[`"[]?[A-Za-z_][\w$]*[`"\]]?\.)?[`"[]?([A-Za-z_][\w$]*)[`"\]]?\)?\s*(?:=\s*(?:ANY\s*\(\s*)?|\bIN\s*\(\s*)(?=\?|\$\d|:[A-Za-z_]|@\w|'|-?\d|true\b|false\b)/gi;

function filteredColumns(sql: string | undefined): string[] {
  if (!sql) return [];
  return [...sql.matchAll(FILTER)].map((m) => m[1]).filter((c) => !/^(and|or|not|where|on)$/i.test(c));
}

function isIdLike(column: string): boolean {
  return /^id$/i.test(column) || /_id$/i.test(column) || /[a-z0-9]Id$/.test(column) || /[a-z0-9]ID$/.test(column);
}

/** How many of these calls share each call template. */
function templateCounts(calls: readonly Span[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const k of calls) {
    const template = callTemplate(k);
    counts.set(template, (counts.get(template) ?? 0) + 1);
  }
  return counts;
}

/**
 * Maximal runs of back-to-back, distinct-template, on-path reads among sorted siblings. `repeats` counts the
 * templates of the siblings' awaited I/O calls.
 */
function sequentialRuns(at: AnalyzedTrace, kids: readonly Span[], repeats: ReadonlyMap<string, number>, maxGapUs: number): Span[][] {
  const runs: Span[][] = [];
  let run: Span[] = [];
  let runEnd = Number.NEGATIVE_INFINITY;
  let seen = new Set<string>();
  const flush = (): void => {
    if (run.length > 0) runs.push(run);
    run = [];
    runEnd = Number.NEGATIVE_INFINITY;
    seen = new Set();
  };
  // A template repeated under this parent is a loop: n-plus-one batches it; chaining one of its calls to
  // the next distinct call would propose a second, overlapping fix for the same time.
  for (const k of kids) {
    // pool.query() checks a connection out before every query: a short checkout is part of the call that
    // follows it, not a break in the sequence (a long one is pool-exhaustion's business, and breaks it).
    if (k.class === 'pool' && durationUs(k) <= maxGapUs) continue;
    const candidate =
      isIo(k) && isRead(k) && (repeats.get(callTemplate(k)) ?? 0) < 2 && subtreeOnPathUs(at, k.spanId) >= 0.5 * durationUs(k);
    if (!candidate) {
      flush();
      continue;
    }
    const template = callTemplate(k);
    const chains = run.length > 0 && k.startUs >= runEnd && k.startUs - runEnd <= maxGapUs && !seen.has(template);
    if (!chains) {
      // An overlapping sibling means fan-out: the previous run ends, and this one may start the next.
      flush();
    }
    run.push(k);
    seen.add(template);
    runEnd = Math.max(runEnd, k.endUs);
  }
  flush();
  return runs;
}
