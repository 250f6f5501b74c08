/**
 * `pg` queries and `pg-pool` checkouts, which publish no diagnostics channel: one thin wrapper each, of
 * `Client.prototype.query` and `Pool.prototype.connect`, loaded through OpenTelemetry's module hooks (require and
 * ESM import alike). Span names and attributes are those of OpenTelemetry's pg instrumentation that the analyzer
 * reads ("pg.query:SELECT <db>", db.system.name, db.namespace, server.address/port, db.query.text; "pg-pool.connect"
 * for the wait for a pooled connection). A callback is run in the caller's context, as the OpenTelemetry
 * instrumentation does: pg calls it from the connection's socket, and pg-pool from whichever request released the
 * client, so without it the caller's next query would land in a stranger's trace.
 */
import { context, SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import { InstrumentationBase, InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import type { LeanScope, LeanSpan } from './lean-span.js';
import type { LeanTracer } from './lean-tracer.js';
import { hookFailed } from './guard.js';

export const PG_SCOPE = 'timesink/instrumentation-pg';
const NAME = 'pg';
const kWrapped = Symbol('timesink.leanWrapped');

type Callback = (this: unknown, err: unknown, result?: unknown) => unknown;
interface PgClient {
  database?: string;
  host?: string;
  port?: number;
  connectionParameters?: { database?: string; host?: string; port?: number };
}
interface PgPool {
  options?: { database?: string; host?: string; port?: number };
}
interface QueryConfig {
  text?: string;
  name?: string;
  callback?: Callback;
  submit?: unknown;
}

/**
 * Span names repeat with the statement: built once per (statement or prepared name, database), bounded. Keyed by
 * the app's own strings (their hashes are cached by V8), with no key string built per call.
 */
const names = new Map<string, Map<string | undefined, string>>();
const preparedNames = new Map<string, Map<string | undefined, string>>();

function operationOf(text: string): string {
  const t = text.trim();
  const space = t.search(/\s/);
  const word = (space === -1 ? t : t.slice(0, space)).toUpperCase();
  return word.endsWith(';') ? word.slice(0, -1) : word;
}

function queryName(db: string | undefined, config: QueryConfig): string {
  // A prepared statement is named by its name, anything else by its command word.
  const byKey = config.name ? preparedNames : names;
  const key = config.name ?? config.text ?? '';
  let byDb = byKey.get(key);
  if (byDb === undefined) {
    if (byKey.size >= 2048) byKey.clear();
    byKey.set(key, (byDb = new Map()));
  }
  let name = byDb.get(db);
  if (name === undefined) {
    const command = config.name ?? (config.text !== undefined ? operationOf(config.text) : '');
    name = `pg.query:${command}${db ? ` ${db}` : ''}`;
    byDb.set(db, name);
  }
  return name;
}

function endSpan(span: LeanSpan, err: unknown): void {
  if (err) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error).message });
    span.attributes['error.type'] = (err as { code?: string }).code ?? (err as Error).name ?? 'Error';
  }
  span.end();
}

/** The callback, ending `span` and then run in the caller's context. */
function boundCallback(span: LeanSpan, cb: Callback): Callback {
  const ctx = context.active();
  return function endThenCall(this: unknown, err: unknown, _result?: unknown): unknown {
    try {
      endSpan(span, err);
    } catch (e) {
      hookFailed(NAME, e);
    }
    // eslint-disable-next-line prefer-rest-params
    return context.with(ctx, cb, this, ...(arguments as unknown as [unknown, unknown]));
  };
}

/** Ends the span when what the call returned settles: a promise, or a submittable (cursor, stream). */
function endWhenDone(span: LeanSpan, returned: unknown): void {
  const r = returned as { then?: unknown; once?: unknown } | undefined;
  if (r && typeof r.then === 'function') {
    (r as Promise<unknown>).then(
      () => endSpan(span, undefined),
      (err: unknown) => endSpan(span, err),
    );
  } else if (r && typeof r.once === 'function') {
    const emitter = r as NodeJS.EventEmitter;
    emitter.once('end', () => endSpan(span, undefined));
    emitter.once('error', (err: unknown) => endSpan(span, err));
  } else {
    span.end();
  }
}

/** Runs `original` with the span ended on its callback (last argument or config.callback) or on what it returns. */
function traced(span: LeanSpan, original: (...a: unknown[]) => unknown, self: unknown, args: unknown[]): unknown {
  const last = args.length - 1;
  if (last >= 0 && typeof args[last] === 'function') {
    args[last] = boundCallback(span, args[last] as Callback);
    return original.apply(self, args);
  }
  const config = args[0] as QueryConfig | undefined;
  if (config && typeof config === 'object' && typeof config.callback === 'function') {
    config.callback = boundCallback(span, config.callback);
    return original.apply(self, args);
  }
  let returned: unknown;
  try {
    returned = original.apply(self, args);
  } catch (err) {
    endSpan(span, err);
    throw err;
  }
  endWhenDone(span, returned);
  return returned;
}

function queryAttributes(client: PgClient, text: string | undefined): Attributes {
  const p = client.connectionParameters ?? client;
  const attrs: Attributes = { 'db.system.name': 'postgresql', 'db.namespace': p.database, 'server.address': p.host, 'server.port': p.port };
  if (text !== undefined) attrs['db.query.text'] = text;
  return attrs;
}

function wrapQuery(tracer: LeanTracer, scope: LeanScope, proto: { query: (...a: unknown[]) => unknown }): void {
  const query = proto.query as ((...a: unknown[]) => unknown) & { [kWrapped]?: true };
  if (query[kWrapped]) return;
  const wrapped = function queryTraced(this: PgClient, ...args: unknown[]): unknown {
    let span: LeanSpan | undefined;
    try {
      const first = args[0];
      const config: QueryConfig = typeof first === 'string' ? { text: first } : ((first ?? {}) as QueryConfig);
      const p = this.connectionParameters ?? this;
      span = tracer.start(scope, queryName(p.database, config), SpanKind.CLIENT, queryAttributes(this, config.text));
    } catch (err) {
      hookFailed(NAME, err);
    }
    return span === undefined ? query.apply(this, args) : traced(span, query, this, args);
  } as typeof query;
  wrapped[kWrapped] = true;
  proto.query = wrapped;
}

function wrapPoolConnect(tracer: LeanTracer, scope: LeanScope, proto: { connect: (...a: unknown[]) => unknown }): void {
  const connect = proto.connect as ((...a: unknown[]) => unknown) & { [kWrapped]?: true };
  if (connect[kWrapped]) return;
  const wrapped = function connectTraced(this: PgPool, ...args: unknown[]): unknown {
    let span: LeanSpan | undefined;
    try {
      const o = this.options ?? {};
      span = tracer.start(scope, 'pg-pool.connect', SpanKind.CLIENT, { 'db.system.name': 'postgresql', 'db.namespace': o.database, 'server.address': o.host });
    } catch (err) {
      hookFailed(NAME, err);
    }
    return span === undefined ? connect.apply(this, args) : traced(span, connect, this, args);
  } as typeof connect;
  wrapped[kWrapped] = true;
  proto.connect = wrapped;
}

/** ESM namespaces hand the CommonJS exports over as `default`. */
function cjs<T>(moduleExports: T): T {
  const m = moduleExports as T & { default?: T; [Symbol.toStringTag]?: string };
  return m[Symbol.toStringTag] === 'Module' && m.default ? m.default : m;
}

/** Hooks the loading of pg and pg-pool (through OpenTelemetry's require/import hooks) to put the wrappers in. */
export class LeanPgInstrumentation extends InstrumentationBase {
  constructor(private readonly lean: LeanTracer) {
    super('timesink-lean-pg', '1', {});
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    return [
      new InstrumentationNodeModuleDefinition('pg', ['>=8.0.3 <9'], (moduleExports: unknown) => {
        try {
          const pg = cjs(moduleExports) as { Client?: { prototype: { query: (...a: unknown[]) => unknown } } };
          if (pg.Client) wrapQuery(this.lean, this.lean.scope(PG_SCOPE), pg.Client.prototype);
        } catch (err) {
          hookFailed(NAME, err);
        }
        return moduleExports;
      }),
      new InstrumentationNodeModuleDefinition('pg-pool', ['>=2.0.0 <4'], (moduleExports: unknown) => {
        try {
          const Pool = cjs(moduleExports) as { prototype?: { connect: (...a: unknown[]) => unknown } };
          if (Pool.prototype) wrapPoolConnect(this.lean, this.lean.scope(PG_SCOPE), Pool.prototype);
        } catch (err) {
          hookFailed(NAME, err);
        }
        return moduleExports;
      }),
    ];
  }
}
