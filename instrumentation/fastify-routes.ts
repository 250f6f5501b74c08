/**
 * Route names for Fastify 4 and 5, the cheapest way that works on both: Fastify announces every instance it creates on
 * the `fastify.initialization` diagnostics channel (4.x since 4.8, all of 5.x); we add one `onRequest` hook to it that
 * copies the matched route template (`/api/articles/:slug`) onto the HTTP server span as `http.route`, the attribute
 * the analyzer names endpoints by. No spans of its own (OpenTelemetry's Fastify instrumentation makes one per hook
 * and handler, every request), no patching: nothing changes for the app but one synchronous hook.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { context, trace, type MeterProvider, type TracerProvider } from '@opentelemetry/api';
import { getRPCMetadata, RPCType } from '@opentelemetry/core';
import type { Instrumentation, InstrumentationConfig } from '@opentelemetry/instrumentation';

const CHANNEL = 'fastify.initialization';

/** The parts of a Fastify instance and request this file touches (Fastify itself is not a dependency). */
interface FastifyLike {
  addHook(name: 'onRequest', hook: (request: FastifyRequestLike, reply: unknown, done: () => void) => void): unknown;
}
interface FastifyRequestLike {
  routeOptions?: { url?: string };
  /** Fastify 4 before 4.10 only (deprecated after; never read when routeOptions is there). */
  routerPath?: string;
}

/** The route template Fastify matched, or undefined for the 404 handler. */
export function fastifyRoute(request: FastifyRequestLike): string | undefined {
  const url = request.routeOptions ? request.routeOptions.url : request.routerPath;
  return typeof url === 'string' && url.length > 0 ? url : undefined;
}

/**
 * Names the route on the request's server span. The HTTP instrumentation puts the server span and its RPC metadata in
 * the context the request's handlers run in; setting `route` there too keeps its own end-of-request `http.route`
 * (which it copies from the metadata) in agreement.
 */
export function setServerRoute(route: string): void {
  const active = context.active();
  const meta = getRPCMetadata(active);
  if (meta?.type === RPCType.HTTP) {
    meta.route = route;
    meta.span.setAttribute('http.route', route);
    return;
  }
  trace.getSpan(active)?.setAttribute('http.route', route);
}

function onRequest(request: FastifyRequestLike, _reply: unknown, done: () => void): void {
  try {
    const route = fastifyRoute(request);
    if (route) setServerRoute(route);
  } catch {
    // Never break the app's request over a name.
  }
  done();
}

function onInitialization(message: unknown): void {
  const fastify = (message as { fastify?: FastifyLike } | null)?.fastify;
  if (!fastify || typeof fastify.addHook !== 'function') return;
  try {
    fastify.addHook('onRequest', onRequest);
  } catch {
    // An instance that refuses hooks keeps working, without route names.
  }
}

/** An Instrumentation so it sits in the same list as OpenTelemetry's (enabled on creation, like theirs). */
export class FastifyRouteInstrumentation implements Instrumentation {
  readonly instrumentationName = 'timesink-fastify-routes';
  readonly instrumentationVersion = '1';
  private config: InstrumentationConfig = { enabled: false };

  constructor() {
    this.enable();
  }

  enable(): void {
    if (this.config.enabled) return;
    diagnosticsChannel.subscribe(CHANNEL, onInitialization);
    this.config = { enabled: true };
  }

  disable(): void {
    if (!this.config.enabled) return;
    diagnosticsChannel.unsubscribe(CHANNEL, onInitialization);
    this.config = { enabled: false };
  }

  setTracerProvider(_provider: TracerProvider): void {}
  setMeterProvider(_provider: MeterProvider): void {}
  setConfig(config: InstrumentationConfig): void {
    if (config.enabled === false) this.disable();
    else this.enable();
  }
  getConfig(): InstrumentationConfig {
    return this.config;
  }
}
