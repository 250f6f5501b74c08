/**
 * The lean span sources in a real process, on Node 20 and Node 24: diagnostics-channel HTTP server, http client and
 * fetch spans and the pg wrappers, with the right parents and times; W3C trace context read from the incoming request
 * and written into outgoing ones; a user's manual span parented under them; and the OpenTelemetry fallback
 * (TIMESINK_INSTRUMENTATIONS=otel) giving the same tree with the same span names and classifier attributes.
 */
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../../format/recording.js';
import { FIXTURES, NODE24, REGISTER_CJS, readSpans, runNode, tempDir, type FlatSpan } from '../testing/support.js';

const APP = path.join(FIXTURES, 'lean-app.cjs');
const SERVER = 2;
const CLIENT = 3;

const node24 = fs.existsSync(NODE24) && spawnSync(NODE24, ['--version'], { encoding: 'utf8' }).stdout?.startsWith('v24.');

interface Facts {
  incoming: { traceId: string; parentId: string };
  received: Record<string, string | undefined>;
}

async function record(instrumentations: 'lean' | 'otel', node?: string): Promise<{ spans: FlatSpan[]; facts: Facts }> {
  const dir = tempDir();
  const run = await runNode(['--require', REGISTER_CJS, APP], { env: { TIMESINK_OUT: dir, TIMESINK_INSTRUMENTATIONS: instrumentations }, node });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { spans: readSpans(dir), facts: JSON.parse(run.stdout.trim()) as Facts };
}

const startOf = (s: FlatSpan): number => s.attrs[ATTR.startUs] as number;
const endOf = (s: FlatSpan): number => startOf(s) + (s.attrs[ATTR.durationUs] as number);

/** The request's tree, checked the same way whoever made the spans. */
function checkTree(spans: FlatSpan[], facts: Facts, fetchEndsAtBody = true): Record<string, FlatSpan> {
  const server = spans.find((s) => s.kind === SERVER && s.attrs['url.path'] === '/orders/17')!;
  expect(server).toBeDefined();
  // Trace context in: the incoming traceparent is the server span's parent.
  expect(server.traceId).toBe(facts.incoming.traceId);
  expect(server.parentSpanId).toBe(facts.incoming.parentId);
  expect(server.name).toBe('GET');
  expect(server.attrs['http.request.method']).toBe('GET');
  expect(server.attrs['http.response.status_code']).toBe(200);

  const children = spans.filter((s) => s.parentSpanId === server.spanId);
  const one = (test: (s: FlatSpan) => boolean, what: string): FlatSpan => {
    const found = children.filter(test);
    expect(found.map((s) => s.name), what).toHaveLength(1);
    return found[0]!;
  };
  const query = one((s) => s.name === 'pg.query:SELECT test', 'pg query');
  expect(query.kind).toBe(CLIENT);
  expect(query.attrs['db.system.name']).toBe('postgresql');
  expect(query.attrs['db.query.text']).toBe('SELECT $1::int AS x');
  const checkout = one((s) => s.name === 'pg-pool.connect', 'pool checkout');
  const manual = one((s) => s.name === 'manual-step', 'manual span');
  const fetchSpan = one((s) => s.kind === CLIENT && String(s.attrs['url.full']).endsWith('/by-fetch'), 'fetch');
  const httpSpan = one((s) => s.kind === CLIENT && String(s.attrs['url.full']).endsWith('/by-http'), 'http.get');
  for (const s of [fetchSpan, httpSpan]) {
    expect(s.attrs['http.request.method']).toBe('GET');
    expect(s.attrs['http.response.status_code']).toBe(200);
  }
  // Trace context out: each outgoing request carried its own client span as the parent, and the leaf server's span
  // is that span's child.
  expect(facts.received['/by-fetch']).toBe(`00-${server.traceId}-${fetchSpan.spanId}-01`);
  expect(facts.received['/by-http']).toBe(`00-${server.traceId}-${httpSpan.spanId}-01`);
  for (const [client, p] of [[fetchSpan, '/by-fetch'], [httpSpan, '/by-http']] as const) {
    const leaf = spans.find((s) => s.kind === SERVER && s.attrs['url.path'] === p)!;
    expect(leaf.parentSpanId).toBe(client.spanId);
    // The client waited for the whole response: it starts before the leaf's span and ends after it (the body end,
    // not the response headers).
    expect(startOf(client), `${p} client starts before the leaf`).toBeLessThanOrEqual(startOf(leaf));
    expect(endOf(client), `${p} client ends after the leaf`).toBeGreaterThanOrEqual(endOf(leaf));
  }
  // In order, inside the server span.
  const order = [checkout, query, manual, fetchSpan, httpSpan];
  // OpenTelemetry's undici instrumentation can end the fetch span after the caller has moved on (seen: 10 ms into
  // the next request); the lean one ends it when the body has been read.
  for (let i = 1; i < order.length; i++) if (fetchEndsAtBody || order[i - 1] !== fetchSpan) expect(startOf(order[i]!), `${order[i]!.name} after ${order[i - 1]!.name}`).toBeGreaterThanOrEqual(endOf(order[i - 1]!) - 1);
  for (const s of order) {
    expect(startOf(s), `${s.name} inside the server span`).toBeGreaterThanOrEqual(startOf(server));
    expect(endOf(s), `${s.name} inside the server span`).toBeLessThanOrEqual(endOf(server));
  }
  // The manual span waited ~5 ms on a timer.
  expect(endOf(manual) - startOf(manual)).toBeGreaterThanOrEqual(4_500);
  // The server span's own JavaScript is measured (on-thread time) like any span's.
  expect(server.attrs[ATTR.onThreadUs] as number).toBeGreaterThan(0);
  return { server, query, checkout, manual, fetchSpan, httpSpan };
}

function checkLean(run: { spans: FlatSpan[]; facts: Facts }): void {
  const tree = checkTree(run.spans, run.facts);
  checkAborted(run.spans);
  expect(tree.server!.scope).toBe('timesink/instrumentation-http');
  expect(tree.query!.scope).toBe('timesink/instrumentation-pg');
  expect(tree.fetchSpan!.scope).toBe('timesink/instrumentation-undici');
  // The query's code location is the app's line, as with OpenTelemetry's pg instrumentation.
  expect(String(tree.query!.attrs[ATTR.location])).toContain('lean-app.cjs:');
}

/** A request whose client went away before any answer: its server span ends then, as failed (not left open). */
function checkAborted(spans: FlatSpan[]): void {
  const hung = spans.find((s) => s.kind === SERVER && s.attrs['url.path'] === '/hang');
  expect(hung).toBeDefined();
  expect(hung!.attrs[ATTR.unfinished]).toBeUndefined();
  expect(hung!.status.code).toBe(2);
}

describe('lean span sources', () => {
  it('record HTTP in and out, fetch, pg and a manual span with the right parents, times and trace context (Node 20)', async () => {
    checkLean(await record('lean'));
  });

  it.skipIf(!node24)('do the same on Node 24', async () => {
    checkLean(await record('lean', NODE24));
  });

  it('give the same tree, span names and classifier attributes as the OpenTelemetry fallback', async () => {
    const [lean, otel] = await Promise.all([record('lean'), record('otel')]);
    const l = checkTree(lean.spans, lean.facts);
    const o = checkTree(otel.spans, otel.facts, false);
    expect(o.server!.scope).toBe('@opentelemetry/instrumentation-http');
    expect(o.query!.scope).toBe('@opentelemetry/instrumentation-pg');
    for (const key of Object.keys(l)) {
      expect(l[key]!.name, key).toBe(o[key]!.name);
      expect(l[key]!.kind, key).toBe(o[key]!.kind);
    }
    // Every attribute the classifier and the endpoint grouping read, where the fallback has it, the lean span has too.
    // (url.path names a server root's endpoint and the peer its connection; url.full and server.address classify
    // client spans.)
    const READ = ['http.request.method', 'http.route', 'db.system.name', 'db.query.text', 'http.response.status_code'];
    for (const key of Object.keys(l)) {
      for (const a of l[key]!.kind === CLIENT ? [...READ, 'url.full', 'server.address'] : [...READ, 'url.path', 'network.peer.address', 'network.peer.port']) {
        if (o[key]!.attrs[a] === undefined) continue;
        expect(l[key]!.attrs[a], `${key} ${a}`).toBeDefined();
      }
    }
  });
});
