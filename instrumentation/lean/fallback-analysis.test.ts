/**
 * The same app recorded by the lean span sources and by OpenTelemetry's instrumentations (the fallback) gives the
 * same analysis: the orders sample (N+1 queries planted, so the top fix is known by construction) under the same
 * load, recorded both ways, agrees on categories within a few points, endpoints and the top fix.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, ingest } from '../../analyzer/index.js';
import { startApp } from '../../samples/lib/run-app.mjs';
import { REGISTER_CJS, REPO, tempDir } from '../testing/support.js';

const ORDERS = path.join(REPO, 'samples', 'apps', 'orders', 'server.cjs');
const REQUESTS = 16;
/**
 * One request at a time: under concurrent load the queueing a recorder causes is part of what it records, and the
 * fallback's heavier instrumentations cause more of it (the lean sources' reason to exist, measured in
 * docs/BENCHMARKS.md); here the question is whether both see the same waits and work.
 */
const CONCURRENCY = 1;

async function recordOrders(instrumentations: 'lean' | 'otel'): Promise<string> {
  const out = tempDir();
  const app = await startApp({
    command: [process.execPath, '--require', REGISTER_CJS, ORDERS],
    env: { PORT: '0', DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', TIMESINK_OUT: out, TIMESINK_INSTRUMENTATIONS: instrumentations, QUERY_SLEEP_MS: '20', ORDERS_PER_PAGE: '10', NODE_OPTIONS: '' },
    cwd: REPO,
  });
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next++ < REQUESTS) await (await fetch(`${app.url}/orders?customer=3`)).text();
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const exit = await app.stop();
  expect(exit.code, exit.output).toBe(0);
  return out;
}

describe('lean sources against the OpenTelemetry fallback', () => {
  it('record the orders sample to the same categories, endpoints and top fix', async () => {
    const analyses = [];
    for (const mode of ['lean', 'otel'] as const) analyses.push(analyze(await ingest([await recordOrders(mode)])));
    const [lean, otel] = analyses as [ReturnType<typeof analyze>, ReturnType<typeof analyze>];
    expect(lean.summary.traces).toBe(REQUESTS);
    expect(otel.summary.traces).toBe(REQUESTS);
    expect(lean.endpoints.map((e) => e.name).sort()).toEqual(otel.endpoints.map((e) => e.name).sort());
    expect(lean.fixes[0]?.detector).toBe('n-plus-one');
    expect(otel.fixes[0]?.detector).toBe('n-plus-one');
    // The same category leads the critical path (the planted database waits).
    const top = (b: Record<string, number>): string => Object.entries(b).sort((x, y) => y[1] - x[1])[0]![0];
    expect(top(lean.summary.breakdown)).toBe('db');
    expect(top(otel.summary.breakdown)).toBe('db');
    for (const [category, share] of Object.entries(otel.summary.fractions)) {
      expect(Math.abs((lean.summary.fractions as unknown as Record<string, number>)[category]! - share), category).toBeLessThan(0.06);
    }
  }, 240_000);
});
