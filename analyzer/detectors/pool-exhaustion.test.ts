import { describe, expect, it } from 'vitest';
import { estimatePoolSize, poolExhaustion } from './pool-exhaustion.js';
import { TraceBuilder, analyzeAll, contextOf, sql, t } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';

/**
 * A closed pool of `queryMs.length` connections (connection k's queries take queryMs[k]), `n` requests all arriving
 * at 0 and served FIFO by the first free connection. Each query span is recorded `lagMs` after the query really
 * ended (its end callback runs later), while the next request already started its query on the freed connection.
 * Returns the traces and the exact total wait for a connection (every wait happens while all connections are busy).
 */
function closedPool(n: number, queryMs: number[], lagMs: number) {
  const free = queryMs.map(() => 0);
  const traces = [];
  let waitedMs = 0;
  for (let i = 0; i < n; i++) {
    const k = free.indexOf(Math.min(...free));
    const grant = free[k];
    free[k] = grant + queryMs[k];
    waitedMs += grant;
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /report', route: '/report', start: 0, end: free[k] + lagMs + 0.5 });
    if (grant > 0) b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: 0, end: grant });
    b.add(root, sql('SELECT region, sum(amount) FROM report_sales', grant, free[k] + lagMs));
    traces.push(b.build());
  }
  return { traces, waitedMs };
}

/** root [s, s+100]: pool wait [s, s+wait], then a query of `queryMs`. */
function request(s: number, waitMs: number, queryMs = 50) {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /orders', route: '/orders', start: s, end: s + 100 });
  if (waitMs > 0) b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: s, end: s + waitMs });
  b.add(root, sql('SELECT * FROM orders', s + waitMs, s + waitMs + queryMs));
  return b.build();
}

describe('pool-exhaustion', () => {
  it('a pool of 1: the second request waits 40 ms while the first holds the connection; a big enough pool saves it', () => {
    const ctx = contextOf(analyzeAll([request(0, 0, 40), request(0, 40, 40)]));
    const [f] = poolExhaustion.detect(ctx);
    expect(f.title).toContain('pg-pool.connect');
    expect(fixOf(ctx, 'pool-exhaustion')!.savingMs).toBeCloseTo(40, 6);
  });

  it('says the pool is the limit when DB concurrency sits at its peak while requests wait', () => {
    // A pool of 2, four requests: two query at once [0,50], the other two wait for them and query [50,100].
    const ctx = contextOf(analyzeAll([request(0, 0), request(0, 0), request(0, 50), request(0, 50)]));
    const [f] = poolExhaustion.detect(ctx);
    expect(f.details?.poolSizeEstimate).toBe(2);
    expect(f.details?.pinnedShare).toBe(1);
    expect(f.confidence).toBe('high');
    expect(f.why).toContain('the pool size is the limit');
    expect(fixOf(ctx, 'pool-exhaustion')!.savingMs).toBeCloseTo(100, 6);
  });

  it('a checkout while no connection was busy is not exhaustion (connection creation, a busy loop)', () => {
    expect(poolExhaustion.detect(contextOf(analyzeAll([request(0, 40), request(1000, 40)])))).toHaveLength(0);
  });

  it('does not fire on sub-millisecond checkouts', () => {
    expect(poolExhaustion.detect(contextOf(analyzeAll([request(0, 0, 40), request(0, 0.5, 40)])))).toHaveLength(0);
  });

  it('a checkout that opens a new connection is set-up, not waiting: only its idle time counts', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /orders', route: '/orders', start: 0, end: 100 });
    const checkout = b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: 0, end: 30, onThread: [[0, 2]] });
    b.add(checkout, { name: 'pg.connect', cls: 'db', start: 10, end: 30 });
    b.add(root, sql('SELECT * FROM orders', 30, 90));
    // Another request holds the only other connection meanwhile.
    const ctx = contextOf(analyzeAll([b.build(), request(0, 0, 30)]));
    // 30 ms checkout − 20 ms connecting − 2 ms of its own JavaScript = 8 ms of waiting
    expect(fixOf(ctx, 'pool-exhaustion')!.savingMs).toBeCloseTo(8, 6);
  });

  it('late-recorded query ends (1–2 ms overlaps at each hand-over) do not inflate the pool size: the whole wait is found', () => {
    // Pool of 2 (queries of 40 and 30 ms), 20 requests at once; every query span ends 1.5 ms late, so three spans
    // overlap at each hand-over and the peak DB concurrency is 3, yet the pool is 2 and every wait is exhaustion.
    const { traces, waitedMs } = closedPool(20, [40, 30], 1.5);
    const ctx = contextOf(analyzeAll(traces));
    const [f] = poolExhaustion.detect(ctx);
    expect(f.details?.poolSizeEstimate).toBe(2);
    expect(f.confidence).toBe('high');
    expect(fixOf(ctx, 'pool-exhaustion')!.savingMs).toBeCloseTo(waitedMs, 6);
  });

  it('estimatePoolSize: the level DB concurrency holds while requests wait, not brief overlaps or dips', () => {
    const span = (start: number, end: number) => ({ startUs: t(start), endUs: t(end) }) as never;
    // Connection A: queries [0,41.8] and [40,80]; connection B: [0,30] (handed over 2 ms late: idle [30,32]), [32,80].
    const db = [span(0, 41.8), span(40, 80), span(0, 30), span(32, 80)];
    // One request waits [0,40] (gets A), another [0,32] (gets B).
    const est = estimatePoolSize(db, [span(0, 40), span(0, 32)]);
    expect(est.size).toBe(2);
    // Waiting time is the union [0,40]: at ≥ 2 except the 2 ms dip to 1 at [30,32].
    expect(est.pinnedShare).toBeCloseTo(38 / 40, 9);
    // The peak (3, for 1.8 ms) is not the pool size.
    expect(estimatePoolSize(db, []).size).toBe(0);
  });

  it('estimatePoolSize: no DB work while requests wait (connections being created) is no pool size at all', () => {
    const span = (start: number, end: number) => ({ startUs: t(start), endUs: t(end) }) as never;
    expect(estimatePoolSize([span(50, 90)], [span(0, 40)])).toEqual({ size: 0, pinnedShare: 0 });
  });

  it('a pool larger than the concurrency (the clean control): checkouts that do not wait are no finding', () => {
    // 2 clients, pool of 16: each request checks out at once (0.2 ms) and runs two queries together.
    const traces = [];
    for (let i = 0; i < 30; i++) {
      const s = i * 101;
      for (let c = 0; c < 2; c++) {
        const b = new TraceBuilder();
        const root = b.root({ name: 'GET /orders', route: '/orders', start: s, end: s + 101 });
        b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: s, end: s + 0.2 });
        b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: s, end: s + 0.2 });
        b.add(root, sql('SELECT * FROM orders', s + 0.2, s + 100.2));
        b.add(root, sql('SELECT * FROM customers', s + 0.2, s + 100.2));
        traces.push(b.build());
      }
    }
    expect(poolExhaustion.detect(contextOf(analyzeAll(traces)))).toHaveLength(0);
  });

  it('checkouts delayed while fewer queries than usual run (a busy loop, not a full pool) are no finding', () => {
    // Two clients, each request checks out two connections (3 ms: its callbacks sat behind the loop) and runs two
    // 100 ms queries together; the clients are 50 ms apart, so DB concurrency sits at 4 and each checkout happens
    // while only the other client's two queries run. The waits all see concurrency 2, yet the pool is never full.
    const traces = [];
    for (const offset of [0, 50])
      for (let i = 0; i < 20; i++) {
        const s = offset + i * 104;
        const b = new TraceBuilder();
        const root = b.root({ name: 'GET /orders', route: '/orders', start: s, end: s + 104 });
        b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: s, end: s + 3 });
        b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: s, end: s + 3 });
        b.add(root, sql('SELECT * FROM orders', s + 3, s + 103));
        b.add(root, sql('SELECT * FROM customers', s + 3, s + 103));
        traces.push(b.build());
      }
    const db = traces.flatMap((tr) => tr.spans.filter((sp) => sp.name.startsWith('SELECT') || sp.attributes['db.statement'] !== undefined));
    expect(db.length).toBe(80);
    expect(estimatePoolSize(db, traces.flatMap((tr) => tr.spans.filter((sp) => sp.name === 'pg-pool.connect'))).size).toBe(4);
    expect(poolExhaustion.detect(contextOf(analyzeAll(traces)))).toHaveLength(0);
  });
});
