/**
 * Calibrations of the planted work on this machine, taken right before the run, so the expected numbers
 * hold on a slow machine too: how long one sleeping query really takes, how long one upstream call takes.
 */
import { join } from 'node:path';
import pg from 'pg';
import { ROOT } from '../../samples/lib/apps.mjs';
import { startApp } from '../../samples/lib/run-app.mjs';

/** The median: a calibration taken on a busy machine should not be skewed by one slow sample. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median ms of one `SELECT ... CROSS JOIN (SELECT pg_sleep(sleepMs))` round trip (the apps' query shape). */
export async function calibrateQuery(databaseUrl: string, sleepMs: number, samples = 15): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const sql = 'SELECT 1 AS one FROM (SELECT 1) AS t CROSS JOIN (SELECT pg_sleep($1::float8)) AS pause';
    for (let i = 0; i < 3; i++) await client.query(sql, [sleepMs / 1000]);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await client.query(sql, [sleepMs / 1000]);
      times.push(performance.now() - t0);
    }
    return median(times);
  } finally {
    await client.end();
  }
}

/** Median ms of one call to each route of the gateway's upstream, started here with the planted delays. */
export async function calibrateUpstream(env: Record<string, string>, routes: string[], samples = 8): Promise<Record<string, number>> {
  const upstream = await startApp({ command: [process.execPath, join(ROOT, 'samples/apps/gateway/upstream.cjs')], env: { ...env, PORT: '0' } });
  try {
    const result: Record<string, number> = {};
    for (const route of routes) {
      // Warm up: the first calls pay for the connection and the JIT.
      for (let i = 0; i < 3; i++) await (await fetch(new URL(route, upstream.url))).text();
      const times: number[] = [];
      for (let i = 0; i < samples; i++) {
        const t0 = performance.now();
        await (await fetch(new URL(route, upstream.url))).text();
        times.push(performance.now() - t0);
      }
      result[route] = median(times);
    }
    return result;
  } finally {
    await upstream.stop();
  }
}
