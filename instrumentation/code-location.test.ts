/**
 * Code locations: the sampling rule on its own, and the recorder in a real process against real PostgreSQL, MariaDB,
 * Redis, HTTP and fs — the fixture marks the lines its calls start on, so the right answers are known by construction.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { captureAppLocation, isAppFile, LocationSampler } from './code-location.js';
import { FIXTURES, REGISTER_CJS, readSpans, runNode, tempDir, type FlatSpan } from './testing/support.js';

describe('LocationSampler', () => {
  it('samples each statement under one span name on its own (a driver names every query alike)', () => {
    const s = new LocationSampler({ firstPerKey: 2, thenOneIn: 1000, maxKeys: 100 });
    const scope = {};
    const loop = Array.from({ length: 10 }, () => s.shouldCapture(scope, 'pg.query:SELECT db', 'SELECT * FROM items WHERE order_id = $1'));
    expect(loop.filter(Boolean)).toHaveLength(2);
    // A query issued once, after the loop's: still located.
    expect(s.shouldCapture(scope, 'pg.query:SELECT db', 'SELECT count(*) FROM orders')).toBe(true);
  });

  it('takes the first K spans of each (scope, name), then one in N', () => {
    const s = new LocationSampler({ firstPerKey: 3, thenOneIn: 4, maxKeys: 100 });
    const scope = {};
    const picks = Array.from({ length: 15 }, () => s.shouldCapture(scope, 'q'));
    // 3 first, then every 4th of the rest: positions 3..14 → the 4th (6), the 8th (10), the 12th (14).
    expect(picks.map((p, i) => (p ? i : -1)).filter((i) => i >= 0)).toEqual([0, 1, 2, 6, 10, 14]);
    // Another name and another scope (tracer) count on their own.
    expect(s.shouldCapture(scope, 'other')).toBe(true);
    expect(s.shouldCapture({}, 'q')).toBe(true);
  });

  it('samples new keys past the key limit one in N overall instead of growing', () => {
    const s = new LocationSampler({ firstPerKey: 8, thenOneIn: 4, maxKeys: 2 });
    const scope = {};
    expect(s.shouldCapture(scope, 'a')).toBe(true);
    expect(s.shouldCapture(scope, 'b')).toBe(true);
    const overflow = Array.from({ length: 8 }, (_, i) => s.shouldCapture(scope, `new-${i}`));
    expect(overflow).toEqual([true, false, false, false, true, false, false, false]);
  });
});

describe('app frames', () => {
  it('excludes Node internals, node_modules and non-files', () => {
    expect(isAppFile('node:internal/process/task_queues')).toBe(false);
    expect(isAppFile('/srv/app/node_modules/pg/lib/client.js')).toBe(false);
    expect(isAppFile('evalmachine.<anonymous>')).toBe(false);
    expect(isAppFile(undefined)).toBe(false);
    expect(isAppFile('/srv/app/orders.js')).toBe(true);
    expect(isAppFile('file:///srv/app/orders.mjs')).toBe(true);
  });

  it('names the caller, not timesink, and leaves Error.prepareStackTrace as it was', () => {
    const before = Error.prepareStackTrace;
    const loc = captureAppLocation()!.split('\n')[0];
    expect(loc).toMatch(/code-location\.test\.ts:\d+:\d+$/);
    expect(Error.prepareStackTrace).toBe(before);
    expect(new Error('x').stack).toContain('code-location.test.ts');
  });
});

describe('code locations in a recording', () => {
  const fixture = path.join(FIXTURES, 'code-location-app.cjs');
  /** `// @loc name` markers of the fixture → 1-based line numbers. */
  const lines = new Map<string, number>();
  fs.readFileSync(fixture, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /\/\/ @loc (\w+)/.exec(text);
      if (m) lines.set(m[1]!, i + 1);
    });
  let spans: FlatSpan[];
  let unlocated: FlatSpan[];

  beforeAll(async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, fixture], { env: { TIMESINK_OUT: dir } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    spans = readSpans(dir);
    const off = tempDir();
    const runOff = await runNode(['--require', REGISTER_CJS, fixture], { env: { TIMESINK_OUT: off, TIMESINK_CODE_LOCATIONS: '0' } });
    expect(runOff.code).toBe(0);
    unlocated = readSpans(off);
  });

  const at = (marker: string): RegExp => new RegExp(`^${fixture.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${lines.get(marker)}:\\d+$`);
  const one = (pred: (s: FlatSpan) => boolean): FlatSpan => {
    const found = spans.filter(pred);
    expect(found).toHaveLength(1);
    return found[0]!;
  };
  const statement = (s: FlatSpan): string => String(s.attrs['db.statement'] ?? s.attrs['db.query.text'] ?? '');

  it('points PostgreSQL pool.query spans (the connect wait and the query itself) at the line of the call', () => {
    expect(one((s) => s.name.startsWith('pg.query') && statement(s).includes('AS located')).attrs[ATTR.location]).toMatch(at('pg'));
    const connects = spans.filter((s) => s.name === 'pg-pool.connect' && s.attrs[ATTR.location] !== undefined);
    expect(connects[0]!.attrs[ATTR.location]).toMatch(at('pg'));
  });

  it('points Redis, MariaDB, http.get, fetch and fs calls at their lines', () => {
    expect(one((s) => s.scope.includes('ioredis')).attrs[ATTR.location]).toMatch(at('redis'));
    expect(one((s) => s.scope.includes('mysql2') && statement(s).includes('AS located')).attrs[ATTR.location]).toMatch(at('mysql'));
    expect(one((s) => s.scope.includes('instrumentation-http') && s.kind === 3).attrs[ATTR.location]).toMatch(at('http'));
    expect(one((s) => s.scope.includes('instrumentation-fs') && s.name.includes('readFile')).attrs[ATTR.location]).toMatch(at('fs'));
    // fetch starts its span ~30 frames deep inside undici: the walk must reach past them.
    expect(one((s) => s.scope.includes('undici')).attrs[ATTR.location]).toMatch(at('fetch'));
  });

  it('leaves server spans without a location', () => {
    const server = spans.filter((s) => s.kind === 2);
    expect(server.length).toBeGreaterThan(0);
    for (const s of server) expect(s.attrs[ATTR.location]).toBeUndefined();
  });

  it('samples a repeated call site: the first 8 per span name, then 1 in 64 (pool queries follow their connect)', () => {
    const loop = spans.filter((s) => s.name.startsWith('pg.query') && statement(s).includes('AS repeated'));
    expect(loop).toHaveLength(100);
    // A pool.query's query span never has the app on its stack (pg issues it from the connect callback): it is
    // located exactly when its pg-pool.connect sibling is. Connect spans: two before the loop (the located query, the
    // explicit checkout), so the loop's i-th (1-based) connect is the name's (i+2)-th: within the first 8 for
    // i = 1..6, then the 64th after those, the 72nd overall (i = 70).
    const located = loop.map((s, i) => (s.attrs[ATTR.location] !== undefined ? i + 1 : 0)).filter((i) => i > 0);
    expect(located).toEqual([1, 2, 3, 4, 5, 6, 70]);
    for (const s of loop) if (s.attrs[ATTR.location] !== undefined) expect(s.attrs[ATTR.location]).toMatch(at('loop'));
  });

  it('records no locations when TIMESINK_CODE_LOCATIONS=0', () => {
    expect(unlocated.length).toBe(spans.length);
    expect(unlocated.filter((s) => s.attrs[ATTR.location] !== undefined)).toEqual([]);
  });
});

describe('code locations of a synchronous loop of calls', () => {
  it('walks the stack for the sampled spans only; the others take their sibling\'s location', async () => {
    const fixture = path.join(FIXTURES, 'location-loop-app.cjs');
    const line = fs.readFileSync(fixture, 'utf8').split('\n').findIndex((t) => t.includes('// @loc loop')) + 1;
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, fixture], { env: { TIMESINK_OUT: dir, N: '200' } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { walks } = JSON.parse(run.stdout.trim()) as { walks: number };
    // 200 sibling spans: the first 8 of the name, then 1 in 64 → 11 walks (each sibling handing on to the next
    // made it 200, a stack walk per read).
    expect(walks).toBeLessThanOrEqual(12);
    const reads = readSpans(dir).filter((s) => s.scope.includes('instrumentation-fs') && s.name.includes('readFileSync'));
    expect(reads).toHaveLength(200);
    for (const s of reads) expect(String(s.attrs[ATTR.location])).toMatch(new RegExp(`location-loop-app\\.cjs:${line}:\\d+$`));
    // The app frames above the call travel along (innermost first), for the analyzer to see past helpers.
    const callers = String(reads[0]!.attrs[ATTR.callers]).split('\n');
    expect(callers.length).toBeGreaterThanOrEqual(1);
    expect(callers.length).toBeLessThanOrEqual(2);
    for (const c of callers) expect(c).toMatch(/location-loop-app\.cjs:\d+:\d+$/);
  });
});
