import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttrValue, Span } from '../model/span.js';
import { ingest } from './index.js';
import { comparable, writeAllFormats } from './testing/write-formats.js';

// All-zero ids are invalid in OpenTelemetry (OTLP reads a zero parent id as "no parent").
const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).filter((b) => b.some((x) => x !== 0)).map((b) => Buffer.from(b).toString('hex'));
// Keys the formats use for Span fields (status, kind, scope, peer, event name) or that JSON objects cannot hold.
const RESERVED = /^(timesink\.|otel\.|span\.kind$|error$|peer\.service$|event$|__proto__$)/;
const key = fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !RESERVED.test(k));
const value: fc.Arbitrary<AttrValue> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer({ min: -1e9, max: 1e9 }).map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.boolean(),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
);
const attributes = fc.dictionary(key, value, { maxKeys: 4 });
const T0 = 1_700_000_000_000_000;

/** A random trace: a root and children pointing at earlier spans, integer-µs times, every shared field. */
const trace = fc
  .record({
    traceId: hex(16),
    ids: fc.uniqueArray(hex(8), { minLength: 1, maxLength: 8 }),
  })
  .chain(({ traceId, ids }) =>
    fc.tuple(
      ...ids.map((spanId, i) =>
        fc.record({
          parent: fc.nat({ max: Math.max(0, i - 1) }),
          name: fc.string({ maxLength: 15 }),
          kind: fc.constantFrom('server', 'client', 'internal', 'producer', 'consumer') as fc.Arbitrary<Span['kind']>,
          service: fc.constantFrom('api', 'db-proxy', 'worker'),
          language: fc.constantFrom('nodejs', 'python', 'go', 'unknown') as fc.Arbitrary<Span['language']>,
          start: fc.integer({ min: 0, max: 10_000_000 }),
          dur: fc.integer({ min: 0, max: 5_000_000 }),
          attributes,
          status: fc.constantFrom('unset', 'ok', 'error') as fc.Arbitrary<Span['status']>,
          message: fc.option(fc.string({ minLength: 1, maxLength: 10 }).filter((m) => m !== 'true'), { nil: undefined }),
          scope: fc.option(fc.constantFrom('@opentelemetry/instrumentation-pg', 'opentelemetry.instrumentation.flask'), { nil: undefined }),
          pid: fc.option(fc.integer({ min: 1, max: 99999 }), { nil: undefined }),
          events: fc.array(fc.record({ name: fc.string({ maxLength: 8 }), at: fc.integer({ min: 0, max: 1000 }), attributes }), { maxLength: 2 }),
        }).map((r): Span => {
          const s: Span = {
            traceId,
            spanId,
            name: r.name,
            kind: r.kind,
            service: r.service,
            language: r.language,
            startUs: T0 + r.start,
            endUs: T0 + r.start + r.dur,
            attributes: r.attributes,
            events: r.events.map((e) => ({ name: e.name, timeUs: T0 + r.start + e.at, attributes: e.attributes })),
            status: r.status,
            links: [],
          };
          if (i > 0) s.parentSpanId = ids[r.parent]!;
          if (r.message !== undefined && r.status !== 'unset') s.statusMessage = r.message;
          if (r.scope !== undefined) s.scope = r.scope;
          if (r.pid !== undefined) s.pid = r.pid;
          return s;
        }),
      ),
    ),
  );

describe('ingest: any trace written as OTLP, Jaeger and Zipkin reads back the same', () => {
  it('holds for random traces', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ts-prop-'));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(trace, async (spans) => {
        // One language and pid per service (they are properties of the process, not of a span).
        const byService = new Map<string, Span>();
        for (const s of spans) {
          const first = byService.get(s.service) ?? s;
          byService.set(s.service, first);
          s.language = first.language;
          if (first.pid === undefined) delete s.pid;
          else s.pid = first.pid;
        }
        const paths = writeAllFormats(dir, spans, `t${n++}`);
        for (const format of ['otlp', 'jaeger', 'zipkin'] as const) {
          const r = await ingest([paths[format]]);
          expect(comparable(r.spans, format)).toEqual(comparable(spans, format));
        }
      }),
      { numRuns: 40 },
    );
  });
});
