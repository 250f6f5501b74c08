import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { ingest } from '../../analyzer/ingest/index.js';
import type { Span } from '../../analyzer/model/span.js';
import { startCollector, SPANS_FILE } from './index.js';
import { ExportTraceServiceRequest, RpcStatus } from './otlp-proto.js';

type ProtoCompression = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>['compression'];

const out = () => join(mkdtempSync(join(tmpdir(), 'ts-collect-')), 'rec');

/** Send a small known trace through a real OpenTelemetry exporter; returns what the SDK recorded. */
async function sendTrace(exporter: SpanExporter, service: string): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'process.pid': 4321, 'telemetry.sdk.language': 'nodejs' }),
    spanProcessors: [new SimpleSpanProcessor(memory), new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('collector-test', '1.0.0');
  const root = tracer.startSpan('GET /orders', { kind: SpanKind.SERVER, attributes: { 'http.route': '/orders', 'http.status_code': 200 } });
  const ctx = trace.setSpan(context.active(), root);
  const q = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.rows': 3, 'db.ok': true, ratio: 0.25, tags: ['a', 'b'] } }, ctx);
  q.addEvent('first-row', { n: 1 });
  q.setStatus({ code: SpanStatusCode.ERROR, message: 'deadlock' });
  q.end();
  root.end();
  await provider.forceFlush();
  const sent = memory.getFinishedSpans(); // before shutdown, which empties the in-memory exporter
  await provider.shutdown();
  return sent;
}

function micros(t: [number, number]): number {
  return t[0] * 1e6 + t[1] / 1e3;
}

function expectRoundTrip(sent: ReadableSpan[], got: Span[], service: string): void {
  expect(got).toHaveLength(sent.length);
  for (const s of sent) {
    const g = got.find((x) => x.spanId === s.spanContext().spanId)!;
    expect(g, s.name).toBeDefined();
    expect(g.traceId).toBe(s.spanContext().traceId);
    expect(g.parentSpanId).toBe(s.parentSpanContext?.spanId);
    expect(g.name).toBe(s.name);
    expect(g.service).toBe(service);
    expect(g.language).toBe('nodejs');
    expect(g.pid).toBe(4321);
    expect(g.scope).toBe('collector-test');
    expect(g.startUs).toBeCloseTo(micros(s.startTime), 3);
    expect(g.endUs).toBeCloseTo(micros(s.endTime), 3);
    expect(g.attributes).toEqual(s.attributes);
    expect(g.events.map((e) => [e.name, e.attributes])).toEqual(s.events.map((e) => [e.name, e.attributes]));
  }
  const q = got.find((x) => x.name === 'SELECT orders')!;
  expect([q.kind, q.status, q.statusMessage]).toEqual(['client', 'error', 'deadlock']);
  expect(got.find((x) => x.name === 'GET /orders')!.kind).toBe('server');
}

describe('timesink collect', () => {
  it('receives the OpenTelemetry JSON and protobuf exporters (gzip too) and writes a readable recording', async () => {
    const dir = out();
    const c = await startCollector({ port: 0, out: dir });
    const url = `http://127.0.0.1:${c.port}/v1/traces`;
    const sentJson = await sendTrace(new JsonExporter({ url }), 'json-svc');
    const sentProto = await sendTrace(new ProtoExporter({ url }), 'proto-svc');
    const sentGzip = await sendTrace(new ProtoExporter({ url, compression: 'gzip' as ProtoCompression }), 'gzip-svc');
    // Written through before the 200: the file is complete while the collector still runs.
    expect(readFileSync(join(dir, SPANS_FILE), 'utf8').trim().split('\n').length).toBeGreaterThanOrEqual(3);
    await c.close();

    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.format).toBe('timesink-recording');
    expect(typeof manifest.endUs).toBe('number');
    expect(manifest.collector).toMatchObject({ port: c.port, spans: 6, rejected: 0 });

    const r = await ingest([dir]);
    expect(r.warnings).toEqual([]);
    expectRoundTrip(sentJson, r.spans.filter((s) => s.service === 'json-svc'), 'json-svc');
    expectRoundTrip(sentProto, r.spans.filter((s) => s.service === 'proto-svc'), 'proto-svc');
    expectRoundTrip(sentGzip, r.spans.filter((s) => s.service === 'gzip-svc'), 'gzip-svc');
  });

  it('answers per OTLP/HTTP: 200 with an empty response, 400 on garbage, 415 on unknown types, 404 elsewhere', async () => {
    const dir = out();
    const c = await startCollector({ port: 0, out: dir });
    const url = `http://127.0.0.1:${c.port}/v1/traces`;
    const post = (body: string | Uint8Array, type: string, extra: Record<string, string> = {}) => fetch(url, { method: 'POST', body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]), headers: { 'content-type': type, ...extra } });

    const okJson = await post(JSON.stringify({ resourceSpans: [] }), 'application/json');
    expect([okJson.status, await okJson.text(), okJson.headers.get('content-type')]).toEqual([200, '{}', 'application/json']);
    const gz = await post(gzipSync(JSON.stringify({})), 'application/json', { 'content-encoding': 'gzip' });
    expect(gz.status).toBe(200);
    const okProto = await post(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.create({})).finish(), 'application/x-protobuf');
    expect([okProto.status, (await okProto.arrayBuffer()).byteLength]).toEqual([200, 0]);

    const badJson = await post('{"resourceSpans": [', 'application/json');
    expect(badJson.status).toBe(400);
    expect((await badJson.json()).message).toMatch(/^invalid JSON/);
    const badProto = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), 'application/x-protobuf');
    expect(badProto.status).toBe(400);
    expect(RpcStatus.decode(new Uint8Array(await badProto.arrayBuffer())).toJSON().message).toMatch(/ExportTraceServiceRequest/);
    const badGzip = await post('not gzip', 'application/json', { 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect((await post('x', 'text/plain')).status).toBe(415);
    expect((await fetch(`http://127.0.0.1:${c.port}/v1/metrics`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(url)).status).toBe(405);
    await c.close();
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(manifest.collector).toMatchObject({ requests: 3, spans: 0, rejected: 6 });
    // Nothing but valid requests with spans reaches the span file.
    expect(readFileSync(join(dir, SPANS_FILE), 'utf8')).toBe('');
  });

  it('loses nothing it acknowledged when the process is killed without closing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-collect-kill-'));
    const bundle = join(dir, 'collector.cjs');
    await build({ entryPoints: [new URL('./index.ts', import.meta.url).pathname], bundle: true, platform: 'node', format: 'cjs', packages: 'external', outfile: bundle, logLevel: 'error' });
    const rec = join(dir, 'rec');
    const child = spawn(process.execPath, ['-e', `require(${JSON.stringify(bundle)}).startCollector({ port: 0, out: ${JSON.stringify(rec)} }).then((c) => console.log(c.port))`], {
      env: { ...process.env, NODE_PATH: new URL('../../node_modules', import.meta.url).pathname },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim())));
        child.once('exit', (code) => reject(new Error(`collector exited with ${code}`)));
      });
      const sent = await sendTrace(new ProtoExporter({ url: `http://127.0.0.1:${port}/v1/traces` }), 'killed-svc');
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const r = await ingest([rec]);
      expectRoundTrip(sent, r.spans, 'killed-svc');
      expect(r.warnings.map((w) => w.code)).toEqual(['recording-not-closed']);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
