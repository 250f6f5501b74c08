import { closeSync, mkdirSync, openSync, renameSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { FORMAT_VERSION, MANIFEST_FILE, SPANS_PREFIX, type Manifest } from '../../format/recording.js';
import { VERSION } from '../../format/version.js';
import { decodeTraceRequest, ExportTraceServiceResponse, RpcStatus } from './otlp-proto.js';

/*
 * `timesink collect`: a single-machine OTLP/HTTP trace receiver (the stand-in for an OpenTelemetry Collector
 * with a file exporter). POST /v1/traces in JSON or protobuf, optionally gzip; each request is appended as
 * one OTLP JSON line to <out>/spans-collector.jsonl and written through to the OS before the 200 is sent,
 * so stopping the process (Ctrl-C, kill) loses nothing that was acknowledged.
 */

export interface CollectorOptions {
  /** Default 4318, the OTLP/HTTP port. 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1: receiving traces from other hosts is an explicit choice. */
  host?: string;
  /** The recording directory to write (created if needed). */
  out: string;
}

export interface Collector {
  port: number;
  close(): Promise<void>;
}

/** What the collector adds to manifest.json besides the Manifest fields (readers ignore unknown keys). */
export interface CollectorInfo {
  host: string;
  port: number;
  requests: number;
  spans: number;
  rejected: number;
}

export const SPANS_FILE = `${SPANS_PREFIX}-collector.jsonl`;
/** Request bodies above this (after decompression) get 413: the OTLP exporters batch far below it. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
const MANIFEST_EVERY_MS = 2000;

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startCollector(opts: CollectorOptions): Promise<Collector> {
  const host = opts.host ?? '127.0.0.1';
  mkdirSync(opts.out, { recursive: true });
  const fd = openSync(join(opts.out, SPANS_FILE), 'a');
  const info: CollectorInfo = { host, port: opts.port ?? 4318, requests: 0, spans: 0, rejected: 0 };
  const startUs = Date.now() * 1000;
  let dirty = true;

  const writeManifest = (endUs?: number): void => {
    const manifest: Manifest & { collector: CollectorInfo } = {
      format: 'timesink-recording',
      formatVersion: FORMAT_VERSION,
      timesinkVersion: VERSION,
      command: ['timesink', 'collect', '--host', host, '--port', String(info.port)],
      startUs,
      settings: { redact: false, onThread: false, runtimeIntervalMs: 0, profiler: 'none' },
      processes: [],
      collector: { ...info },
    };
    if (endUs !== undefined) manifest.endUs = endUs;
    // Write-then-rename: a reader (or a crash) never sees half a manifest.
    const tmp = join(opts.out, `${MANIFEST_FILE}.tmp`);
    writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n');
    renameSync(tmp, join(opts.out, MANIFEST_FILE));
    dirty = false;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    const proto = type === 'application/x-protobuf' || type === 'application/protobuf';
    try {
      const path = (req.url ?? '').split('?')[0];
      if (path !== '/v1/traces') throw new HttpError(404, `not found: timesink collects traces at POST /v1/traces`);
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        throw new HttpError(405, `method ${req.method} not allowed: use POST`);
      }
      if (!proto && type !== 'application/json') throw new HttpError(415, `unsupported content type '${type}': send application/json or application/x-protobuf`);
      const body = await readBody(req);
      const doc = proto ? decodeProtobuf(body) : parseJson(body);
      const spans = countSpans(doc);
      if (spans > 0) {
        writeSync(fd, JSON.stringify(doc) + '\n');
        info.spans += spans;
      }
      info.requests++;
      dirty = true;
      reply(res, 200, proto, undefined);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      info.rejected++;
      dirty = true;
      reply(res, status, proto, e instanceof HttpError ? e.message : `internal error: ${(e as Error).message}`);
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 4318, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  info.port = (server.address() as AddressInfo).port;
  writeManifest();
  const timer = setInterval(() => {
    if (dirty) writeManifest();
  }, MANIFEST_EVERY_MS);
  timer.unref();

  let closed: Promise<void> | undefined;
  return {
    port: info.port,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        clearInterval(timer);
        server.close(() => {
          writeManifest(Date.now() * 1000);
          closeSync(fd);
          resolve();
        });
        // Exporters keep connections alive; without this close() would wait for them to time out.
        server.closeAllConnections();
      })),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of req) {
    n += (chunk as Buffer).length;
    if (n > MAX_BODY_BYTES) throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const raw = Buffer.concat(chunks);
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  try {
    if (encoding === 'gzip') return await gunzipAsync(raw, { maxOutputLength: MAX_BODY_BYTES });
    if (encoding === 'deflate') return await inflateAsync(raw, { maxOutputLength: MAX_BODY_BYTES });
  } catch (e) {
    throw new HttpError(400, `cannot decompress the ${encoding} body: ${(e as Error).message}`);
  }
  if (encoding !== 'identity') throw new HttpError(415, `unsupported content encoding '${encoding}': send gzip or none`);
  return raw;
}

function decodeProtobuf(body: Buffer): Record<string, unknown> {
  try {
    return decodeTraceRequest(body);
  } catch (e) {
    throw new HttpError(400, `not an ExportTraceServiceRequest protobuf: ${(e as Error).message}`);
  }
}

function parseJson(body: Buffer): Record<string, unknown> {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `invalid JSON: ${(e as Error).message}`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw new HttpError(400, 'not an ExportTraceServiceRequest: expected a JSON object');
  const rs = (doc as Record<string, unknown>).resourceSpans;
  if (rs !== undefined && !Array.isArray(rs)) throw new HttpError(400, 'not an ExportTraceServiceRequest: resourceSpans must be an array');
  return doc as Record<string, unknown>;
}

function countSpans(doc: Record<string, unknown>): number {
  let n = 0;
  for (const rs of (doc.resourceSpans as { scopeSpans?: { spans?: unknown[] }[] }[] | undefined) ?? []) {
    for (const ss of rs?.scopeSpans ?? []) n += Array.isArray(ss?.spans) ? ss.spans.length : 0;
  }
  return n;
}

/** OTLP/HTTP: the response uses the request's encoding; errors carry a google.rpc.Status. */
function reply(res: ServerResponse, status: number, proto: boolean, error: string | undefined): void {
  let body: Uint8Array | string;
  if (proto) {
    body =
      error === undefined
        ? ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create({})).finish()
        : RpcStatus.encode(RpcStatus.create({ code: grpcCode(status), message: error })).finish();
  } else {
    body = error === undefined ? '{}' : JSON.stringify({ code: grpcCode(status), message: error });
  }
  res.writeHead(status, { 'Content-Type': proto ? 'application/x-protobuf' : 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function grpcCode(status: number): number {
  // google.rpc.Code: INVALID_ARGUMENT 3, NOT_FOUND 5, UNIMPLEMENTED 12, INTERNAL 13, RESOURCE_EXHAUSTED 8.
  if (status === 400) return 3;
  if (status === 404) return 5;
  if (status === 405 || status === 415) return 12;
  if (status === 413) return 8;
  return 13;
}
