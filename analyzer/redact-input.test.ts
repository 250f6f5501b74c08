import { describe, expect, it } from 'vitest';
import { analyze } from './analyze.js';
import { redactSpans } from './redact-input.js';
import type { IngestResult } from './ingest/types.js';
import { emptyRuntime } from './model/runtime.js';
import type { Span } from './model/span.js';
import { span } from './ingest/testing/spans.js';

const OPTS = { createdAt: '2026-01-01T00:00:00.000Z' };
const B = 1_700_000_000_000_000;

/** Everything a foreign (Python) export may carry that must never reach analysis.json unredacted. */
const SECRETS = ['bob@x.com', 'hunter2', 'user:pw', 'token=abc', 'abc123secret', "'s3cr3t'", 'card=4111', 'sk_live_999', '4111'];

/**
 * A Python service's requests, each with an N+1 of 6 SELECTs whose statements carry an email literal, an HTTP call
 * whose url.full / http.url / http.target carry credentials and query tokens, a span whose NAME is the statement
 * (no db.statement), and a root whose name and target hold a query string.
 */
function foreignInput(): IngestResult {
  const spans: Span[] = [];
  for (let r = 0; r < 4; r++) {
    const traceId = (0xf00 + r).toString(16).padStart(32, '0');
    const s = B + r * 1_000_000;
    const id = (n: number): string => (r * 100 + n).toString(16).padStart(16, '0');
    const common = { traceId, service: 'py-users', language: 'python' as const };
    spans.push(
      span({
        ...common,
        spanId: id(1),
        name: 'GET /users/search?email=bob@x.com&token=abc',
        kind: 'server',
        startUs: s,
        endUs: s + 200_000,
        attributes: { 'http.request.method': 'GET', 'http.target': '/users/search?email=bob@x.com&token=abc' },
      }),
    );
    for (let i = 0; i < 6; i++) {
      spans.push(
        span({
          ...common,
          spanId: id(10 + i),
          parentSpanId: id(1),
          name: 'SELECT',
          kind: 'client',
          startUs: s + 1000 + i * 20_000,
          endUs: s + 20_000 + i * 20_000,
          attributes: { 'db.system': 'postgresql', 'db.statement': `SELECT * FROM users WHERE email = 'bob@x.com' AND id = ${1000 + i}` },
        }),
      );
    }
    spans.push(
      span({
        ...common,
        spanId: id(30),
        parentSpanId: id(1),
        name: "UPDATE accounts SET password = 'hunter2' WHERE login = 's3cr3t'",
        kind: 'client',
        startUs: s + 125_000,
        endUs: s + 140_000,
        attributes: { 'db.system': 'postgresql' },
      }),
      span({
        ...common,
        spanId: id(31),
        parentSpanId: id(1),
        name: 'POST https://user:pw@pay.example/charge?card=4111&key=sk_live_999',
        kind: 'client',
        startUs: s + 141_000,
        endUs: s + 190_000,
        attributes: {
          'http.request.method': 'POST',
          'url.full': 'https://user:pw@pay.example/charge?card=4111&key=sk_live_999',
          'http.url': 'https://user:pw@pay.example/charge?token=abc123secret',
          'http.target': '/charge?card=4111',
        },
      }),
    );
  }
  return { spans, runtime: emptyRuntime(), profiles: [], manifests: [], files: [{ path: 'py.jsonl', format: 'otlp-jsonl', spans: spans.length }], warnings: [], partial: false };
}

describe('input redaction (analyze, redact on by default)', () => {
  it('no secret of a foreign trace reaches analysis.json: titles, why, details, evidence, waterfalls, endpoints', () => {
    const input = foreignInput();
    const a = analyze(input, OPTS);
    const json = JSON.stringify(a);
    for (const secret of SECRETS) expect(json, secret).not.toContain(secret);
    expect(a.redacted).toBe(true);
    // The caller's spans are untouched.
    expect(input.spans[1].attributes['db.statement']).toContain('bob@x.com');
  });

  it('redactInPlace (the CLI) gives the same analysis, redacting the input spans themselves', () => {
    const copied = analyze(foreignInput(), OPTS);
    const input = foreignInput();
    const inPlace = analyze(input, { ...OPTS, redactInPlace: true });
    expect(JSON.stringify(inPlace)).toBe(JSON.stringify(copied));
    const statement = String(input.spans[1].attributes['db.statement']);
    expect(statement).not.toContain('bob@x.com');
    expect(statement).toContain('SELECT * FROM users WHERE email = ?');
  });

  it('N+1 detection still works on the redacted statements, and the shapes survive', () => {
    const a = analyze(foreignInput(), OPTS);
    const n1 = a.fixes.find((f) => f.detector === 'n-plus-one');
    expect(n1).toBeDefined();
    expect(n1!.affectedTraces).toBe(4);
    expect(n1!.title).toContain('SELECT * FROM users WHERE email = ? AND id = ?');
    expect(a.endpoints.map((e) => e.name)).toEqual(['GET /users/search']);
    const waterfall = JSON.stringify(a.traces);
    expect(waterfall).toContain('UPDATE accounts SET password = ? WHERE login = ?');
    expect(waterfall).toContain('https://pay.example/charge');
  });

  it('with redact: false the values are kept', () => {
    const json = JSON.stringify(analyze(foreignInput(), { ...OPTS, redact: false }));
    expect(json).toContain('bob@x.com');
    expect(json).toContain('hunter2');
    expect(json).toContain('user:pw@pay.example/charge?card=4111');
  });

  it('keeps exact-call identity: the same literal twice is a repeat, two different literals are not', () => {
    const mk = (spanId: string, statement: string, startMs: number): Span =>
      span({ spanId, parentSpanId: 'root', name: 'SELECT', kind: 'client', startUs: B + startMs * 1000, endUs: B + (startMs + 5) * 1000, attributes: { 'db.system': 'postgresql', 'db.statement': statement } });
    const root = span({ spanId: 'root', name: 'GET /x', kind: 'server', startUs: B, endUs: B + 50_000 });
    const same = analyze(
      { ...foreignInput(), spans: [root, mk('a', "SELECT * FROM t WHERE k = 'v1'", 1), mk('b', "SELECT * FROM t WHERE k = 'v1'", 10)] },
      OPTS,
    );
    expect(same.fixes.map((f) => f.detector)).toContain('repeated-call');
    const different = analyze(
      { ...foreignInput(), spans: [root, mk('a', "SELECT * FROM t WHERE k = 'v1'", 1), mk('b', "SELECT * FROM t WHERE k = 'v2'", 10)] },
      OPTS,
    );
    expect(different.fixes.map((f) => f.detector)).not.toContain('repeated-call');
    expect(JSON.stringify(same)).not.toContain('v1');
  });

  it('leaves spans with nothing to redact as they are (same objects), names that are routes included', () => {
    const plain = [
      span({ spanId: 'p1', name: 'GET /orders/:id', attributes: { 'http.route': '/orders/:id' }, startUs: B, endUs: B + 1 }),
      span({ spanId: 'p2', name: 'pg.query:SELECT', attributes: { 'db.statement': 'SELECT * FROM t WHERE id = $1' }, startUs: B, endUs: B + 1 }),
      span({ spanId: 'p3', name: 'DELETE /users/42', startUs: B, endUs: B + 1 }),
    ];
    const out = redactSpans(plain);
    out.forEach((s, i) => expect(s).toBe(plain[i]));
  });
});
