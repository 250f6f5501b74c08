'use strict';
// Reports: each request runs one slow report query (REPORT_SLEEP_MS inside the database) through a pg Pool
// of POOL_MAX connections. Under more concurrent requests than connections, requests wait for a connection
// (pool exhaustion): that wait is contention, not database time.
const express = require('express');
const { Pool } = require('pg');
const { serve, Series } = require('../../lib/serve.cjs');

const POOL_MAX = Number(process.env.POOL_MAX ?? 2);
const SLEEP_S = Number(process.env.REPORT_SLEEP_MS ?? 40) / 1000;

async function seed(pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS report_sales (id int PRIMARY KEY, region text NOT NULL, amount numeric NOT NULL)`);
  await pool.query(
    `INSERT INTO report_sales SELECT s, 'region-' || (s % 8), (s % 97) * 1.25 FROM generate_series(1, 2000) s ON CONFLICT DO NOTHING`,
  );
}

async function main() {
  const { startDatabase } = await import('../../lib/database.mjs');
  const db = await startDatabase();
  const pool = new Pool({ connectionString: db.url, max: POOL_MAX });
  await seed(pool);

  // The app's own timing, printed at shutdown as truth-stats: each request (handler start → response finish),
  // its query from the call to the result (query: the wait for a connection and the database) and from the call
  // to when the database had computed the answer (answered: clock_timestamp() in the query, the same wall
  // clock). query − answered is the reply waiting for this thread (busy with other work, or not scheduled).
  const request = new Series();
  const query = new Series();
  const answered = new Series();
  const wallNow = () => performance.timeOrigin + performance.now();
  const app = express();
  app.get('/report', async (_req, res) => {
    const t0 = performance.now();
    res.on('finish', () => request.add(performance.now() - t0));
    const q0 = wallNow();
    const { rows } = await pool.query(
      `SELECT region, sum(amount)::float8 AS total, count(*)::int AS n,
              max((extract(epoch FROM clock_timestamp()) * 1000)::float8) AS answered_ms
         FROM report_sales CROSS JOIN (SELECT pg_sleep($1::float8)) AS pause
        GROUP BY region ORDER BY region`,
      [SLEEP_S],
    );
    const q1 = wallNow();
    query.add(q1 - q0);
    const at = rows.reduce((m, r) => Math.max(m, r.answered_ms), -Infinity);
    answered.add(Number.isFinite(at) ? Math.min(q1, Math.max(q0, at)) - q0 : q1 - q0);
    res.json(rows);
  });

  serve(app, {
    name: 'reports',
    stats: () => ({ query, answered, request }),
    onClose: async () => {
      await pool.end();
      await db.stop();
    },
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
