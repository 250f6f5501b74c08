/**
 * A small, fully hand-computed input for pipeline tests (analyze, schema, format equivalence).
 * Expected numbers are derived in the comments; tests assert them.
 */
import { emptyRuntime } from '../../model/runtime.js';
import type { Profile } from '../../model/profile.js';
import type { Span } from '../../model/span.js';
import type { IngestResult } from '../../ingest/types.js';

export const B = 1_700_000_000_000_000;
export const SECRET_SQL = "SELECT * FROM orders WHERE id = 42 AND token = 'secret-token'";
export const SECRET_URL = 'https://user:pw@bank.example/charge?card=4111';

const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');

function span(p: Partial<Span> & Pick<Span, 'traceId' | 'spanId' | 'startUs' | 'endUs' | 'name'>): Span {
  return { kind: 'internal', service: 'shop', language: 'nodejs', attributes: {}, events: [], status: 'unset', links: [], ...p };
}

/**
 * shop (Node, pid 100, on-thread data): 4 × GET /orders/:id, request k at B + k·100 ms, 50 ms each:
 *   own JS [0,5) and [40,50) ms, a query [5,35) ms, nothing [35,40) ms → cpu 15, db 30, uninstrumented 5.
 *   Request 1: a 1 ms GC pause inside its own JS → gc 1, cpu 14.
 *   Request 2: untraced work [35,37) ms → queued 2, uninstrumented 3.  Request 3 fails (status error).
 * pay (Python, foreign): 2 × POST /pay, 20 ms each, an httpx call [2,12) ms → network 10, unattributed 10.
 * Totals (ms): cpu 59, gc 1, db 120, uninstrumented_wait 18, queued 2, network 20, in_process_unattributed 20;
 * critical path 240.
 */
export function sceneInput(): IngestResult {
  const spans: Span[] = [];
  for (let k = 0; k < 4; k++) {
    const s = B + k * 100_000;
    const traceId = hex(0xa0 + k, 32);
    spans.push(
      span({
        traceId,
        spanId: hex(k * 16 + 1, 16),
        name: 'GET /orders/:id',
        kind: 'server',
        startUs: s,
        endUs: s + 50_000,
        pid: 100,
        status: k === 3 ? 'error' : 'unset',
        attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id' },
        onThread: [
          { startUs: s, endUs: s + 5000 },
          { startUs: s + 40_000, endUs: s + 50_000 },
        ],
      }),
      span({
        traceId,
        spanId: hex(k * 16 + 2, 16),
        parentSpanId: hex(k * 16 + 1, 16),
        name: 'pg.query:SELECT',
        kind: 'client',
        scope: '@opentelemetry/instrumentation-pg',
        startUs: s + 5000,
        endUs: s + 35_000,
        pid: 100,
        onThread: [],
        attributes: { 'db.system': 'postgresql', 'db.statement': SECRET_SQL },
      }),
    );
  }
  for (let k = 0; k < 2; k++) {
    const s = B + 1_000_000 + k * 100_000;
    const traceId = hex(0xb0 + k, 32);
    spans.push(
      span({ traceId, spanId: hex(0x100 + k * 16 + 1, 16), name: 'POST /pay', kind: 'server', service: 'pay', language: 'python', startUs: s, endUs: s + 20_000, attributes: { 'http.method': 'POST', 'http.route': '/pay' } }),
      span({
        traceId,
        spanId: hex(0x100 + k * 16 + 2, 16),
        parentSpanId: hex(0x100 + k * 16 + 1, 16),
        name: 'POST',
        kind: 'client',
        service: 'pay',
        language: 'python',
        scope: 'opentelemetry.instrumentation.httpx',
        startUs: s + 2000,
        endUs: s + 12_000,
        attributes: { 'http.request.method': 'POST', 'url.full': SECRET_URL },
      }),
    );
  }
  const runtime = emptyRuntime();
  runtime.gc.push({ pid: 100, startUs: B + 100_000 + 1000, durationUs: 1000, kind: 'minor' });
  runtime.untracedBusy.set(100, [{ startUs: B + 200_000 + 35_000, endUs: B + 200_000 + 37_000 }]);
  for (let i = 0; i < 3; i++) {
    runtime.samples.push({
      pid: 100,
      timeUs: B + i * 100_000,
      loopDelay: { minMs: 0, meanMs: 1, p50Ms: 1, p99Ms: 2 + i, maxMs: 3 + i },
      elu: 0.2,
      cpuUserUs: 20_000,
      cpuSystemUs: 5000,
      rssBytes: 100 * 1048576,
      heapUsedBytes: 50 * 1048576,
      activeHandles: 3,
    });
  }
  return { spans, runtime, profiles: [sceneProfile()], manifests: [], files: [{ path: 'scene.jsonl', format: 'otlp-jsonl', spans: spans.length }], warnings: [], partial: false };
}

/**
 * Timed profile of pid 100. Frames: 0 main (app), 1 handler (app), 2 JSON.parse (runtime), 3 pg (dependency).
 * Samples (1 ms each): stack [0,1,2] at request 0 +1 ms (inside its cpu) and +20 ms (inside the query, off the
 * cpu path); stack [0,1] at +45 ms (cpu); stack [0,3] at +30 ms (query).
 * → JSON.parse self 2 (on critical path 1), handler self 1 (on path 1), pg self 1 (on path 0); main total 4.
 */
export function sceneProfile(): Profile {
  return {
    source: 'scene.cpuprofile',
    format: 'cpuprofile',
    pid: 100,
    timed: true,
    frames: [
      { name: 'main', file: '/app/main.js', line: 1, origin: 'app' },
      { name: 'handler', file: '/app/orders.js', line: 10, origin: 'app' },
      { name: 'JSON.parse', origin: 'runtime' },
      { name: 'query', file: '/app/node_modules/pg/lib/client.js', line: 500, origin: 'dependency' },
    ],
    stacks: [
      [0, 1, 2],
      [0, 1],
      [0, 3],
    ],
    samples: [
      { stack: 0, weightUs: 1000, timeUs: B + 1000 },
      { stack: 0, weightUs: 1000, timeUs: B + 20_000 },
      { stack: 1, weightUs: 1000, timeUs: B + 45_000 },
      { stack: 2, weightUs: 1000, timeUs: B + 30_000 },
    ],
  };
}
