'use strict';
// Catalog: an Express app on the `mysql` driver (MariaDB/MySQL at MYSQL_URL, default root@127.0.0.1:3306/test). Each
// request runs two independent queries together (Promise.all), each sleeping QUERY_SLEEP_MS in the database; nothing
// is planted to fix. The truth is where the time goes: the database share of the critical path is the app's own
// measure of its waiting, which only holds if the driver's calls have spans (without them the same wait would be
// uninstrumented).
const express = require('express');
const mysql = require('mysql');
const { serve, Series } = require('../../lib/serve.cjs');

const SLEEP_S = Number(process.env.QUERY_SLEEP_MS ?? 100) / 1000;

async function main() {
  const url = new URL(process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test');
  const pool = mysql.createPool({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: url.pathname.slice(1),
    connectionLimit: 16,
  });
  const query = (sql, values) => new Promise((resolve, reject) => pool.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows))));
  // SYSDATE(6) is read when evaluated, after SLEEP (NOW(6) would be the statement's start): when the database had its
  // answer, on the same wall clock as this process.
  const answeredAt = 'UNIX_TIMESTAMP(SYSDATE(6)) * 1000 AS answered_ms';
  const request = new Series();
  const answered = new Series();
  const wallNow = () => performance.timeOrigin + performance.now();

  const app = express();
  app.get('/products/:id', async (req, res) => {
    const started = performance.now();
    res.on('finish', () => request.add(performance.now() - started));
    const id = Number(req.params.id);
    const t0 = wallNow();
    const [product, stock] = await Promise.all([
      query(`SELECT SLEEP(?) AS s, ? AS id, CONCAT('product ', ?) AS name, ${answeredAt}`, [SLEEP_S, id, id]),
      query(`SELECT SLEEP(?) AS s, ? AS id, 7 AS stock, ${answeredAt}`, [SLEEP_S, id]),
    ]);
    const t1 = wallNow();
    const at = [...product, ...stock].reduce((m, r) => Math.max(m, Number(r.answered_ms)), -Infinity);
    answered.add(Number.isFinite(at) ? Math.min(t1, Math.max(t0, at)) - t0 : t1 - t0);
    res.json({ id, name: product[0].name, stock: stock[0].stock });
  });

  serve(app, {
    name: 'catalog',
    stats: () => ({ answered, request }),
    onClose: () => new Promise((resolve) => pool.end(() => resolve())),
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
