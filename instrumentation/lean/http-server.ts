/**
 * Incoming HTTP requests from Node's diagnostics channels: `http.server.request.start` starts the server span (its
 * parent read from a W3C `traceparent`), `http.server.response.finish` ends it when the response is written. One thin
 * wrapper, of `Server.prototype.emit` for 'request', runs the app's handler inside the span's context — the channel
 * cannot, and the span must be the active one for the handler's own calls, the user's spans and the on-thread
 * tracker. The route comes from the web framework's fallback instrumentation (Express, Koa), which writes it into
 * the context's RPC metadata as it does for OpenTelemetry's own HTTP instrumentation.
 */
import { subscribe } from 'node:diagnostics_channel';
import http from 'node:http';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import type { LeanSpan } from './lean-span.js';
import { parseTraceparent, type LeanTracer } from './lean-tracer.js';
import { hookFailed } from './guard.js';

export const HTTP_SCOPE = 'timesink/instrumentation-http';
const NAME = 'http';

const kServer = Symbol('timesink.serverSpan');

interface ServerRequest extends IncomingMessage {
  [kServer]?: { span: LeanSpan; ctx: Context; rpc: RPCMetadata };
}

interface ServerMessage {
  request: ServerRequest;
  response: ServerResponse & { [kServer]?: ServerRequest[typeof kServer] };
}

/**
 * A response closed before it finished (the client went away): no finish channel fires, and the span would stay open
 * (held for the exit's unfinished list) for the rest of the process. `on`, not `once`: no wrapper per request.
 */
function endAborted(this: ServerMessage['response']): void {
  const span = this[kServer]?.span;
  if (span === undefined || !span.isRecording()) return;
  span.setStatus({ code: SpanStatusCode.ERROR, message: 'response closed before it was finished' });
  span.end();
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '/';
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

export function installHttpServer(tracer: LeanTracer): void {
  const scope = tracer.scope(HTTP_SCOPE);

  subscribe('http.server.request.start', (message) => {
    try {
      const req = (message as ServerMessage).request;
      const method = req.method ?? 'GET';
      const parent = parseTraceparent(req.headers.traceparent);
      // The peer names the connection: the analyzer bounds a request's queueing before its span by the end of the
      // previous response on the same connection (analyzer/accounting/before-first-span.ts).
      const socket = req.socket;
      const span = tracer.start(
        scope,
        method,
        SpanKind.SERVER,
        { 'http.request.method': method, 'url.path': pathOf(req.url), 'network.peer.address': socket?.remoteAddress, 'network.peer.port': socket?.remotePort },
        parent ?? undefined,
      );
      if (span === undefined) return;
      const rpc: RPCMetadata = { type: RPCType.HTTP, span };
      // A new trace for every request without a traceparent: never the context the socket happened to be made in.
      const entry = { span, ctx: setRPCMetadata(trace.setSpan(ROOT_CONTEXT, span), rpc), rpc };
      req[kServer] = entry;
      const res = (message as ServerMessage).response;
      res[kServer] = entry;
      res.on('close', endAborted);
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  subscribe('http.server.response.finish', (message) => {
    try {
      const { request, response } = message as ServerMessage;
      const entry = request[kServer];
      if (entry === undefined) return;
      const { span, rpc } = entry;
      const status = response.statusCode;
      span.attributes['http.response.status_code'] = status;
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      if (rpc.route) {
        span.attributes['http.route'] = rpc.route;
        span.updateName(`${request.method ?? 'GET'} ${rpc.route}`);
      }
      span.end();
    } catch (err) {
      hookFailed(NAME, err);
    }
  });

  for (const proto of [http.Server.prototype, https.Server.prototype] as { emit: (...args: unknown[]) => boolean }[]) {
    const emit = proto.emit;
    proto.emit = function emitInSpan(this: unknown, event: unknown, req?: unknown, res?: unknown): boolean {
      if (event === 'request') {
        const entry = (req as ServerRequest | undefined)?.[kServer];
        if (entry !== undefined) return context.with(entry.ctx, emit, this, event, req, res);
      }
      // eslint-disable-next-line prefer-rest-params
      return emit.apply(this, arguments as unknown as unknown[]);
    };
  }
}
