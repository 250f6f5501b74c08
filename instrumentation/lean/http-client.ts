/**
 * Outgoing `http`/`https` requests. On Node 20 the `http.client.request.start` channel fires once the headers are
 * already written, too late to carry a `traceparent`: the span starts in one thin wrapper of
 * `ClientRequest.prototype._implicitHeader` (the moment the request's head is built, in the caller's context), which
 * also injects the header. Requests that build their head another way (headers given as an array) are picked up by
 * the start channel, without propagation. `http.client.response.finish` fires when the response *headers* arrive:
 * the span ends at the end of the body, when the caller has what it waited for; `http.client.request.error` ends it
 * as failed.
 */
import { subscribe } from 'node:diagnostics_channel';
import http, { type ClientRequest, type IncomingMessage } from 'node:http';
import { SpanKind, SpanStatusCode, type Attributes } from '@opentelemetry/api';
import type { LeanScope, LeanSpan } from './lean-span.js';
import { traceparentOf, type LeanTracer } from './lean-tracer.js';
import { hookFailed } from './guard.js';
import { HTTP_SCOPE } from './http-server.js';

const NAME = 'http client';
const kClient = Symbol('timesink.clientSpan');

interface TracedRequest extends ClientRequest {
  [kClient]?: LeanSpan;
  /** Node's own fields (public since Node 14). */
  host: string;
  protocol: string;
}
interface TracedResponse extends IncomingMessage {
  [kClient]?: LeanSpan;
}

function startClientSpan(tracer: LeanTracer, scope: LeanScope, req: TracedRequest, inject: boolean): void {
  if (req[kClient] !== undefined) return;
  const method = req.method;
  // The Host header carries the port (the request object does not); the app may have set its own.
  const hostHeader = req.getHeader('host');
  const attrs: Attributes = {
    'http.request.method': method,
    'server.address': req.host,
    'url.full': `${req.protocol}//${typeof hostHeader === 'string' ? hostHeader : req.host}${req.path}`,
  };
  const span = tracer.start(scope, method, SpanKind.CLIENT, attrs);
  if (span === undefined) return;
  req[kClient] = span;
  if (inject && !req.hasHeader('traceparent')) req.setHeader('traceparent', traceparentOf(span));
}

function endOnBody(this: TracedResponse): void {
  this[kClient]?.end();
}

export function installHttpClient(tracer: LeanTracer): void {
  const scope = tracer.scope(HTTP_SCOPE);
  const proto = http.ClientRequest.prototype as unknown as { _implicitHeader: (...a: unknown[]) => unknown };
  const implicitHeader = proto._implicitHeader;
  proto._implicitHeader = function implicitHeaderTraced(this: TracedRequest): unknown {
    try {
      startClientSpan(tracer, scope, this, true);
    } catch (err) {
      hookFailed(NAME, err);
    }
    // eslint-disable-next-line prefer-rest-params
    return implicitHeader.apply(this, arguments as unknown as unknown[]);
  };

  subscribe('http.client.request.start', (message) => {
    try {
      startClientSpan(tracer, scope, (message as { request: TracedRequest }).request, false);
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  subscribe('http.client.response.finish', (message) => {
    try {
      const { request, response } = message as { request: TracedRequest; response: TracedResponse };
      const span = request[kClient];
      if (span === undefined) return;
      const status = response.statusCode ?? 0;
      span.attributes['http.response.status_code'] = status;
      if (status >= 400) span.setStatus({ code: SpanStatusCode.ERROR });
      if (response.complete) {
        span.end();
        return;
      }
      response[kClient] = span;
      response.once('end', endOnBody);
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  subscribe('http.client.request.error', (message) => {
    try {
      const { request, error } = message as { request: TracedRequest; error: Error };
      const span = request[kClient];
      if (span === undefined) return;
      span.setStatus({ code: SpanStatusCode.ERROR, message: error?.message });
      span.attributes['error.type'] = (error as NodeJS.ErrnoException)?.code ?? error?.name ?? 'Error';
      span.end();
    } catch (err) {
      hookFailed(NAME, err);
    }
  });
}
