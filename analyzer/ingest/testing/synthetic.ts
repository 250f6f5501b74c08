/**
 * Test/bench helper: write a large OTLP JSON Lines file quickly (no Span objects in memory), shaped like
 * what OpenTelemetry JS exports: batches of spans, each with a handful of attributes.
 */
import { openSync, writeSync, closeSync } from 'node:fs';

export function writeSyntheticOtlpJsonl(path: string, spans: number, perLine = 512): void {
  const fd = openSync(path, 'w');
  const t0 = 1_700_000_000_000_000_000n;
  let written = 0;
  let trace = 0;
  while (written < spans) {
    const batch: unknown[] = [];
    const n = Math.min(perLine, spans - written);
    for (let i = 0; i < n; i++, written++) {
      // 10 spans per trace: one server root, nine children.
      if (written % 10 === 0) trace++;
      const idx = written % 10;
      const start = t0 + BigInt(trace) * 1_000_000_000n + BigInt(idx) * 1_000_000n;
      batch.push({
        traceId: trace.toString(16).padStart(32, '0'),
        spanId: (written + 1).toString(16).padStart(16, '0'),
        ...(idx === 0 ? {} : { parentSpanId: (written - idx + 1).toString(16).padStart(16, '0') }),
        name: idx === 0 ? 'GET /orders/:id' : 'SELECT orders',
        kind: idx === 0 ? 2 : 3,
        startTimeUnixNano: start.toString(),
        endTimeUnixNano: (start + (idx === 0 ? 50_000_000n : 2_000_000n)).toString(),
        attributes: [
          { key: 'db.system', value: { stringValue: 'postgresql' } },
          { key: 'db.statement', value: { stringValue: 'SELECT * FROM orders WHERE id = $1' } },
          { key: 'net.peer.port', value: { intValue: 5432 } },
          { key: 'timesink.start_us', value: { intValue: Number(start / 1000n) } },
          { key: 'timesink.duration_us', value: { intValue: idx === 0 ? 50_000 : 2_000 } },
          { key: 'timesink.slices', value: { stringValue: '0:120,1500:80' } },
        ],
        events: [],
        links: [],
        status: { code: 0 },
      });
    }
    const line = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'orders' } }, { key: 'telemetry.sdk.language', value: { stringValue: 'nodejs' } }, { key: 'process.pid', value: { intValue: 42 } }] },
          scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-pg', version: '0.76.0' }, spans: batch }],
        },
      ],
    };
    writeSync(fd, JSON.stringify(line) + '\n');
  }
  closeSync(fd);
}
