#!/usr/bin/env node
// Deterministic synthetic OTLP JSON Lines, shaped like what the OpenTelemetry Collector's file exporter writes:
// one TracesData object per line, each line a batch of spans grouped by resource (service) and scope.
// The traces look like real services: HTTP server spans over PostgreSQL, Redis and HTTP client children,
// with N+1 query loops, sequential awaits of independent calls, and cross-service calls.
//
//   node bench/generate-traces.mjs --spans 100000 [--seed 1] [--out bench/.data/traces-100k.jsonl] [--batch 512]
//
// Same seed + same span count ⇒ byte-identical file (the benchmarks depend on that).
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import { seededRandom } from '../test/testing/seeded-random.mjs';

const here = dirname(fileURLToPath(import.meta.url));
export const DATA_DIR = resolve(here, '.data');

const KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 };
const SCOPES = {
  http: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' },
  pg: { name: '@opentelemetry/instrumentation-pg', version: '0.76.0' },
  ioredis: { name: '@opentelemetry/instrumentation-ioredis', version: '0.71.0' },
  express: { name: '@opentelemetry/instrumentation-express', version: '0.71.1' },
  psycopg: { name: 'opentelemetry.instrumentation.psycopg', version: '0.52b0' },
  redispy: { name: 'opentelemetry.instrumentation.redis', version: '0.52b0' },
  flask: { name: 'opentelemetry.instrumentation.flask', version: '0.52b0' },
  requests: { name: 'opentelemetry.instrumentation.requests', version: '0.52b0' },
};

/** Services: a Node.js front (express over pg/redis/http) and two Python back-ends. */
const SERVICES = {
  'shop-api': { language: 'nodejs', sdkName: 'opentelemetry', sdkVersion: '2.12.1', web: 'express', db: 'pg', cache: 'ioredis', client: 'http', server: 'http', port: 3000 },
  catalog: { language: 'python', sdkName: 'opentelemetry', sdkVersion: '1.31.0', web: 'flask', db: 'psycopg', cache: 'redispy', client: 'requests', server: 'flask', port: 8000 },
  pricing: { language: 'python', sdkName: 'opentelemetry', sdkVersion: '1.31.0', web: 'flask', db: 'psycopg', cache: 'redispy', client: 'requests', server: 'flask', port: 8001 },
};

const attr = (key, v) =>
  typeof v === 'number'
    ? Number.isInteger(v)
      ? { key, value: { intValue: String(v) } }
      : { key, value: { doubleValue: v } }
    : typeof v === 'boolean'
      ? { key, value: { boolValue: v } }
      : { key, value: { stringValue: String(v) } };

/**
 * Builds spans for one trace. Times are integer µs since epoch; a span is kept in a compact internal form
 * and turned into OTLP JSON only when written.
 */
class TraceBuilder {
  constructor(r, traceId, nextSpanId) {
    this.r = r;
    this.traceId = traceId;
    this.nextSpanId = nextSpanId;
    this.spans = [];
  }
  span(service, scope, name, kind, parent, startUs, durUs, attributes, error = false) {
    const s = {
      service,
      scope,
      traceId: this.traceId,
      spanId: this.nextSpanId(),
      parentSpanId: parent?.spanId,
      name,
      kind,
      startUs,
      endUs: startUs + durUs,
      attributes,
      error,
    };
    this.spans.push(s);
    return s;
  }
  /** Exponential-ish jitter around a mean, never below a floor: latency distributions have long right tails. */
  lat(meanUs, minUs = 30) {
    const u = this.r();
    return Math.max(minUs, Math.round(-Math.log(1 - u * 0.999) * meanUs));
  }
  pg(svc, parent, t, statement, table, op, meanUs = 900) {
    const cfg = SERVICES[svc];
    const dur = this.lat(meanUs, 80);
    this.span(svc, cfg.db, cfg.db === 'pg' ? `pg.query:${op} shop` : `${op} ${table}`, KIND.client, parent, t, dur, [
      attr('db.system', 'postgresql'),
      attr('db.name', svc === 'shop-api' ? 'shop' : svc),
      attr('db.statement', statement),
      attr('db.operation', op),
      attr('db.sql.table', table),
      attr('net.peer.name', 'db.internal'),
      attr('net.peer.port', 5432),
      attr('server.address', 'db.internal'),
      attr('server.port', 5432),
    ]);
    return t + dur;
  }
  redis(svc, parent, t, cmd, key) {
    const cfg = SERVICES[svc];
    const dur = this.lat(180, 40);
    this.span(svc, cfg.cache, cmd.toLowerCase(), KIND.client, parent, t, dur, [
      attr('db.system', 'redis'),
      attr('db.statement', `${cmd} ${key}`),
      attr('net.peer.name', 'cache.internal'),
      attr('net.peer.port', 6379),
      attr('server.address', 'cache.internal'),
    ]);
    return t + dur;
  }
  /** An outbound HTTP call; when `callee` is one of ours its server span (and children) nest under it. */
  httpClient(svc, parent, t, method, host, path, callee) {
    const cfg = SERVICES[svc];
    const net = this.lat(250, 60);
    const url = `http://${host}${path}`;
    const client = this.span(svc, cfg.client, method, KIND.client, parent, t, 0, [
      attr('http.request.method', method),
      attr('url.full', url),
      attr('server.address', host),
      attr('server.port', callee ? SERVICES[callee.service].port : 443),
      attr('http.response.status_code', 200),
    ]);
    let end;
    if (callee) {
      const serverEnd = callee.build(this, client, t + Math.round(net / 2));
      end = serverEnd + Math.round(net / 2);
    } else {
      end = t + this.lat(12_000, 800); // a third-party API
    }
    client.endUs = end;
    return end;
  }
}

/** Downstream handlers: each returns the end time of its server span. */
function catalogProduct(tb, parentClient, t0) {
  const r = tb.r;
  const id = 1 + Math.floor(r() * 5000);
  const srv = tb.span('catalog', 'flask', 'GET /products/<id>', KIND.server, parentClient, t0, 0, serverAttrs('catalog', 'GET', `/products/${id}`, '/products/<id>'));
  let t = t0 + tb.lat(150, 40);
  t = tb.redis('catalog', srv, t, 'GET', `product:${id}`);
  if (r() < 0.35) {
    // cache miss: load and backfill
    t = tb.pg('catalog', srv, t, 'SELECT id, name, price_cents, stock FROM products WHERE id = %s', 'products', 'SELECT');
    t = tb.redis('catalog', srv, t, 'SET', `product:${id}`);
  }
  t += tb.lat(300, 60); // serialisation
  srv.endUs = t;
  return t;
}

function pricingQuote(tb, parentClient, t0) {
  const r = tb.r;
  const srv = tb.span('pricing', 'flask', 'POST /quote', KIND.server, parentClient, t0, 0, serverAttrs('pricing', 'POST', '/quote', '/quote'));
  let t = t0 + tb.lat(200, 40);
  // N+1 in the pricing service: one discount lookup per line item.
  const items = 2 + Math.floor(r() * 6);
  for (let i = 0; i < items; i++) t = tb.pg('pricing', srv, t, 'SELECT pct FROM discounts WHERE sku = %s AND now() < ends_at', 'discounts', 'SELECT', 600);
  t += tb.lat(400, 80);
  srv.endUs = t;
  return t;
}

function serverAttrs(service, method, path, route) {
  return [
    attr('http.request.method', method),
    attr('url.path', path),
    attr('http.route', route),
    attr('url.scheme', 'http'),
    attr('server.port', SERVICES[service].port),
    attr('http.response.status_code', 200),
    attr('user_agent.original', 'Mozilla/5.0 (bench)'),
  ];
}

/** Front-end endpoints of shop-api with their weights and shapes. */
const ENDPOINTS = [
  {
    weight: 5,
    method: 'GET',
    route: '/api/products/:id',
    build(tb, srv, t) {
      t = tb.redis('shop-api', srv, t, 'GET', `session:${Math.floor(tb.r() * 1e6)}`);
      return tb.httpClient('shop-api', srv, t, 'GET', 'catalog.internal:8000', `/products/${1 + Math.floor(tb.r() * 5000)}`, { service: 'catalog', build: catalogProduct });
    },
  },
  {
    weight: 3,
    method: 'GET',
    route: '/api/orders',
    build(tb, srv, t) {
      // Classic N+1: list orders, then one query per order for its items.
      t = tb.pg('shop-api', srv, t, 'SELECT id, created_at, total_cents FROM orders WHERE user_id = $1 ORDER BY created_at DESC LIMIT 20', 'orders', 'SELECT', 1500);
      const n = 5 + Math.floor(tb.r() * 16);
      for (let i = 0; i < n; i++) {
        t = tb.pg('shop-api', srv, t, 'SELECT sku, qty, price_cents FROM order_items WHERE order_id = $1', 'order_items', 'SELECT', 500);
        t += tb.lat(20, 5);
      }
      return t + tb.lat(600, 100);
    },
  },
  {
    weight: 2,
    method: 'POST',
    route: '/api/checkout',
    build(tb, srv, t) {
      // Sequential awaits of independent calls (could run in parallel), then a transaction.
      t = tb.redis('shop-api', srv, t, 'GET', `cart:${Math.floor(tb.r() * 1e6)}`);
      t = tb.httpClient('shop-api', srv, t, 'POST', 'pricing.internal:8001', '/quote', { service: 'pricing', build: pricingQuote });
      t = tb.httpClient('shop-api', srv, t, 'GET', 'catalog.internal:8000', `/products/${1 + Math.floor(tb.r() * 5000)}`, { service: 'catalog', build: catalogProduct });
      t = tb.httpClient('shop-api', srv, t, 'POST', 'api.payments.example.com', '/v1/charges', null);
      t = tb.pg('shop-api', srv, t, 'BEGIN', 'orders', 'BEGIN', 150);
      t = tb.pg('shop-api', srv, t, 'INSERT INTO orders (user_id, total_cents) VALUES ($1, $2) RETURNING id', 'orders', 'INSERT', 1200);
      t = tb.pg('shop-api', srv, t, 'INSERT INTO order_items (order_id, sku, qty, price_cents) SELECT $1, unnest($2::text[]), unnest($3::int[]), unnest($4::int[])', 'order_items', 'INSERT', 1500);
      t = tb.pg('shop-api', srv, t, 'COMMIT', 'orders', 'COMMIT', 400);
      return tb.redis('shop-api', srv, t, 'DEL', `cart:${Math.floor(tb.r() * 1e6)}`);
    },
  },
  {
    weight: 2,
    method: 'GET',
    route: '/api/search',
    build(tb, srv, t) {
      // CPU-ish: a long gap of own work after one query (ranking in JavaScript).
      t = tb.pg('shop-api', srv, t, "SELECT id, name FROM products WHERE name ILIKE '%' || $1 || '%' LIMIT 500", 'products', 'SELECT', 4000);
      const rank = tb.span('shop-api', 'express', 'request handler - /api/search', KIND.internal, srv, t, tb.lat(6000, 500), [attr('express.type', 'request_handler'), attr('http.route', '/api/search')]);
      return rank.endUs;
    },
  },
  {
    weight: 1,
    method: 'GET',
    route: '/api/recommendations',
    build(tb, srv, t) {
      // Parallel fan-out done right: three catalog calls at once.
      let end = t;
      for (let i = 0; i < 3; i++) {
        const e = tb.httpClient('shop-api', srv, t + i * 40, 'GET', 'catalog.internal:8000', `/products/${1 + Math.floor(tb.r() * 5000)}`, { service: 'catalog', build: catalogProduct });
        end = Math.max(end, e);
      }
      return end + tb.lat(300, 50);
    },
  },
];
const TOTAL_WEIGHT = ENDPOINTS.reduce((a, e) => a + e.weight, 0);

function pickEndpoint(r) {
  let x = r() * TOTAL_WEIGHT;
  for (const e of ENDPOINTS) if ((x -= e.weight) < 0) return e;
  return ENDPOINTS[ENDPOINTS.length - 1];
}

function shopTrace(tb, t0) {
  const ep = pickEndpoint(tb.r);
  const path = ep.route.replace(':id', String(1 + Math.floor(tb.r() * 5000)));
  const srv = tb.span('shop-api', 'http', `${ep.method} ${ep.route}`, KIND.server, null, t0, 0, serverAttrs('shop-api', ep.method, path, ep.route));
  const mw = tb.span('shop-api', 'express', 'middleware - jsonParser', KIND.internal, srv, t0 + 20, tb.lat(60, 10), [attr('express.type', 'middleware'), attr('express.name', 'jsonParser')]);
  const end = ep.build(tb, srv, mw.endUs + tb.lat(40, 5));
  srv.endUs = end + tb.lat(120, 20);
  if (tb.r() < 0.01) {
    srv.error = true;
    srv.attributes[5] = attr('http.response.status_code', 500);
  }
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

function toOtlpSpan(s) {
  const o = {
    traceId: s.traceId,
    spanId: s.spanId,
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: `${s.startUs}000`,
    endTimeUnixNano: `${s.endUs}000`,
    attributes: s.attributes,
    status: s.error ? { code: 2, message: 'Internal Server Error' } : { code: 0 },
  };
  if (s.parentSpanId) o.parentSpanId = s.parentSpanId;
  return o;
}

function resourceFor(service) {
  const cfg = SERVICES[service];
  return {
    attributes: [
      attr('service.name', service),
      attr('service.version', '1.4.2'),
      attr('deployment.environment', 'production'),
      attr('host.name', `${service}-7d9f8b-${cfg.language === 'nodejs' ? 'x2k4p' : 'q8w1z'}`),
      attr('telemetry.sdk.language', cfg.language),
      attr('telemetry.sdk.name', cfg.sdkName),
      attr('telemetry.sdk.version', cfg.sdkVersion),
      attr('process.pid', cfg.language === 'nodejs' ? 4242 : 17),
    ],
  };
}

/** One TracesData line: spans grouped by service, then by instrumentation scope. */
function batchLine(spans) {
  const byService = new Map();
  for (const s of spans) {
    let scopes = byService.get(s.service);
    if (!scopes) byService.set(s.service, (scopes = new Map()));
    let list = scopes.get(s.scope);
    if (!list) scopes.set(s.scope, (list = []));
    list.push(toOtlpSpan(s));
  }
  const resourceSpans = [];
  for (const [service, scopes] of byService) {
    resourceSpans.push({
      resource: resourceFor(service),
      scopeSpans: [...scopes].map(([scope, list]) => ({ scope: SCOPES[scope], spans: list })),
      schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
    });
  }
  return JSON.stringify({ resourceSpans });
}

/**
 * Writes `spans` spans (the last trace is cut at the limit, as a rotated file would be) to `out`, and the counts
 * to `metaFile(out)`. Returns { spans, traces, lines, bytes, seed, spansInCompleteTraces }.
 */
export async function generateTraces({ spans: wanted, seed = 1, out, batch = 512 }) {
  const r = seededRandom(seed);
  mkdirSync(dirname(out), { recursive: true });
  const ws = createWriteStream(out);
  let spanCounter = 0;
  const nextSpanId = () => hex(seed, 4) + hex(++spanCounter, 12);
  const startUs = 1_767_225_600_000_000; // 2026-01-01T00:00:00Z
  let t = startUs;
  let written = 0;
  let traces = 0;
  let lines = 0;
  let bytes = 0;
  let pending = [];
  // Spans are flushed in end-time order per batch, like a BatchSpanProcessor exports them as they end.
  const flush = async () => {
    if (!pending.length) return;
    const line = batchLine(pending) + '\n';
    pending = [];
    lines++;
    bytes += Buffer.byteLength(line);
    if (!ws.write(line)) await once(ws, 'drain');
  };
  let inCompleteTraces = 0;
  while (written < wanted) {
    traces++;
    const traceId = hex(seed, 8) + hex(traces, 24);
    const tb = new TraceBuilder(r, traceId, nextSpanId);
    shopTrace(tb, t);
    tb.spans.sort((a, b) => a.endUs - b.endUs);
    if (written + tb.spans.length <= wanted) inCompleteTraces += tb.spans.length;
    for (const s of tb.spans) {
      if (written >= wanted) break;
      pending.push(s);
      written++;
      if (pending.length >= batch) await flush();
    }
    t += Math.round(tb.lat(4000, 100)); // ~250 requests/s arriving
  }
  await flush();
  ws.end();
  await once(ws, 'finish');
  const meta = { spans: written, traces, lines, bytes, seed, spansInCompleteTraces: inCompleteTraces };
  // The sidecar lets a benchmark check the analyzer saw every span, knowing the last trace was cut (no root).
  writeFileSync(metaFile(out), JSON.stringify(meta, null, 2) + '\n');
  return meta;
}

/** Where generateTraces writes the counts of a generated file. */
export function metaFile(out) {
  return out.replace(/\.jsonl$/, '') + '.meta.json';
}

/** bench/.data/traces-<label>.jsonl for a span count: 10k, 100k, 1m. */
export function dataFile(spans, seed = 1) {
  const label = spans >= 1e6 && spans % 1e6 === 0 ? `${spans / 1e6}m` : spans >= 1e3 && spans % 1e3 === 0 ? `${spans / 1e3}k` : String(spans);
  return resolve(DATA_DIR, `traces-${label}${seed === 1 ? '' : `-s${seed}`}.jsonl`);
}

export function parseCount(s) {
  const m = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(String(s).trim());
  if (!m) throw new Error(`not a span count: ${s}`);
  return Math.round(Number(m[1]) * (m[2].toLowerCase() === 'm' ? 1e6 : m[2].toLowerCase() === 'k' ? 1e3 : 1));
}

async function main() {
  const args = process.argv.slice(2);
  const opt = (name, dflt) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : dflt;
  };
  const counts = String(opt('spans', '10k')).split(',').map(parseCount);
  const seed = Number(opt('seed', '1'));
  const batch = Number(opt('batch', '512'));
  for (const spans of counts) {
    const out = opt('out') && counts.length === 1 ? resolve(opt('out')) : dataFile(spans, seed);
    const t0 = performance.now();
    const res = await generateTraces({ spans, seed, out, batch });
    console.log(`${out}: ${res.spans} spans, ${res.traces} traces, ${res.lines} lines, ${(res.bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
