import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AttrValue, Span } from '../model/span.js';
import { newSpan, NO_EVENTS, NO_LINKS } from './new-span.js';
import { decodeSpans, encodeSpans, transferablesOf } from './span-codec.js';

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const scalar: fc.Arbitrary<AttrValue> = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ minLength: 257, maxLength: 300 }), // longer than the shared-string limit
  fc.double(), // NaN, ±Infinity and -0 included: the columns are exact
  fc.boolean(),
  fc.constant(null),
);
const value: fc.Arbitrary<AttrValue> = fc.oneof(scalar, fc.array(scalar, { maxLength: 3 }));
const attributes = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => k !== '__proto__'), value, { maxKeys: 5 });
const optional = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Any span the readers can produce, every optional field present or not. */
const anySpan: fc.Arbitrary<Span> = fc
  .record({
    traceId: fc.constantFrom('0af7651916cd43dd8448eb211c80319c', '4bf92f3577b34da6a3ce929d0e0e4736'),
    spanId: hex(8),
    parentSpanId: optional(hex(8)),
    name: fc.string({ maxLength: 20 }),
    kind: fc.constantFrom('server', 'client', 'internal', 'producer', 'consumer', 'unspecified') as fc.Arbitrary<Span['kind']>,
    service: fc.constantFrom('api', 'db-proxy', 'worker'),
    language: fc.constantFrom('nodejs', 'python', 'go', 'unknown') as fc.Arbitrary<Span['language']>,
    scope: optional(fc.string({ maxLength: 12 })),
    startUs: fc.double({ min: 1.6e15, max: 1.8e15, noNaN: true }),
    dur: fc.double({ min: 0, max: 1e7, noNaN: true }),
    attributes,
    events: fc.array(fc.record({ name: fc.string({ maxLength: 6 }), timeUs: fc.double({ noNaN: true }), attributes }), { maxLength: 2 }),
    status: fc.constantFrom('unset', 'ok', 'error') as fc.Arbitrary<Span['status']>,
    statusMessage: optional(fc.string({ maxLength: 10 })),
    links: fc.array(fc.record({ traceId: hex(16), spanId: hex(8) }), { maxLength: 2 }),
    followsFrom: optional(fc.boolean()),
    unfinished: optional(fc.boolean()),
    pid: optional(fc.integer({ min: 1, max: 4_000_000 })),
    onThread: optional(fc.array(fc.record({ startUs: fc.double({ noNaN: true }), endUs: fc.double({ noNaN: true }) }), { maxLength: 3 })),
    blockedUs: optional(fc.double({ min: 0, max: 1e7, noNaN: true })),
    class: optional(fc.constantFrom<NonNullable<Span['class']>>('db', 'network', 'fs', 'lock', 'in_process')),
    template: optional(fc.string({ maxLength: 12 })),
    exactIdentity: optional(hex(8)),
  })
  .map((r) => {
    // fast-check may build objects without a prototype; the readers build plain ones.
    const plain = <T extends object>(o: T): T => ({ ...o });
    const events = r.events.map((e) => ({ ...e, attributes: plain(e.attributes) }));
    const s = newSpan({
      ...r,
      endUs: r.startUs + r.dur,
      attributes: plain(r.attributes),
      events: events.length ? events : NO_EVENTS,
      links: r.links.length ? r.links.map(plain) : NO_LINKS,
    });
    r.onThread = r.onThread?.map(plain);
    return Object.assign(s, {
      parentSpanId: r.parentSpanId,
      scope: r.scope,
      statusMessage: r.statusMessage,
      followsFrom: r.followsFrom,
      unfinished: r.unfinished,
      pid: r.pid,
      onThread: r.onThread,
      blockedUs: r.blockedUs,
      class: r.class,
      template: r.template,
      exactIdentity: r.exactIdentity,
    });
  });

/** Through structured clone, as postMessage delivers it. */
function sent<T>(v: T): T {
  return structuredClone(v);
}

describe('span codec: spans packed for another thread', () => {
  it('rebuilds every span exactly, in order, every field and key order kept', () => {
    fc.assert(
      fc.property(fc.array(anySpan, { maxLength: 30 }), (spans) => {
        const out: Span[] = [];
        decodeSpans(sent(encodeSpans(spans)), out);
        expect(out).toStrictEqual(spans);
        out.forEach((s, i) => expect(Object.keys(s.attributes)).toEqual(Object.keys(spans[i].attributes)));
      }),
      { numRuns: 300 },
    );
  });

  it('gives every rebuilt span the field order of newSpan (one hidden class with the spans read on this thread)', () => {
    const out: Span[] = [];
    const s = newSpan({ traceId: 'a', spanId: 'b', name: 'n', kind: 'client', service: 's', language: 'go', startUs: 1, endUs: 2, attributes: { k: 1 }, events: NO_EVENTS, status: 'ok', links: NO_LINKS });
    decodeSpans(encodeSpans([s]), out);
    expect(Object.keys(out[0])).toEqual(Object.keys(s));
    expect(out[0].events).toBe(NO_EVENTS); // shared frozen empties, as the OTLP reader gives
  });

  it('moves its columns instead of copying them (the sender cannot use them after)', () => {
    const spans = [newSpan({ traceId: 'a', spanId: 'b', name: 'n', kind: 'client', service: 's', language: 'go', startUs: 1, endUs: 2, attributes: { n: 3 }, events: NO_EVENTS, status: 'ok', links: NO_LINKS })];
    const packed = encodeSpans(spans);
    const { port1, port2 } = new MessageChannel();
    port1.postMessage(packed, transferablesOf(packed));
    expect(packed.ints.length).toBe(0); // detached
    port1.close();
    port2.close();
  });

  it('shares repeated short strings through the table, once each', () => {
    const spans = Array.from({ length: 100 }, (_, i) =>
      newSpan({ traceId: 't', spanId: `s${i}`, name: 'SELECT 1', kind: 'client', service: 'api', language: 'nodejs', startUs: i, endUs: i + 1, attributes: { 'db.statement': 'SELECT 1' }, events: NO_EVENTS, status: 'unset', links: NO_LINKS }),
    );
    const { strings } = encodeSpans(spans);
    expect(strings.filter((s) => s === 'SELECT 1')).toHaveLength(1);
    expect(strings.filter((s) => s === 't')).toHaveLength(1); // neighbours' trace id
  });
});
