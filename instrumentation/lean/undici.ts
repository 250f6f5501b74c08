/**
 * `fetch` (Node's bundled undici) and the `undici` package, from undici's diagnostics channels: `undici:request:create`
 * starts the span in the caller's context and adds the `traceparent` header, `undici:request:headers` gives the
 * status, `undici:request:trailers` fires when the body has been read (the end of the wait), `undici:request:error`
 * ends it as failed.
 */
import { subscribe } from 'node:diagnostics_channel';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { LeanSpan } from './lean-span.js';
import { traceparentOf, type LeanTracer } from './lean-tracer.js';
import { hookFailed } from './guard.js';

export const UNDICI_SCOPE = 'timesink/instrumentation-undici';
const NAME = 'fetch';
const kSpan = Symbol('timesink.undiciSpan');

interface UndiciRequest {
  method: string;
  origin: string | URL;
  path: string;
  headers: string | string[];
  addHeader?: (name: string, value: string) => void;
  [kSpan]?: LeanSpan;
}

function inject(req: UndiciRequest, value: string): void {
  if (typeof req.addHeader === 'function') req.addHeader('traceparent', value);
  else if (Array.isArray(req.headers)) req.headers.push('traceparent', value);
  else req.headers += `traceparent: ${value}\r\n`;
}

export function installUndici(tracer: LeanTracer): void {
  const scope = tracer.scope(UNDICI_SCOPE);

  subscribe('undici:request:create', (message) => {
    try {
      const req = (message as { request: UndiciRequest }).request;
      const origin = String(req.origin);
      const span = tracer.start(scope, req.method, SpanKind.CLIENT, {
        'http.request.method': req.method,
        'server.address': origin.slice(origin.indexOf('//') + 2),
        'url.full': `${origin}${req.path}`,
      });
      if (span === undefined) return;
      req[kSpan] = span;
      inject(req, traceparentOf(span));
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  subscribe('undici:request:headers', (message) => {
    try {
      const { request, response } = message as { request: UndiciRequest; response: { statusCode: number } };
      const span = request[kSpan];
      if (span === undefined) return;
      span.attributes['http.response.status_code'] = response.statusCode;
      if (response.statusCode >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  subscribe('undici:request:trailers', (message) => {
    try {
      (message as { request: UndiciRequest }).request[kSpan]?.end();
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  subscribe('undici:request:error', (message) => {
    try {
      const { request, error } = message as { request: UndiciRequest; error: Error };
      const span = request[kSpan];
      if (span === undefined) return;
      span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
      span.attributes['error.type'] = error?.name ?? 'Error';
      span.end();
    } catch (err) {
      hookFailed(NAME, err);
    }
  });
}
