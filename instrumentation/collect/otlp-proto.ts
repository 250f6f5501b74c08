import protobuf from 'protobufjs';

/*
 * The OTLP trace protobuf messages (opentelemetry-proto v1, trace_service.proto and its imports), as a
 * protobufjs JSON descriptor. @opentelemetry/otlp-transformer 0.2xx only *writes* requests (hand-written
 * encoder) and decodes responses, so the receiver needs its own definitions. Enums are declared as int32
 * (same varint wire encoding) so decoded messages carry plain numbers, as OTLP JSON does.
 */

const f = (type: string, id: number, repeated = false) => (repeated ? { type, id, rule: 'repeated' } : { type, id });
const COMMON = 'opentelemetry.proto.common.v1';
const TRACE = 'opentelemetry.proto.trace.v1';

const descriptor = {
  nested: {
    opentelemetry: {
      nested: {
        proto: {
          nested: {
            common: {
              nested: {
                v1: {
                  nested: {
                    AnyValue: {
                      oneofs: { value: { oneof: ['stringValue', 'boolValue', 'intValue', 'doubleValue', 'arrayValue', 'kvlistValue', 'bytesValue'] } },
                      fields: {
                        stringValue: f('string', 1),
                        boolValue: f('bool', 2),
                        intValue: f('int64', 3),
                        doubleValue: f('double', 4),
                        arrayValue: f('ArrayValue', 5),
                        kvlistValue: f('KeyValueList', 6),
                        bytesValue: f('bytes', 7),
                      },
                    },
                    ArrayValue: { fields: { values: f('AnyValue', 1, true) } },
                    KeyValueList: { fields: { values: f('KeyValue', 1, true) } },
                    KeyValue: { fields: { key: f('string', 1), value: f('AnyValue', 2) } },
                    InstrumentationScope: {
                      fields: { name: f('string', 1), version: f('string', 2), attributes: f('KeyValue', 3, true), droppedAttributesCount: f('uint32', 4) },
                    },
                  },
                },
              },
            },
            resource: {
              nested: { v1: { nested: { Resource: { fields: { attributes: f(`${COMMON}.KeyValue`, 1, true), droppedAttributesCount: f('uint32', 2) } } } } },
            },
            trace: {
              nested: {
                v1: {
                  nested: {
                    TracesData: { fields: { resourceSpans: f('ResourceSpans', 1, true) } },
                    ResourceSpans: { fields: { resource: f('opentelemetry.proto.resource.v1.Resource', 1), scopeSpans: f('ScopeSpans', 2, true), schemaUrl: f('string', 3) } },
                    ScopeSpans: { fields: { scope: f(`${COMMON}.InstrumentationScope`, 1), spans: f('Span', 2, true), schemaUrl: f('string', 3) } },
                    Span: {
                      fields: {
                        traceId: f('bytes', 1),
                        spanId: f('bytes', 2),
                        traceState: f('string', 3),
                        parentSpanId: f('bytes', 4),
                        flags: f('fixed32', 16),
                        name: f('string', 5),
                        kind: f('int32', 6),
                        startTimeUnixNano: f('fixed64', 7),
                        endTimeUnixNano: f('fixed64', 8),
                        attributes: f(`${COMMON}.KeyValue`, 9, true),
                        droppedAttributesCount: f('uint32', 10),
                        events: f('Event', 11, true),
                        droppedEventsCount: f('uint32', 12),
                        links: f('Link', 13, true),
                        droppedLinksCount: f('uint32', 14),
                        status: f('Status', 15),
                      },
                      nested: {
                        Event: { fields: { timeUnixNano: f('fixed64', 1), name: f('string', 2), attributes: f(`${COMMON}.KeyValue`, 3, true), droppedAttributesCount: f('uint32', 4) } },
                        Link: {
                          fields: {
                            traceId: f('bytes', 1),
                            spanId: f('bytes', 2),
                            traceState: f('string', 3),
                            attributes: f(`${COMMON}.KeyValue`, 4, true),
                            droppedAttributesCount: f('uint32', 5),
                            flags: f('fixed32', 6),
                          },
                        },
                      },
                    },
                    Status: { fields: { message: f('string', 2), code: f('int32', 3) } },
                  },
                },
              },
            },
            collector: {
              nested: {
                trace: {
                  nested: {
                    v1: {
                      nested: {
                        ExportTraceServiceRequest: { fields: { resourceSpans: f(`${TRACE}.ResourceSpans`, 1, true) } },
                        ExportTraceServiceResponse: { fields: { partialSuccess: f('ExportTracePartialSuccess', 1) } },
                        ExportTracePartialSuccess: { fields: { rejectedSpans: f('int64', 1), errorMessage: f('string', 2) } },
                      },
                    },
                  },
                },
              },
            },
          },
        },
      },
    },
    google: { nested: { rpc: { nested: { Status: { fields: { code: f('int32', 1), message: f('string', 2) } } } } } },
  },
};

const root = protobuf.Root.fromJSON(descriptor);
export const ExportTraceServiceRequest = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse');
export const RpcStatus = root.lookupType('google.rpc.Status');

// A decoded request as plain JSON values (OTLP JSON shape, before id conversion).
type Json = Record<string, unknown>;

/**
 * Decode a protobuf ExportTraceServiceRequest into the OTLP JSON mapping: ids as lower-case hex (the OTLP
 * JSON rule, not proto3's base64), int64 times as decimal strings, enums as numbers.
 */
export function decodeTraceRequest(body: Uint8Array): Json {
  const msg = ExportTraceServiceRequest.decode(body);
  const obj = ExportTraceServiceRequest.toObject(msg, { longs: String, bytes: String, enums: Number, defaults: false, arrays: false }) as Json;
  for (const rs of (obj.resourceSpans as Json[] | undefined) ?? []) {
    for (const ss of (rs.scopeSpans as Json[] | undefined) ?? []) {
      for (const span of (ss.spans as Json[] | undefined) ?? []) {
        hexField(span, 'traceId');
        hexField(span, 'spanId');
        hexField(span, 'parentSpanId');
        for (const link of (span.links as Json[] | undefined) ?? []) {
          hexField(link, 'traceId');
          hexField(link, 'spanId');
        }
      }
    }
  }
  return obj;
}

function hexField(o: Json, key: string): void {
  const v = o[key];
  if (typeof v === 'string') {
    const hex = Buffer.from(v, 'base64').toString('hex');
    if (hex) o[key] = hex;
    else delete o[key];
  }
}
