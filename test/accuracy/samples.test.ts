/**
 * The sample apps themselves, without the recorder: each starts on an ephemeral port, serves its paths,
 * prints its truth-stats and exits 0 on SIGTERM. Real PostgreSQL (127.0.0.1:5432) unless DATABASE_URL is
 * set; one app also runs on the embedded PGlite the demo uses.
 */
import { describe, expect, it } from 'vitest';
import { APPS, loadTruth, serverPath } from '../../samples/lib/apps.mjs';
import { startApp } from '../../samples/lib/run-app.mjs';
import { runLoad } from '../../samples/load.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function smoke(app: string, env: Record<string, string>): Promise<void> {
  const truth = loadTruth(app);
  const running = await startApp({ command: [process.execPath, serverPath(app)], env: { ...truth.env, ...env, PORT: '0' } });
  let results;
  try {
    results = await runLoad({ url: running.url, connections: 2, amount: 4, paths: truth.load.paths });
  } finally {
    const exit = await running.stop();
    expect(exit.code, exit.output).toBe(0);
    expect(exit.truthStats?.process?.requests).toBe(4 * truth.load.paths.length);
  }
  expect(results.map((r) => r.requests)).toEqual(truth.load.paths.map(() => 4));
}

describe('sample apps', () => {
  for (const app of APPS) {
    it(`${app} serves its load and stops cleanly`, async () => {
      await smoke(app, loadTruth(app).database ? { DATABASE_URL } : {});
    });
  }

  it('orders runs on the embedded PGlite when DATABASE_URL is not set', async () => {
    await smoke('orders', { DATABASE_URL: '' });
  }, 120_000);
});
