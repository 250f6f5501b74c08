/**
 * The one registry of npm packages that do I/O of their own, and whether timesink's recorder instruments them. The
 * recorder notes which of these a process loaded (manifest.json, `processes[].ioLibraries`); the analyzer reads the
 * registry to say which loaded library it cannot see into, and how much unexplained wait that may be.
 *
 * Listed: clients that talk to a server over their own sockets or a native engine, whose waits therefore have no span
 * unless something instruments them. Not listed: libraries whose I/O goes through something already instrumented —
 * HTTP clients and SDKs over node:http or undici (axios, got, the AWS SDK, Elasticsearch), ORMs and query builders over
 * a listed driver (knex, Sequelize, TypeORM, Kysely, Drizzle, mongoose), queues over ioredis (BullMQ).
 * `instrumented` must agree with instrumentation/instrumentations.ts (a test holds them together).
 */
export interface IoLibrary {
  /** The npm package name, as it appears in a path after `node_modules/`. */
  pkg: string;
  /** What it is, to follow the name in a sentence: "a MySQL driver". */
  what: string;
  /** The wait category (analyzer/model/categories.ts) its calls would have if they had spans. */
  category: 'db' | 'cache' | 'messaging' | 'network';
  /** timesink's recorder gives its calls spans. */
  instrumented: boolean;
}

export const IO_LIBRARIES: readonly IoLibrary[] = [
  // Instrumented (instrumentation/instrumentations.ts).
  { pkg: 'pg', what: 'a PostgreSQL driver', category: 'db', instrumented: true },
  { pkg: 'mysql', what: 'a MySQL driver', category: 'db', instrumented: true },
  { pkg: 'mysql2', what: 'a MySQL driver', category: 'db', instrumented: true },
  { pkg: 'mongodb', what: 'the MongoDB driver', category: 'db', instrumented: true },
  { pkg: 'ioredis', what: 'a Redis client', category: 'cache', instrumented: true },
  { pkg: 'redis', what: 'a Redis client', category: 'cache', instrumented: true },
  { pkg: '@redis/client', what: 'a Redis client', category: 'cache', instrumented: true },
  // Not instrumented: their waits show as uninstrumented wait.
  { pkg: 'postgres', what: 'a PostgreSQL driver (postgres.js)', category: 'db', instrumented: false },
  { pkg: 'pg-native', what: 'a native PostgreSQL driver', category: 'db', instrumented: false },
  { pkg: 'mariadb', what: 'the MariaDB connector', category: 'db', instrumented: false },
  { pkg: 'tedious', what: 'a SQL Server driver', category: 'db', instrumented: false },
  { pkg: 'mssql', what: 'a SQL Server client', category: 'db', instrumented: false },
  { pkg: 'oracledb', what: 'the Oracle driver', category: 'db', instrumented: false },
  { pkg: 'sqlite3', what: 'an SQLite driver', category: 'db', instrumented: false },
  { pkg: 'better-sqlite3', what: 'a synchronous SQLite driver (its queries block the thread)', category: 'db', instrumented: false },
  { pkg: '@libsql/client', what: 'a libSQL/Turso client', category: 'db', instrumented: false },
  { pkg: 'duckdb', what: 'a DuckDB driver', category: 'db', instrumented: false },
  { pkg: '@prisma/client', what: "Prisma's client (its query engine)", category: 'db', instrumented: false },
  { pkg: 'cassandra-driver', what: 'a Cassandra driver', category: 'db', instrumented: false },
  { pkg: 'neo4j-driver', what: 'a Neo4j driver', category: 'db', instrumented: false },
  { pkg: 'couchbase', what: 'a Couchbase client', category: 'db', instrumented: false },
  { pkg: 'memcached', what: 'a Memcached client', category: 'cache', instrumented: false },
  { pkg: 'memjs', what: 'a Memcached client', category: 'cache', instrumented: false },
  { pkg: 'kafkajs', what: 'a Kafka client', category: 'messaging', instrumented: false },
  { pkg: 'node-rdkafka', what: 'a Kafka client', category: 'messaging', instrumented: false },
  { pkg: 'amqplib', what: 'an AMQP (RabbitMQ) client', category: 'messaging', instrumented: false },
  { pkg: 'rhea', what: 'an AMQP 1.0 client', category: 'messaging', instrumented: false },
  { pkg: 'nats', what: 'a NATS client', category: 'messaging', instrumented: false },
  { pkg: 'mqtt', what: 'an MQTT client', category: 'messaging', instrumented: false },
  { pkg: 'zeromq', what: 'a ZeroMQ binding', category: 'messaging', instrumented: false },
  { pkg: '@grpc/grpc-js', what: 'a gRPC client/server', category: 'network', instrumented: false },
  { pkg: 'grpc', what: 'a gRPC client/server (native)', category: 'network', instrumented: false },
  { pkg: 'ldapjs', what: 'an LDAP client', category: 'network', instrumented: false },
  { pkg: 'ssh2', what: 'an SSH client', category: 'network', instrumented: false },
];

const BY_PKG = new Map(IO_LIBRARIES.map((l) => [l.pkg, l]));

export function ioLibrary(pkg: string): IoLibrary | undefined {
  return BY_PKG.get(pkg);
}

/**
 * The package a module file belongs to: the name after its last `node_modules/` ("@scope/name" for scoped ones), so
 * a driver nested inside another package's node_modules counts as itself. Either path separator.
 */
export function packageOfPath(file: string): string | undefined {
  const normal = file.includes('\\') ? file.replace(/\\/g, '/') : file;
  const at = normal.lastIndexOf('/node_modules/');
  if (at < 0) return undefined;
  const start = at + '/node_modules/'.length;
  // No split: this runs on every key of the module cache.
  let end = normal.indexOf('/', start);
  if (end < 0) return undefined;
  if (normal.charCodeAt(start) === 64 /* @ */) {
    end = normal.indexOf('/', end + 1);
    if (end < 0) return undefined;
  }
  return end > start ? normal.slice(start, end) : undefined;
}
