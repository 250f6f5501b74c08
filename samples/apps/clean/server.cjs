'use strict';
// Clean: the same shape as orders, written well. One query joins orders with their items, the customer and
// the recommendations are fetched together, the pool is larger than the load's concurrency. The control:
// the analyzer should find nothing worth fixing here.
const express = require('express');
const { Pool } = require('pg');
const { serve, Series } = require('../../lib/serve.cjs');

const ORDERS_PER_PAGE = Number(process.env.ORDERS_PER_PAGE ?? 10);
const SLEEP_S = Number(process.env.QUERY_SLEEP_MS ?? 100) / 1000;

async function seed(pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS clean_customers (id int PRIMARY KEY, name text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS clean_orders (id int PRIMARY KEY, customer_id int NOT NULL, total numeric NOT NULL)`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS clean_order_items (id int PRIMARY KEY, order_id int NOT NULL, sku text NOT NULL, qty int NOT NULL)`,
  );
  await pool.query(`INSERT INTO clean_customers SELECT c, 'customer ' || c FROM generate_series(1, 20) c ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO clean_orders SELECT o, 1 + o % 20, o * 3.5 FROM generate_series(1, 400) o ON CONFLICT DO NOTHING`);
  await pool.query(
    `INSERT INTO clean_order_items SELECT i, 1 + i % 400, 'sku-' || (i % 50), 1 + i % 3 FROM generate_series(1, 1600) i ON CONFLICT DO NOTHING`,
  );
}

async function main() {
  const { startDatabase } = await import('../../lib/database.mjs');
  const db = await startDatabase();
  const pool = new Pool({ connectionString: db.url, max: 16 });
  await seed(pool);

  const pause = `CROSS JOIN (SELECT pg_sleep($1::float8)) AS pause`;
  const answeredAt = `(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS answered_ms`;
  // truth-stats, as orders does: each request (handler start → response finish), and its wait for the database,
  // from the Promise.all call to the moment the later of the two queries had its answer (clock_timestamp() in
  // the query, on the same wall clock as performance.timeOrigin + performance.now()).
  const request = new Series();
  const answered = new Series();
  const wallNow = () => performance.timeOrigin + performance.now();
  const app = express();
  app.get('/orders', async (req, res) => {
    const started = performance.now();
    res.on('finish', () => request.add(performance.now() - started));
    const customerId = 1 + (Number(req.query.customer ?? 0) % 20);
    const t0 = wallNow();
    const [orders, customer] = await Promise.all([
      pool.query(
        `SELECT q.id, q.total, q.items, ${answeredAt} FROM (
           SELECT o.id, o.total, json_agg(json_build_object('sku', i.sku, 'qty', i.qty)) AS items
             FROM (SELECT * FROM clean_orders WHERE customer_id = $2 ORDER BY id LIMIT $3) o
             JOIN clean_order_items i ON i.order_id = o.id ${pause}
            GROUP BY o.id, o.total ORDER BY o.id) q`,
        [SLEEP_S, customerId, ORDERS_PER_PAGE],
      ),
      pool.query(`SELECT c.id, c.name, ${answeredAt} FROM clean_customers c ${pause} WHERE c.id = $2`, [SLEEP_S, customerId]),
    ]);
    const t1 = wallNow();
    const at = [...orders.rows, ...customer.rows].reduce((m, r) => Math.max(m, r.answered_ms), -Infinity);
    answered.add(Number.isFinite(at) ? Math.min(t1, Math.max(t0, at)) - t0 : t1 - t0);
    res.json({ customer: customer.rows[0], orders: orders.rows });
  });

  serve(app, {
    name: 'clean',
    stats: () => ({ answered, request }),
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
