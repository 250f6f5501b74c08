'use strict';
// Orders: lists a customer's recent orders, then fetches each order's items with its own query (N+1), then
// fetches the customer and their recommendations one after the other although neither needs the other
// (sequential I/O). Every statement sleeps QUERY_SLEEP_MS inside the database, so the truth is known.
const express = require('express');
const { Pool } = require('pg');
const { serve, Series } = require('../../lib/serve.cjs');

const ORDERS_PER_PAGE = Number(process.env.ORDERS_PER_PAGE ?? 10);
const SLEEP_S = Number(process.env.QUERY_SLEEP_MS ?? 20) / 1000;

async function seed(pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS sample_customers (id int PRIMARY KEY, name text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS sample_orders (id int PRIMARY KEY, customer_id int NOT NULL, total numeric NOT NULL)`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS sample_order_items (id int PRIMARY KEY, order_id int NOT NULL, sku text NOT NULL, qty int NOT NULL)`,
  );
  await pool.query(`CREATE TABLE IF NOT EXISTS sample_recommendations (customer_id int NOT NULL, sku text NOT NULL)`);
  // Idempotent: every row has a fixed key.
  await pool.query(`INSERT INTO sample_customers SELECT c, 'customer ' || c FROM generate_series(1, 20) c ON CONFLICT DO NOTHING`);
  await pool.query(
    `INSERT INTO sample_orders SELECT o, 1 + o % 20, o * 3.5 FROM generate_series(1, 400) o ON CONFLICT DO NOTHING`,
  );
  await pool.query(
    `INSERT INTO sample_order_items SELECT i, 1 + i % 400, 'sku-' || (i % 50), 1 + i % 3 FROM generate_series(1, 1600) i ON CONFLICT DO NOTHING`,
  );
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM sample_recommendations`);
  if (rows[0].n === 0) {
    await pool.query(`INSERT INTO sample_recommendations SELECT 1 + r % 20, 'sku-' || (r % 50) FROM generate_series(1, 100) r`);
  }
}

async function main() {
  const { startDatabase } = await import('../../lib/database.mjs');
  const db = await startDatabase();
  const pool = new Pool({ connectionString: db.url, max: 10 });
  await seed(pool);

  // The planted sleep runs once per statement: a one-row subquery in FROM is evaluated once. Every planted
  // statement also returns when the database computed its rows (clock_timestamp(), after the sleep, on the same
  // wall clock as this process): the app's own, timesink-independent view of when the answer was ready.
  const pause = `CROSS JOIN (SELECT pg_sleep($1::float8)) AS pause`;
  const answeredAt = `(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS answered_ms`;
  // truth-stats: each request (handler start → response finish); each query from the call to its result (query)
  // and from the call to the moment the database had the answer (answered). query − answered is the reply
  // waiting for this thread (busy with other work, or not scheduled) and the driver's parsing.
  const request = new Series();
  const query = new Series();
  const answered = new Series();
  const wallNow = () => performance.timeOrigin + performance.now();
  const timedQuery = async (sql, params) => {
    const t0 = wallNow();
    const result = await pool.query(sql, params);
    const t1 = wallNow();
    query.add(t1 - t0);
    const at = result.rows.reduce((m, r) => Math.max(m, r.answered_ms), -Infinity);
    answered.add(Number.isFinite(at) ? Math.min(t1, Math.max(t0, at)) - t0 : t1 - t0);
    return result;
  };
  const app = express();
  app.get('/orders', async (req, res) => {
    const t0 = performance.now();
    res.on('finish', () => request.add(performance.now() - t0));
    const customerId = 1 + (Number(req.query.customer ?? 0) % 20);
    const { rows: orders } = await timedQuery(
      `SELECT o.id, o.total, ${answeredAt} FROM sample_orders o ${pause} WHERE o.customer_id = $2 ORDER BY o.id LIMIT $3`,
      [SLEEP_S, customerId, ORDERS_PER_PAGE],
    );
    // N+1: one query per order instead of one query for all of them.
    for (const order of orders) {
      const { rows } = await timedQuery(
        `SELECT i.sku, i.qty, ${answeredAt} FROM sample_order_items i ${pause} WHERE i.order_id = $2`,
        [SLEEP_S, order.id],
      );
      order.items = rows;
    }
    // Sequential I/O: these two do not depend on each other.
    const customer = await timedQuery(`SELECT c.id, c.name, ${answeredAt} FROM sample_customers c ${pause} WHERE c.id = $2`, [SLEEP_S, customerId]);
    const recommendations = await timedQuery(
      `SELECT r.sku, ${answeredAt} FROM sample_recommendations r ${pause} WHERE r.customer_id = $2`,
      [SLEEP_S, customerId],
    );
    res.json({ customer: customer.rows[0], orders, recommendations: recommendations.rows });
  });

  serve(app, {
    name: 'orders',
    stats: () => ({ queriesPerRequest: ORDERS_PER_PAGE + 3, query, answered, request }),
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
