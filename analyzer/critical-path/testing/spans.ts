/**
 * Hand-made spans and traces for tests (critical path, accounting, detectors). Times are small integers (µs)
 * so expected results can be computed by hand.
 */
import fc from 'fast-check';
import type { Span } from '../../model/span.js';
import type { Trace } from '../../model/trace.js';

export function mkSpan(spanId: string, parentSpanId: string | undefined, startUs: number, endUs: number, extra: Partial<Span> = {}): Span {
  return {
    traceId: 't1',
    spanId,
    parentSpanId,
    name: spanId,
    kind: parentSpanId ? 'internal' : 'server',
    service: 'svc',
    language: 'nodejs',
    startUs,
    endUs,
    attributes: {},
    events: [],
    status: 'unset',
    links: [],
    ...extra,
  };
}

/** A Trace from spans whose first element is the root; children sorted by start (as model/ guarantees). */
export function mkTrace(spans: Span[], traceId = spans[0]?.traceId ?? 't1'): Trace {
  const byId = new Map<string, Span>();
  const children = new Map<string, Span[]>();
  for (const s of spans) {
    s.traceId = traceId;
    byId.set(s.spanId, s);
  }
  for (const s of spans) {
    if (!s.parentSpanId || !byId.has(s.parentSpanId)) continue;
    let a = children.get(s.parentSpanId);
    if (!a) children.set(s.parentSpanId, (a = []));
    a.push(s);
  }
  for (const a of children.values()) a.sort((x, y) => x.startUs - y.startUs);
  return { traceId, root: spans[0], spans, children, byId };
}

/** Random span trees: any shape, overlapping, overflowing, fire-and-forget, zero-length. */
export const arbTraceSpans = fc
  .array(
    fc.record({
      parent: fc.nat(),
      start: fc.integer({ min: -50, max: 1000 }),
      len: fc.integer({ min: 0, max: 600 }),
      followsFrom: fc.boolean(),
    }),
    { minLength: 0, maxLength: 40 },
  )
  .chain((rows) =>
    fc.record({ rootLen: fc.integer({ min: 0, max: 1000 }) }).map(({ rootLen }) => {
      const spans: Span[] = [mkSpan('s0', undefined, 0, rootLen)];
      rows.forEach((r, i) => {
        const parent = spans[r.parent % spans.length];
        spans.push(mkSpan(`s${i + 1}`, parent.spanId, r.start, r.start + r.len, { followsFrom: r.followsFrom && r.len % 5 === 0 }));
      });
      return spans;
    }),
  );

