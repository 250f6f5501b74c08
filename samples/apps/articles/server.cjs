'use strict';
// Articles: a Fastify 5 API whose URLs carry slugs (/api/articles/how-to-cache-3). Each request runs one query that
// sleeps QUERY_SLEEP_MS in the database; nothing is planted to fix. What is planted is the naming: Fastify knows the
// routes (/api/articles/:slug, /api/articles/:slug/comments), so the analysis must have exactly those two endpoints,
// never one per slug. The load uses fewer distinct slugs than the analyzer's slug inference needs (8), so only the
// recorded route names can give the right answer.
const { Pool } = require('pg');
const Fastify = require('fastify5');
const { serve, Series } = require('../../lib/serve.cjs');

const SLEEP_S = Number(process.env.QUERY_SLEEP_MS ?? 100) / 1000;

async function main() {
  const { startDatabase } = await import('../../lib/database.mjs');
  const db = await startDatabase();
  const pool = new Pool({ connectionString: db.url, max: 16 });

  // Every query also returns when the database had its answer (clock_timestamp(), after the sleep, on the same wall
  // clock as this process): the app's own, timesink-independent measure of its waiting.
  const answeredAt = `(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS answered_ms`;
  const request = new Series();
  const answered = new Series();
  const wallNow = () => performance.timeOrigin + performance.now();
  const timedQuery = async (sql, params) => {
    const t0 = wallNow();
    const result = await pool.query(sql, params);
    const t1 = wallNow();
    const at = result.rows.reduce((m, r) => Math.max(m, r.answered_ms), -Infinity);
    answered.add(Number.isFinite(at) ? Math.min(t1, Math.max(t0, at)) - t0 : t1 - t0);
    return result.rows;
  };

  const fastify = Fastify({ logger: false });
  fastify.register(
    async (api) => {
      api.get('/articles/:slug', async (req) => {
        const [row] = await timedQuery(`SELECT $2::text AS slug, ${answeredAt} FROM pg_sleep($1::float8)`, [SLEEP_S, req.params.slug]);
        return { slug: row.slug, title: req.params.slug.replace(/-/g, ' ') };
      });
      api.get('/articles/:slug/comments', async (req) => {
        const rows = await timedQuery(`SELECT $2::text AS slug, n, ${answeredAt} FROM pg_sleep($1::float8), generate_series(1, 3) n`, [SLEEP_S, req.params.slug]);
        return rows.map((r) => ({ n: r.n }));
      });
    },
    { prefix: '/api' },
  );
  await fastify.ready();

  // The shared server (serve.cjs) hands each request to Fastify's router, as a custom server does. Each request is
  // timed from there (before Fastify's routing and hooks, which are the app's work too) to the response's finish.
  const handle = (req, res) => {
    const t0 = performance.now();
    res.on('finish', () => request.add(performance.now() - t0));
    fastify.routing(req, res);
  };
  serve(handle, {
    name: 'articles',
    stats: () => ({ answered, request }),
    onClose: async () => {
      await fastify.close();
      await pool.end();
      await db.stop();
    },
  });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
