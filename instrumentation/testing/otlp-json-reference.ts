/**
 * For tests that read the recorder's OTLP/JSON back: the shapes they parse, and a plain reference writer that joins
 * whole span strings, against which otlp-json.ts's encoded, buffer-reusing writer is checked.
 */
/** What OTLP/JSON values look like when read back (tests, tools). */
export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values: OtlpAnyValue[] };
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  droppedAttributesCount?: number;
  events?: { timeUnixNano: string; name: string; attributes: OtlpKeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes: OtlpKeyValue[] }[];
  status: { code: number; message?: string };
}

/** Serialised spans of one instrumentation scope. */
export interface ScopeBatch {
  scopeJson: string;
  spans: string[];
}

/**
 * One TracesData line (the batches under one resource; empty batches left out), built by joining whole strings:
 * the reference for otlp-json.ts's writeEncodedTracesData, which writes the same bytes from reused buffers.
 */
export function tracesDataLine(resourceAttributesJson: string, batches: Iterable<ScopeBatch>): string {
  const scopes = [...batches].filter((b) => b.spans.length > 0).map((b) => `{"scope":${b.scopeJson},"spans":[${b.spans.join(',')}]}`);
  return `{"resourceSpans":[{"resource":{"attributes":${resourceAttributesJson}},"scopeSpans":[${scopes.join(',')}]}]}\n`;
}
