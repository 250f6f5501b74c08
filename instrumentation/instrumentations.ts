/**
 * The instrumentations timesink enables: the waits the analyzer classifies (http/undici/net/dns network, fs, pg,
 * mysql2, redis/ioredis, mongodb, pool waits) and the two common web frameworks for route names. Nothing that
 * records headers, bodies or query parameters.
 */
import path from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { DnsInstrumentation } from '@opentelemetry/instrumentation-dns';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { FsInstrumentation } from '@opentelemetry/instrumentation-fs';
import { GenericPoolInstrumentation } from '@opentelemetry/instrumentation-generic-pool';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { NetInstrumentation } from '@opentelemetry/instrumentation-net';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { markCallStart } from './call-start.js';
import { warnOnce } from './warn.js';

/** The fs instrumentation's scope name (its spans' instrumentationScope.name). */
export const FS_SCOPE = '@opentelemetry/instrumentation-fs';

/** Packages loaded through ESM `import` that the import-in-the-middle hook must see (everything else is left alone). */
export const ESM_HOOKED_MODULES = [
  'pg', 'pg-pool', 'mysql2', 'ioredis', 'redis', '@redis/client', 'mongodb', 'express', 'koa', 'generic-pool', 'undici',
  'http', 'https', 'net', 'dns', 'dns/promises', 'fs', 'fs/promises',
];

/**
 * Core modules the instrumentations patch when they are require()d. An ES module app may never require them, so we
 * do, right after enabling: the patches land on the shared module objects that `import http from 'node:http'` sees.
 */
export const PRELOADED_BUILTINS = ['http', 'https', 'net', 'dns', 'fs'];

/** The path an fs call works on, when its first argument names one (not a file descriptor). */
export function fsPathOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (Buffer.isBuffer(arg)) return arg.toString();
  if (arg instanceof URL) return arg.pathname;
  return undefined;
}

/**
 * Synchronous reads of code under node_modules are require() loading modules (Node's CommonJS loader calls the
 * patched fs): dozens of tiny spans per first use of a package that answer no question about the app.
 */
export function isModuleLoading(fn: string, arg: unknown): boolean {
  if (!fn.endsWith('Sync')) return false;
  const p = fsPathOf(arg);
  return p !== undefined && p.includes(`${path.sep}node_modules${path.sep}`) && /\.(?:c|m)?js$|\.json$|\.node$|node_modules\/[^.]*$/.test(p);
}

/** `skip`: names a lean source (lean/index.ts) covers instead. */
export function createInstrumentations(skip: ReadonlySet<string> = new Set()): Instrumentation[] {
  const factories: [string, () => Instrumentation][] = [
    ['http', () => new HttpInstrumentation()],
    ['undici', () => new UndiciInstrumentation()],
    ['net', () => new NetInstrumentation()],
    ['dns', () => new DnsInstrumentation()],
    [
      'fs',
      () =>
        new FsInstrumentation({
          // fs calls outside any span are module loading and start-up: cost without a question to answer.
          requireParentSpan: true,
          createHook: (fn, { args }) => {
            if (isModuleLoading(fn, args[0])) return false;
            markCallStart(FS_SCOPE);
            return true;
          },
          endHook: (_fn, { args, span }) => {
            const p = fsPathOf(args[0]);
            if (p !== undefined) span.setAttribute('file.path', p);
          },
        }),
    ],
    ['pg', () => new PgInstrumentation({ enhancedDatabaseReporting: false })],
    ['mysql2', () => new MySQL2Instrumentation()],
    ['ioredis', () => new IORedisInstrumentation()],
    ['redis', () => new RedisInstrumentation()],
    ['mongodb', () => new MongoDBInstrumentation()],
    // No framework layer spans (one per middleware and route handler, every request): they cost as much as a query's
    // span and the analyzer reads the route, not them. The route stays: the instrumentations set it on the server
    // span (http.route) before deciding whether a layer is ignored. What a layer waits for (a query, a fetch) still
    // has its own span, under the server span; its JavaScript is the server span's on-thread time and the profile's.
    // Koa's router layers are what put the route there, so only its middleware go.
    [
      'express',
      () =>
        new ExpressInstrumentation({
          ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
        }),
    ],
    ['koa', () => new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] })],
    ['generic-pool', () => new GenericPoolInstrumentation()],
  ];
  const out: Instrumentation[] = [];
  for (const [name, make] of factories) {
    if (skip.has(name)) continue;
    try {
      out.push(make());
    } catch (err) {
      warnOnce(`instr-${name}`, `the ${name} instrumentation failed to load (${(err as Error).message}); continuing without it`);
    }
  }
  return out;
}
