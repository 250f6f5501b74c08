import { describe, expect, it } from 'vitest';
import type { Span } from '../model/span.js';
import { newContext } from './context.js';
import { convertJaeger } from './jaeger.js';
import { convertOtlp } from './otlp.js';
import { convertZipkin, derivedServerId } from './zipkin.js';

/** Documents written by hand the way each tool writes them (not by our fixture writer). */
function run(convert: typeof convertZipkin, doc: unknown) {
  const ctx = newContext('doc.json');
  const out: Span[] = [];
  convert(doc, ctx, out);
  return { out, warnings: ctx.warnings.list() };
}

describe('Zipkin v2 details', () => {
  it('maps error tags, annotations, endpoints, missing durations and missing timestamps', () => {
    const { out, warnings } = run(convertZipkin, [
      { traceId: 'a1', id: 'b1', name: 'get /x', kind: 'SERVER', timestamp: 100, duration: 50, localEndpoint: { serviceName: 'front' }, tags: { error: 'HTTP 503', 'http.path': '/x' }, annotations: [{ timestamp: 120, value: 'ws' }] },
      { traceId: 'a1', id: 'b2', parentId: 'b1', name: 'query', kind: 'CLIENT', timestamp: 110, localEndpoint: { serviceName: 'front' }, remoteEndpoint: { serviceName: 'mysql' } },
      { traceId: 'a1', id: 'b3', parentId: 'b1', name: 'no time' },
    ]);
    expect(out).toHaveLength(2);
    expect(out[0]).toMatchObject({ traceId: 'a1', status: 'error', statusMessage: 'HTTP 503', attributes: { 'http.path': '/x' }, events: [{ name: 'ws', timeUs: 120, attributes: {} }], language: 'unknown' });
    expect(out[1]).toMatchObject({ kind: 'client', unfinished: true, startUs: 110, endUs: 110, attributes: { 'peer.service': 'mysql' } });
    expect(warnings.map((w) => w.code)).toEqual(['invalid-span']);
  });

  it('keeps a shared server half without a client half under its own id', () => {
    const { out } = run(convertZipkin, [{ traceId: 'a1', id: 'c1', parentId: 'f1', kind: 'SERVER', shared: true, timestamp: 1, duration: 2, localEndpoint: { serviceName: 's' } }]);
    expect([out[0]!.spanId, out[0]!.parentSpanId]).toEqual(['c1', 'f1']);
    expect(derivedServerId('c1')).toMatch(/^[0-9a-f]{16}$/);
    expect(derivedServerId('c1')).not.toBe(derivedServerId('c2'));
  });
});

describe('Jaeger details', () => {
  it('reads logs, typed tags, embedded processes, the legacy parentSpanID and cross-trace references (ids upper-case, short)', () => {
    const { out } = run(convertJaeger, {
      data: [
        {
          traceID: 'A1',
          spans: [
            {
              traceID: 'A1',
              spanID: 'B1',
              operationName: 'op',
              startTime: 1000,
              duration: 10,
              parentSpanID: 'B0',
              references: [{ refType: 'FOLLOWS_FROM', traceID: 'CC', spanID: 'D1' }],
              tags: [{ key: 'span.kind', type: 'string', value: 'consumer' }, { key: 'n', type: 'int64', value: 7 }, { key: 'ok', type: 'bool', value: true }, { key: 'error', type: 'bool', value: true }],
              logs: [{ timestamp: 1005, fields: [{ key: 'event', type: 'string', value: 'retry' }, { key: 'attempt', type: 'int64', value: 2 }] }],
              process: { serviceName: 'legacy-svc', tags: [] },
            },
          ],
        },
      ],
    });
    expect(out[0]).toMatchObject({
      traceId: 'a1',
      spanId: 'b1',
      parentSpanId: 'b0',
      kind: 'consumer',
      service: 'legacy-svc',
      status: 'error',
      attributes: { n: 7, ok: true },
      events: [{ name: 'retry', timeUs: 1005, attributes: { attempt: 2 } }],
      links: [{ traceId: 'cc', spanId: 'd1' }],
    });
    expect(out[0]!.followsFrom).toBeUndefined();
  });
});

describe('OTLP details', () => {
  it('reads pre-1.0 instrumentationLibrarySpans, drops a "__proto__" attribute, treats a zero parent as none', () => {
    const { out } = run(convertOtlp, {
      resourceSpans: [
        {
          resource: { attributes: [] },
          instrumentationLibrarySpans: [
            {
              instrumentationLibrary: { name: 'old-lib' },
              spans: [{ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: '00f067aa0ba902b7', parentSpanId: '0000000000000000', name: 'x', startTimeUnixNano: '1000', endTimeUnixNano: '3000', attributes: [{ key: '__proto__', value: { stringValue: 'evil' } }, { key: 'kv', value: { kvlistValue: { values: [{ key: 'a', value: { intValue: 1 } }] } } }] }],
            },
          ],
        },
      ],
    });
    expect(out[0]).toMatchObject({ scope: 'old-lib', service: 'unknown_service', startUs: 1, endUs: 3, attributes: { kv: '{"a":1}' } });
    expect(out[0]!.parentSpanId).toBeUndefined();
    expect(Object.getPrototypeOf(out[0]!.attributes)).toBe(Object.prototype);
  });
});
