import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { classifyAll, classifySpan, matchingRule } from './classify.js';
import { RULES } from './rules.js';
import { mkSpan } from '../critical-path/testing/spans.js';
import type { SpanClass } from '../model/categories.js';
import type { Span } from '../model/span.js';

type Case = [label: string, expected: SpanClass, span: Partial<Span>];

const client = 'client' as const;
const internal = 'internal' as const;

// Each case mirrors what the named instrumentation emits (scope name, kind, attributes): stable and older keys.
const CASES: Case[] = [
  // Node.js
  ['node pg query', 'db', { kind: client, scope: '@opentelemetry/instrumentation-pg', name: 'pg.query:SELECT test', attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1' } }],
  ['node pg-pool.connect', 'pool', { kind: internal, scope: '@opentelemetry/instrumentation-pg', name: 'pg-pool.connect', attributes: { 'db.system': 'postgresql' } }],
  ['node mysql2 (stable keys)', 'db', { kind: client, scope: '@opentelemetry/instrumentation-mysql2', name: 'SELECT', attributes: { 'db.system.name': 'mysql', 'db.query.text': 'SELECT 1' } }],
  ['node ioredis', 'cache', { kind: client, scope: '@opentelemetry/instrumentation-ioredis', name: 'get', attributes: { 'db.system': 'redis', 'db.statement': 'get k' } }],
  ['node redis, scope only', 'cache', { kind: client, scope: '@opentelemetry/instrumentation-redis', name: 'redis-GET', attributes: {} }],
  ['memcached', 'cache', { kind: client, name: 'memcached get', attributes: { 'db.system.name': 'memcached' } }],
  ['node fs', 'fs', { kind: internal, scope: '@opentelemetry/instrumentation-fs', name: 'fs readFile', attributes: {} }],
  ['node dns', 'dns', { kind: client, scope: '@opentelemetry/instrumentation-dns', name: 'dns.lookup', attributes: {} }],
  ['node net', 'network', { kind: internal, scope: '@opentelemetry/instrumentation-net', name: 'tcp.connect', attributes: { 'net.peer.name': 'db' } }],
  ['node undici', 'network', { kind: client, scope: '@opentelemetry/instrumentation-undici', name: 'GET', attributes: { 'http.request.method': 'GET', 'url.full': 'http://x/y' } }],
  ['node http client (old keys)', 'network', { kind: client, scope: '@opentelemetry/instrumentation-http', name: 'GET', attributes: { 'http.method': 'GET', 'http.url': 'http://x/y' } }],
  ['node http server', 'in_process', { kind: 'server', scope: '@opentelemetry/instrumentation-http', name: 'GET /users', attributes: { 'http.method': 'GET', 'http.route': '/users' } }],
  ['generic-pool acquire', 'pool', { kind: internal, scope: '@opentelemetry/instrumentation-generic-pool', name: 'generic-pool.acquire', attributes: {} }],
  ['mongodb', 'db', { kind: client, scope: '@opentelemetry/instrumentation-mongodb', name: 'mongodb.find', attributes: { 'db.system': 'mongodb' } }],
  ['kafka producer', 'messaging', { kind: 'producer', scope: '@opentelemetry/instrumentation-kafkajs', name: 'send orders', attributes: { 'messaging.system': 'kafka' } }],
  ['kafka consumer is in-process work', 'in_process', { kind: 'consumer', name: 'process orders', attributes: { 'messaging.system': 'kafka' } }],
  ['amqplib publish, internal kind', 'messaging', { kind: internal, scope: '@opentelemetry/instrumentation-amqplib', name: 'publish', attributes: {} }],
  // Python
  ['python sqlalchemy', 'db', { kind: client, scope: 'opentelemetry.instrumentation.sqlalchemy', name: 'SELECT shop', attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT 1' } }],
  ['python psycopg2, scope only', 'db', { kind: client, scope: 'opentelemetry.instrumentation.psycopg2', name: 'SELECT', attributes: {} }],
  ['python asyncpg', 'db', { kind: client, scope: 'opentelemetry.instrumentation.asyncpg', name: 'SELECT', attributes: { 'db.system': 'postgresql' } }],
  ['python requests', 'network', { kind: client, scope: 'opentelemetry.instrumentation.requests', name: 'GET', attributes: { 'http.method': 'GET', 'http.url': 'https://api/x' } }],
  ['python httpx', 'network', { kind: client, scope: 'opentelemetry.instrumentation.httpx', name: 'GET', attributes: { 'http.request.method': 'GET' } }],
  ['python aiohttp client', 'network', { kind: client, scope: 'opentelemetry.instrumentation.aiohttp_client', name: 'GET', attributes: {} }],
  ['python redis', 'cache', { kind: client, scope: 'opentelemetry.instrumentation.redis', name: 'GET', attributes: { 'db.system': 'redis' } }],
  ['python celery producer', 'messaging', { kind: 'producer', scope: 'opentelemetry.instrumentation.celery', name: 'apply_async/tasks.add', attributes: {} }],
  ['python QueuePool checkout', 'pool', { kind: internal, name: 'QueuePool checkout', attributes: {} }],
  ['python asyncio.sleep', 'timer', { kind: internal, name: 'asyncio.sleep', attributes: {} }],
  // Go
  ['go database/sql via otelsql, no db attrs', 'db', { kind: client, scope: 'github.com/XSAM/otelsql', name: 'sql.conn.query', attributes: {} }],
  ['go otelhttp client', 'network', { kind: client, scope: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', name: 'HTTP GET', attributes: { 'http.request.method': 'GET', 'server.address': 'api' } }],
  ['go otelhttp server', 'in_process', { kind: 'server', scope: 'go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp', name: '/users', attributes: {} }],
  ['go-redis', 'cache', { kind: client, scope: 'github.com/redis/go-redis/extra/redisotel', name: 'get', attributes: {} }],
  ['go grpc client', 'network', { kind: client, scope: 'go.opentelemetry.io/contrib/instrumentation/google.golang.org/grpc/otelgrpc', name: 'svc/Method', attributes: { 'rpc.system': 'grpc' } }],
  // Java
  ['java jdbc', 'db', { kind: client, scope: 'io.opentelemetry.jdbc', name: 'SELECT shop.orders', attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT ?' } }],
  ['java okhttp', 'network', { kind: client, scope: 'io.opentelemetry.okhttp-3.0', name: 'GET', attributes: { 'http.request.method': 'GET', 'url.full': 'https://x' } }],
  ['java lettuce', 'cache', { kind: client, scope: 'io.opentelemetry.lettuce-5.1', name: 'GET', attributes: {} }],
  ['java HikariCP getConnection', 'pool', { kind: internal, name: 'HikariDataSource.getConnection', attributes: {} }],
  // Locks and timers
  ['lock wait event on a db span', 'lock', { kind: client, name: 'UPDATE', attributes: { 'db.system': 'mysql' }, events: [{ name: 'Waiting for lock behind 3 transactions', timeUs: 0, attributes: {} }] }],
  ['mutex span', 'lock', { kind: internal, name: 'mutex.acquire', attributes: {} }],
  ['advisory lock', 'lock', { kind: internal, name: 'acquire advisory_lock', attributes: {} }],
  ['sleep', 'timer', { kind: internal, name: 'sleep', attributes: {} }],
  ['retry backoff', 'timer', { kind: internal, name: 'retry backoff', attributes: {} }],
  ['setTimeout', 'timer', { kind: internal, name: 'setTimeout', attributes: {} }],
  // Negatives
  ['plain internal span', 'in_process', { kind: internal, name: 'computePrices', attributes: {} }],
  ['express route named /sleep is a handler, not a timer', 'in_process', { kind: internal, scope: '@opentelemetry/instrumentation-express', name: 'request handler - /sleep', attributes: { 'http.route': '/sleep' } }],
  ['express middleware "query" is not a db span', 'in_process', { kind: internal, scope: '@opentelemetry/instrumentation-express', name: 'middleware - query', attributes: {} }],
  ['"timerange" is not a timer', 'in_process', { kind: internal, name: 'timerange-report', attributes: {} }],
  ['"blocking" is not a lock', 'in_process', { kind: internal, name: 'blocking-work', attributes: {} }],
  ['unknown client span is still outside the process', 'network', { kind: client, name: 'call', attributes: {} }],
  ['server span with db attributes is still the request', 'in_process', { kind: 'server', name: 'POST /q', attributes: { 'db.system': 'postgresql' } }],
];

describe('classifySpan', () => {
  for (const [label, expected, extra] of CASES) {
    it(`${label} → ${expected}`, () => {
      expect(classifySpan(mkSpan('s', 'p', 0, 1, extra))).toBe(expected);
    });
  }

  it('every rule except the fallback is exercised by a case above', () => {
    const used = new Set(CASES.map(([, , extra]) => matchingRule(mkSpan('s', 'p', 0, 1, extra)).id));
    const unused = RULES.filter((r) => !used.has(r.id)).map((r) => r.id);
    expect(unused).toEqual([]);
  });

  it('classifyAll sets class on every span, in place', () => {
    const spans = [mkSpan('a', undefined, 0, 1), mkSpan('b', 'a', 0, 1, { kind: 'client', attributes: { 'db.system': 'redis' } })];
    expect(classifyAll(spans)).toBe(spans);
    expect(spans.map((s) => s.class)).toEqual(['in_process', 'cache']);
  });
});

describe('docs/classification.md', () => {
  it('lists every rule, in order, with its class', () => {
    const doc = readFileSync(new URL('../../docs/classification.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) \| `([a-z-]+)` \| ([a-z_]+) \|/gm)].map((m) => [Number(m[1]), m[2], m[3]]);
    expect(rows).toEqual(RULES.map((r, i) => [i + 1, r.id, r.class]));
  });
});
