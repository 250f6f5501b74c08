// A realistic small service (express 5 + pg), the kind of endpoint most Node APIs are made of: "about 1 ms of work
// per request: a few queries, some JSON". Per request it validates its input, runs three queries (one row by key,
// then a 50-row related list and an aggregate in parallel), checks the rows it got back, shapes them (prices
// formatted for the caller's currency, facets, pagination links, a templated summary) and sends ~24 KB of JSON
// (express adds the ETag). Measured unrecorded, that is about 1 ms of Node CPU per request on the bench machine
// (docs/BENCHMARKS.md says how it was measured). All of it is ordinary API work: no spin loops.
//   PORT=3902 node bench/overhead/app-realistic.cjs      then  GET /items/17?currency=EUR&sort=price
const express = require('express');
const { Pool } = require('pg');

const pool = new Pool({ host: process.env.PGHOST ?? '127.0.0.1', port: 5432, user: process.env.PGUSER ?? 'postgres', database: 'test', max: 10 });
// v2: rows carry a description and attributes, as a catalogue's would (the v1 table had bare names).
const TABLE = 'timesink_bench_items_v2';
const ITEMS = 2000;
const RELATED = 50;

async function seed() {
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${TABLE} (id int PRIMARY KEY, category int NOT NULL, name text NOT NULL, description text NOT NULL,
       price_cents int NOT NULL, stock int NOT NULL, tags jsonb NOT NULL, attributes jsonb NOT NULL, updated_at timestamptz NOT NULL)`,
  );
  // The related list is read by category, newest first: indexed, as it would be in production.
  await pool.query(`CREATE INDEX IF NOT EXISTS ${TABLE}_category ON ${TABLE} (category, updated_at DESC)`);
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM ${TABLE}`);
  if (rows[0].n < ITEMS) {
    await pool.query(`TRUNCATE ${TABLE}`);
    await pool.query(
      `INSERT INTO ${TABLE}
       SELECT g, g % 30, 'Item ' || g || ' ' || (ARRAY['walnut','steel','linen','oak','wool'])[1 + g % 5],
              repeat('A sturdy everyday piece, made to last and easy to care for. ', 1 + g % 4),
              (g * 37) % 10000 + 99, (g * 13) % 40,
              jsonb_build_array('t' || (g % 7), 't' || (g % 11), 't' || (g % 13)),
              jsonb_build_object('color', (ARRAY['red','green','blue','black'])[1 + g % 4], 'weightGrams', 100 + g % 900, 'sku', 'SKU-' || lpad(g::text, 6, '0')),
              now() - (g || ' minutes')::interval
       FROM generate_series(1, ${ITEMS}) g`,
    );
  }
}

// ---- input validation: what a schema validator does for a route, written out ----
const CURRENCIES = { USD: 1, EUR: 0.92, GBP: 0.79, JPY: 151.3, SEK: 10.4 };
const SORTS = new Set(['price', '-price', 'name', 'updated']);
function validateRequest(req) {
  const errors = [];
  const id = Number(req.params.id);
  if (!/^\d{1,9}$/.test(req.params.id) || !Number.isSafeInteger(id)) errors.push({ path: 'params.id', message: 'must be a non-negative integer' });
  const currency = String(req.query.currency ?? 'USD').toUpperCase();
  if (!(currency in CURRENCIES)) errors.push({ path: 'query.currency', message: `must be one of ${Object.keys(CURRENCIES).join(', ')}` });
  const sort = String(req.query.sort ?? 'price');
  if (!SORTS.has(sort)) errors.push({ path: 'query.sort', message: 'unknown sort' });
  const limit = req.query.limit === undefined ? RELATED : Number(req.query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > RELATED) errors.push({ path: 'query.limit', message: `must be 1..${RELATED}` });
  const lang = String(req.get('accept-language') ?? 'en-US').split(',')[0].trim();
  if (!/^[a-z]{2}(-[A-Z]{2})?$/.test(lang)) errors.push({ path: 'headers.accept-language', message: 'unsupported' });
  return { errors, id: (id % ITEMS) + 1, currency, sort, limit, lang };
}

// ---- output checks: rows from the database are checked before they are trusted ----
function checkRow(r) {
  return (
    Number.isInteger(r.id) && typeof r.name === 'string' && typeof r.description === 'string' && Number.isInteger(r.price_cents) &&
    Number.isInteger(r.stock) && Array.isArray(r.tags) && r.tags.every((t) => typeof t === 'string') &&
    r.attributes !== null && typeof r.attributes === 'object' && typeof r.attributes.sku === 'string' && r.updated_at instanceof Date
  );
}

const formatters = new Map(); // one Intl formatter per locale × currency, as any i18n layer caches them
function money(cents, currency, lang) {
  const key = `${lang}/${currency}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.NumberFormat(lang, { style: 'currency', currency })));
  return f.format((cents / 100) * CURRENCIES[currency]);
}
const slug = (s) => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const excerpt = (s, n) => (s.length <= n ? s : `${s.slice(0, s.lastIndexOf(' ', n))}…`);

function shapeItem(r, q, base) {
  return {
    id: r.id,
    name: r.name,
    slug: slug(r.name),
    excerpt: excerpt(r.description, 80),
    price: { amount: Math.round((r.price_cents / 100) * CURRENCIES[q.currency] * 100) / 100, currency: q.currency, display: money(r.price_cents, q.currency, q.lang) },
    cheaper: base ? r.price_cents < base.price_cents : undefined,
    availability: r.stock === 0 ? 'out-of-stock' : r.stock < 5 ? 'low-stock' : 'in-stock',
    tags: r.tags.map((t) => t.toUpperCase()),
    attributes: { ...r.attributes, weight: `${(r.attributes.weightGrams / 1000).toFixed(2)} kg` },
    updatedAt: r.updated_at.toISOString(),
    links: { self: `/items/${r.id}?currency=${q.currency}`, category: `/categories/${r.category ?? base?.category}` },
  };
}

const compare = {
  price: (a, b) => a.price.amount - b.price.amount,
  '-price': (a, b) => b.price.amount - a.price.amount,
  name: (a, b) => a.name.localeCompare(b.name),
  updated: (a, b) => b.updatedAt.localeCompare(a.updatedAt),
};

const app = express();
app.get('/items/:id', async (req, res, next) => {
  try {
    const q = validateRequest(req);
    if (q.errors.length) return res.status(400).json({ errors: q.errors });
    const columns = 'id, category, name, description, price_cents, stock, tags, attributes, updated_at';
    const row = (await pool.query(`SELECT ${columns} FROM ${TABLE} WHERE id = $1`, [q.id])).rows[0];
    if (!row || !checkRow(row)) return res.status(404).json({ error: 'not found' });
    const [related, stats] = await Promise.all([
      pool.query(`SELECT ${columns} FROM ${TABLE} WHERE category = $1 AND id <> $2 ORDER BY updated_at DESC LIMIT $3`, [row.category, q.id, q.limit]),
      pool.query(`SELECT count(*)::int AS n, avg(price_cents)::float AS avg, min(price_cents) AS min, max(price_cents) AS max FROM ${TABLE} WHERE category = $1`, [row.category]),
    ]);
    const rows = related.rows.filter(checkRow);
    const item = shapeItem(row, q);
    const list = rows.map((r) => shapeItem(r, q, row)).sort(compare[q.sort]);
    // Facets, as a listing page shows them: counts per tag and colour, a price histogram.
    const byTag = {};
    const byColor = {};
    const histogram = [0, 0, 0, 0, 0];
    for (const r of list) {
      for (const t of r.tags) byTag[t] = (byTag[t] ?? 0) + 1;
      byColor[r.attributes.color] = (byColor[r.attributes.color] ?? 0) + 1;
      histogram[Math.min(4, Math.floor(r.price.amount / (25 * CURRENCIES[q.currency])))]++;
    }
    const s = stats.rows[0];
    const body = {
      item,
      related: list,
      facets: { tags: Object.entries(byTag).sort((a, b) => b[1] - a[1]).map(([tag, count]) => ({ tag, count })), colors: byColor, priceHistogram: histogram },
      category: { id: row.category, count: s.n, avgPrice: money(s.avg, q.currency, q.lang), range: `${money(s.min, q.currency, q.lang)} – ${money(s.max, q.currency, q.lang)}` },
      // The templated sentence a client shows above the list.
      summary: `${item.name} (${item.price.display}, ${item.availability.replace('-', ' ')}): ${list.length} similar items from ${list.length ? money(Math.min(...rows.map((r) => r.price_cents)), q.currency, q.lang) : '—'}, ${list.filter((r) => r.cheaper).length} of them cheaper.`,
      links: { self: req.originalUrl, next: `/items/${q.id}/related?offset=${q.limit}&limit=${q.limit}&currency=${q.currency}` },
      generatedAt: new Date().toISOString(),
    };
    res.json(body);
  } catch (e) {
    next(e);
  }
});

seed().then(() => app.listen(Number(process.env.PORT ?? 3902), '127.0.0.1'));
