// For scale only: the OpenTelemetry instrumentations timesink loads, with their timesink settings, on a tracer
// provider with NO span processor (spans are created, timed and ended; nothing keeps or writes them) and
// OpenTelemetry's AsyncLocalStorage context manager. What any recorder built on these instrumentations pays
// before it records a thing: the floor under "timesink spans only".
//   node --require ./bench/overhead/instrumentations-only.cjs app.js
const { context, trace } = require('@opentelemetry/api');
const { AsyncLocalStorageContextManager } = require('@opentelemetry/context-async-hooks');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { registerInstrumentations } = require('@opentelemetry/instrumentation');
const { HttpInstrumentation } = require('@opentelemetry/instrumentation-http');
const { UndiciInstrumentation } = require('@opentelemetry/instrumentation-undici');
const { NetInstrumentation } = require('@opentelemetry/instrumentation-net');
const { DnsInstrumentation } = require('@opentelemetry/instrumentation-dns');
const { FsInstrumentation } = require('@opentelemetry/instrumentation-fs');
const { PgInstrumentation } = require('@opentelemetry/instrumentation-pg');
const { ExpressInstrumentation, ExpressLayerType } = require('@opentelemetry/instrumentation-express');
const { GenericPoolInstrumentation } = require('@opentelemetry/instrumentation-generic-pool');

const provider = new BasicTracerProvider({ spanProcessors: [] });
trace.setGlobalTracerProvider(provider);
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
registerInstrumentations({
  tracerProvider: provider,
  instrumentations: [
    new HttpInstrumentation(),
    new UndiciInstrumentation(),
    new NetInstrumentation(),
    new DnsInstrumentation(),
    new FsInstrumentation({ requireParentSpan: true }),
    new PgInstrumentation({ enhancedDatabaseReporting: false }),
    new ExpressInstrumentation({ ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER, ExpressLayerType.REQUEST_HANDLER] }),
    new GenericPoolInstrumentation(),
  ],
});
