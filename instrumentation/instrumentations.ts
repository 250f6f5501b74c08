/**
 * The instrumentations timesink enables: the waits the analyzer classifies (http/undici/net/dns network, fs, pg,
 * mysql, mysql2, redis/ioredis, mongodb, pool waits) and the web frameworks that name routes (express, koa,
 * fastify, hapi, restify). Nothing that records headers, bodies or query parameters.
 */
import path from 'node:path';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { DnsInstrumentation } from '@opentelemetry/instrumentation-dns';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { FsInstrumentation } from '@opentelemetry/instrumentation-fs';
import { GenericPoolInstrumentation } from '@opentelemetry/instrumentation-generic-pool';
import { HapiInstrumentation } from '@opentelemetry/instrumentation-hapi';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { KoaInstrumentation, KoaLayerType } from '@opentelemetry/instrumentation-koa';
import { MongoDBInstrumentation } from '@opentelemetry/instrumentation-mongodb';
import { MySQL2Instrumentation } from '@opentelemetry/instrumentation-mysql2';
import { NetInstrumentation } from '@opentelemetry/instrumentation-net';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { RedisInstrumentation } from '@opentelemetry/instrumentation-redis';
import { RestifyInstrumentation } from '@opentelemetry/instrumentation-restify';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { markCallStart } from './call-start.js';
import { MySQLDefaultExportInstrumentation } from './esm-default-export.js';
import { FastifyRouteInstrumentation } from './fastify-routes.js';
import { warnOnce } from './warn.js';

/** The fs instrumentation's scope name (its spans' instrumentationScope.name). */
export const FS_SCOPE = '@opentelemetry/instrumentation-fs';

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

/**
 * Every instrumentation timesink enables: its name (for the warning when it fails to load), the modules it patches,
 * and how to make it. The one list: the ESM hook's module list is derived from it, and instrumentations.test.ts
 * checks each entry's modules against what the instrumentation itself says it patches.
 */
export const INSTRUMENTATIONS: [name: string, modules: readonly string[], create: () => Instrumentation][] = [
  ['http', ['http', 'https'], () => new HttpInstrumentation()],
  ['undici', ['undici'], () => new UndiciInstrumentation()],
  ['net', ['net'], () => new NetInstrumentation()],
  ['dns', ['dns', 'dns/promises'], () => new DnsInstrumentation()],
  [
    'fs',
    ['fs', 'fs/promises'],
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
  ['pg', ['pg', 'pg-pool'], () => new PgInstrumentation({ enhancedDatabaseReporting: false })],
  ['mysql', ['mysql'], () => new MySQLDefaultExportInstrumentation()],
  ['mysql2', ['mysql2'], () => new MySQL2Instrumentation()],
  ['ioredis', ['ioredis'], () => new IORedisInstrumentation()],
  ['redis', ['redis', '@redis/client', '@node-redis/client'], () => new RedisInstrumentation()],
  ['mongodb', ['mongodb'], () => new MongoDBInstrumentation()],
  // No framework layer spans (one per middleware and route handler, every request): they cost as much as a query's
  // span and the analyzer reads the route, not them. The route stays: the instrumentations set it on the server
  // span (http.route) before deciding whether a layer is ignored. What a layer waits for (a query, a fetch) still
  // has its own span, under the server span; its JavaScript is the server span's on-thread time and the profile's.
  // Koa's router layers are what put the route there, so only its middleware go.
  [
    'express',
    ['express'],
    () =>
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER],
      }),
  ],
  ['koa', ['koa'], () => new KoaInstrumentation({ ignoreLayersType: [KoaLayerType.MIDDLEWARE] })],
  ['fastify', [], () => new FastifyRouteInstrumentation()],
  // Hapi's and restify's put the route on the server span too; they have no switch for their handler spans.
  ['hapi', ['@hapi/hapi'], () => new HapiInstrumentation()],
  ['restify', ['restify'], () => new RestifyInstrumentation()],
  ['generic-pool', ['generic-pool'], () => new GenericPoolInstrumentation()],
];

/** Packages loaded through ESM `import` that the import-in-the-middle hook must see (everything else is left alone). */
export const ESM_HOOKED_MODULES: string[] = [...new Set(INSTRUMENTATIONS.flatMap(([, modules]) => modules))];

/** `skip`: names a lean source (lean/index.ts) covers instead. */
export function createInstrumentations(skip: ReadonlySet<string> = new Set()): Instrumentation[] {
  const out: Instrumentation[] = [];
  for (const [name, , make] of INSTRUMENTATIONS) {
    if (skip.has(name)) continue;
    try {
      out.push(make());
    } catch (err) {
      warnOnce(`instr-${name}`, `the ${name} instrumentation failed to load (${(err as Error).message}); continuing without it`);
    }
  }
  return out;
}
