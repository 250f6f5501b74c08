// What a typical user writes to record traces with plain OpenTelemetry: the NodeSDK, all auto-instrumentations
// with their defaults, a BatchSpanProcessor with its defaults, and an exporter writing OTLP JSON Lines to a file
// (the JavaScript SDK ships no file exporter; the OTLP JSON serializer from the SDK does the encoding).
//   node --require ./bench/overhead/plain-otel.cjs app.js      (PLAIN_OTEL_FILE=spans.jsonl)
const { createWriteStream } = require('node:fs');
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');
const { JsonTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { ExportResultCode } = require('@opentelemetry/core');

class OtlpJsonFileExporter {
  constructor(path) {
    this.out = createWriteStream(path, { flags: 'a' });
    this.exported = 0;
  }
  export(spans, done) {
    const bytes = JsonTraceSerializer.serializeRequest(spans);
    this.exported += spans.length;
    this.out.write(Buffer.from(bytes).toString('utf8') + '\n', (err) => done({ code: err ? ExportResultCode.FAILED : ExportResultCode.SUCCESS, error: err }));
  }
  shutdown() {
    return new Promise((resolve) => this.out.end(resolve));
  }
  forceFlush() {
    return Promise.resolve();
  }
}

const sdk = new NodeSDK({
  serviceName: process.env.OTEL_SERVICE_NAME ?? 'bench-app',
  spanProcessors: [new BatchSpanProcessor(new OtlpJsonFileExporter(process.env.PLAIN_OTEL_FILE ?? 'otel-spans.jsonl'))],
  instrumentations: [getNodeAutoInstrumentations()],
});
sdk.start();

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    sdk.shutdown().finally(() => process.exit(0));
  });
}
