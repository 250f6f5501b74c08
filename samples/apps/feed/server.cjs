'use strict';
// Feed: one loop, several different queries per item. GET /feed lists ARTICLES_PER_PAGE articles, then for each
// article loads its author, its tags and its comment count, one query each (the Sequelize "6 queries per
// article" shape, with 3). Three n-plus-one templates, one edit: load the three related sets for all the articles
// at once (three IN-list queries, or one join). The truth is that one change and its joint saving.
const express = require('express');
const { Pool } = require('pg');
const { serve, Series } = require('../../lib/serve.cjs');

const ARTICLES_PER_PAGE = Number(process.env.ARTICLES_PER_PAGE ?? 8);
const SLEEP_S = Number(process.env.QUERY_SLEEP_MS ?? 10) / 1000;

async function seed(pool) {
  await pool.query(`CREATE TABLE IF NOT EXISTS feed_articles (id int PRIMARY KEY, author_id int NOT NULL, title text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS feed_authors (id int PRIMARY KEY, name text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS feed_tags (article_id int NOT NULL, tag text NOT NULL)`);
  await pool.query(`CREATE TABLE IF NOT EXISTS feed_comments (id int PRIMARY KEY, article_id int NOT NULL, body text NOT NULL)`);
  await pool.query(`INSERT INTO feed_authors SELECT a, 'author ' || a FROM generate_series(1, 20) a ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO feed_articles SELECT a, 1 + a % 20, 'article ' || a FROM generate_series(1, 200) a ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO feed_comments SELECT c, 1 + c % 200, 'comment ' || c FROM generate_series(1, 1000) c ON CONFLICT DO NOTHING`);
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM feed_tags`);
  if (rows[0].n === 0) await pool.query(`INSERT INTO feed_tags SELECT 1 + t % 200, 'tag-' || (t % 15) FROM generate_series(1, 600) t`);
}

async function main() {
  const { startDatabase } = await import('../../lib/database.mjs');
  const db = await startDatabase();
  const pool = new Pool({ connectionString: db.url, max: 10 });
  await seed(pool);

  // As in orders: every planted statement sleeps once in the database and returns when the database had its answer
  // (clock_timestamp(), on this process's wall clock): the app's own, timesink-independent view of its waits.
  const pause = `CROSS JOIN (SELECT pg_sleep($1::float8)) AS pause`;
  const answeredAt = `(extract(epoch FROM clock_timestamp()) * 1000)::float8 AS answered_ms`;
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
  app.get('/feed', async (req, res) => {
    const t0 = performance.now();
    res.on('finish', () => request.add(performance.now() - t0));
    const page = Number(req.query.page ?? 0) % 20;
    const { rows: articles } = await timedQuery(
      `SELECT a.id, a.author_id, a.title, ${answeredAt} FROM feed_articles a ${pause} ORDER BY a.id LIMIT $2 OFFSET $3`,
      [SLEEP_S, ARTICLES_PER_PAGE, page * ARTICLES_PER_PAGE],
    );
    // The loop: three different queries per article, one after the other.
    for (const article of articles) {
      const author = await timedQuery(`SELECT u.name, ${answeredAt} FROM feed_authors u ${pause} WHERE u.id = $2`, [SLEEP_S, article.author_id]);
      const tags = await timedQuery(`SELECT t.tag, ${answeredAt} FROM feed_tags t ${pause} WHERE t.article_id = $2`, [SLEEP_S, article.id]);
      const comments = await timedQuery(
        `SELECT count(*)::int AS n, max(${answeredAt.replace(' AS answered_ms', '')}) AS answered_ms FROM feed_comments c ${pause} WHERE c.article_id = $2`,
        [SLEEP_S, article.id],
      );
      article.author = author.rows[0]?.name;
      article.tags = tags.rows.map((r) => r.tag);
      article.comments = comments.rows[0]?.n ?? 0;
    }
    res.json({ page, articles });
  });

  serve(app, {
    name: 'feed',
    stats: () => ({ queriesPerRequest: 1 + 3 * ARTICLES_PER_PAGE, query, answered, request }),
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
