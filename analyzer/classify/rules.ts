import type { SpanClass } from '../model/categories.js';
import type { AttrValue, Span } from '../model/span.js';
import { memoTest } from './memo-regex.js';

/**
 * The classification rules, in order: the first rule whose test matches decides the span's class.
 * Each rule is data (id, class, a sentence for docs/classification.md) plus one small predicate.
 * Stable and older semantic-convention keys are both read, and instrumentation scopes of Node, Python, Go and
 * Java libraries are recognised so that spans with sparse attributes still land in the right class.
 */
export interface ClassRule {
  id: string;
  class: SpanClass;
  /** What the rule matches, in words (rendered in docs/classification.md). */
  when: string;
  test: (s: Span) => boolean;
}

function str(v: AttrValue | undefined): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** db.system.name (stable) or db.system (older). */
export function dbSystem(s: Span): string | undefined {
  return (str(s.attributes['db.system.name']) ?? str(s.attributes['db.system']))?.toLowerCase();
}

function has(s: Span, ...keys: string[]): boolean {
  for (const k of keys) if (s.attributes[k] !== undefined && s.attributes[k] !== null) return true;
  return false;
}

function scopeMatches(s: Span, test: (text: string) => boolean): boolean {
  return s.scope !== undefined && test(s.scope);
}

const CACHE_SYSTEMS = new Set(['redis', 'memcached', 'valkey', 'keydb', 'hazelcast', 'coherence', 'geode', 'aerospike']);

// Scope names: Node (@opentelemetry/instrumentation-X), Python (opentelemetry.instrumentation.X),
// Go (module paths), Java agent (io.opentelemetry.X-version).
const CACHE_SCOPE = memoTest(
  /(?:ioredis|redis|memcache|memcached|pymemcache|jedis|lettuce|redisson|redisotel|go-redis|valkey)/i,
);
const DB_SCOPE = memoTest(
  /(?:instrumentation-(?:pg|mysql2?|mongodb|mongoose|tedious|knex|oracledb|cassandra-driver|prisma|sequelize|typeorm|mssql|better-sqlite3)|prisma|sqlalchemy|psycopg2?|asyncpg|aiopg|pymongo|pymysql|mysqlclient|sqlite3|dbapi|\.jdbc|hibernate|r2dbc|mongo-|cassandra|otelsql|database\/sql|otelgorm|gorm|pgx|otelmongo|mongo-driver|sqlx)/i,
);
const MESSAGING_SCOPE = memoTest(
  /(?:kafka|amqplib|amqp|rabbitmq|aws-sdk.*sqs|sqs|pubsub|celery|nats|pika|aio-pika|jms|confluent|sarama|kombu)/i,
);
const POOL_SCOPE = memoTest(/(?:instrumentation-generic-pool|generic-pool|hikaricp|c3p0|dbcp)/i);
const NET_SCOPE = memoTest(
  /(?:instrumentation-(?:undici|http|https|net|grpc|fetch|tls)|opentelemetry\.instrumentation\.(?:requests|httpx|aiohttp_client|aiohttp-client|urllib3?|grpc|botocore|boto3sqs)|okhttp|http-url-connection|apache-httpclient|java-http-client|netty|reactor-netty|grpc|otelhttp|otelgrpc|net\/http)/i,
);

const LOCK_NAME = memoTest(/\b(?:lock|locks|mutex|semaphore|advisory[_ ]lock|flock)\b/i);
const LOCK_EVENT = /waiting for (?:a |the )?lock|lock wait|waiting for lock behind/i;
const POOL_NAME = memoTest(
  /pg-pool\.connect|\bpool\.(?:acquire|connect|checkout|get|wait)\b|generic-pool|acquire[ _-]?connection|connection[ _-]?(?:acquire|checkout|wait)|queuepool|getconnection/i,
);
/** Web-framework spans are named after routes ("request handler - /sleep"): their names say nothing about waits. */
const FRAMEWORK_SCOPE = memoTest(
  /(?:^|[^a-z])(?:express|koa|fastify|hapi|restify|connect|router|nestjs|flask|django|fastapi|starlette|falcon|tornado|spring-webmvc|spring-webflux|servlet|gin|otelgin|echo|otelecho|mux|otelmux)(?:$|[^a-z])/i,
);
const nameSpeaks = (s: Span): boolean => !scopeMatches(s, FRAMEWORK_SCOPE) && !has(s, 'http.route');
const DNS_SCOPE = memoTest(/instrumentation-dns|\bdns\b/i);
const DNS_NAME = memoTest(/^dns[.\s]|\bdns\.lookup\b|getaddrinfo/i);
const FS_SCOPE = memoTest(/instrumentation-fs\b/i);
const FS_NAME = memoTest(/^fs[.\s]/i);
const TIMER_NAME = memoTest(
  /\b(?:sleep|backoff|back-off|delay|settimeout|setinterval|timer|wait_?for_?retry|retry[ _-]?wait|throttle)\b/i,
);

export const RULES: readonly ClassRule[] = [
  {
    id: 'server-or-consumer',
    class: 'in_process',
    when: 'kind is server or consumer: the work of handling a request or message, in the process',
    test: (s) => s.kind === 'server' || s.kind === 'consumer',
  },
  {
    id: 'lock',
    class: 'lock',
    when: 'name says lock / mutex / semaphore (not a web-framework route span), or an event like "Waiting for lock behind N transactions"',
    test: (s) => (nameSpeaks(s) && LOCK_NAME(s.name)) || s.events.some((e) => LOCK_EVENT.test(e.name)),
  },
  {
    id: 'pool',
    class: 'pool',
    when: 'connection-pool checkout: scope generic-pool / HikariCP, names like pg-pool.connect, pool.acquire, QueuePool',
    test: (s) => scopeMatches(s, POOL_SCOPE) || POOL_NAME(s.name),
  },
  {
    id: 'cache-system',
    class: 'cache',
    when: 'db.system.name / db.system is redis, memcached, valkey (and other caches)',
    test: (s) => {
      const sys = dbSystem(s);
      return sys !== undefined && CACHE_SYSTEMS.has(sys);
    },
  },
  {
    id: 'db-attributes',
    class: 'db',
    when: 'has db.system.name / db.system, db.query.text / db.statement, or db.operation.name / db.operation',
    test: (s) => has(s, 'db.system.name', 'db.system', 'db.query.text', 'db.statement', 'db.operation.name', 'db.operation'),
  },
  {
    id: 'cache-scope',
    class: 'cache',
    when: 'scope is a Redis / Memcached client (ioredis, redis, pymemcache, Jedis, Lettuce, go-redis)',
    test: (s) => scopeMatches(s, CACHE_SCOPE),
  },
  {
    id: 'db-scope',
    class: 'db',
    when: 'scope is a database client (pg, mysql2, mongodb, SQLAlchemy, psycopg, asyncpg, JDBC, otelsql, ...)',
    test: (s) => scopeMatches(s, DB_SCOPE),
  },
  {
    id: 'messaging',
    class: 'messaging',
    when: 'has messaging.system, is a producer span, or scope is a messaging client (kafka, amqplib, celery, ...)',
    test: (s) => s.kind === 'producer' || has(s, 'messaging.system') || scopeMatches(s, MESSAGING_SCOPE),
  },
  {
    id: 'dns',
    class: 'dns',
    when: 'scope instrumentation-dns, or name dns.lookup / "dns ..."',
    test: (s) => scopeMatches(s, DNS_SCOPE) || DNS_NAME(s.name),
  },
  {
    id: 'fs',
    class: 'fs',
    when: 'scope instrumentation-fs, or name fs.* / "fs ..."',
    test: (s) => scopeMatches(s, FS_SCOPE) || FS_NAME(s.name),
  },
  {
    id: 'network-attributes',
    class: 'network',
    when: 'client span with http.request.method / http.method, url.full / http.url, rpc.system, or server.address / net.peer.name',
    test: (s) =>
      s.kind === 'client' &&
      has(s, 'http.request.method', 'http.method', 'url.full', 'http.url', 'rpc.system', 'server.address', 'net.peer.name'),
  },
  {
    id: 'network-scope',
    class: 'network',
    when: 'scope is an outbound HTTP / RPC / socket client (undici, http, net, requests, httpx, aiohttp, OkHttp, otelhttp, gRPC)',
    test: (s) => scopeMatches(s, NET_SCOPE),
  },
  {
    id: 'client-kind',
    class: 'network',
    when: 'any other client span: a call to something outside the process',
    test: (s) => s.kind === 'client',
  },
  {
    id: 'timer',
    class: 'timer',
    when: 'name says sleep / backoff / delay / setTimeout / timer (not a web-framework route span)',
    test: (s) => nameSpeaks(s) && TIMER_NAME(s.name),
  },
  {
    id: 'in-process',
    class: 'in_process',
    when: 'everything else (internal spans, middleware, handlers): work in the process',
    test: () => true,
  },
];
