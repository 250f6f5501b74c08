/** Test helper: a compact way to write spans by hand. */
import type { Span } from '../../model/span.js';

export const TRACE_A = '0af7651916cd43dd8448eb211c80319c';
export const TRACE_B = '4bf92f3577b34da6a3ce929d0e0e4736';

export function span(p: Partial<Span> & { spanId: string; startUs: number; endUs: number }): Span {
  return {
    traceId: TRACE_A,
    name: p.spanId,
    kind: 'internal',
    service: 'svc',
    language: 'nodejs',
    attributes: {},
    events: [],
    status: 'unset',
    links: [],
    ...p,
  };
}

/** A 16-hex span id from a small number, readable in tests. */
export function sid(n: number): string {
  return n.toString(16).padStart(16, '0');
}
