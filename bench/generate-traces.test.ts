// The benchmark inputs must be what they claim: deterministic, exactly N spans, OTLP-shaped, with the patterns
// (N+1, sequential calls, several services and languages) the analyzer is supposed to find.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { OtlpKeyValue, OtlpSpan } from '../instrumentation/testing/otlp-json-reference.js';

const bench = new URL('.', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bench-gen-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface TracesData {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { scope: { name: string }; spans: OtlpSpan[] }[] }[];
}

function generate(spans: number, seed: number, name: string): string {
  const out = join(dir, name);
  execFileSync(process.execPath, [join(bench, 'generate-traces.mjs'), '--spans', String(spans), '--seed', String(seed), '--out', out]);
  return out;
}

const attr = (attrs: OtlpKeyValue[], key: string): string | undefined => {
  const v = attrs.find((a) => a.key === key)?.value;
  return v?.stringValue ?? v?.intValue;
};

describe('generate-traces', () => {
  const a = generate(3000, 7, 'a.jsonl');
  const lines = readFileSync(a, 'utf8').trimEnd().split('\n');
  const batches = lines.map((l) => JSON.parse(l) as TracesData);
  const spans = batches.flatMap((b) =>
    b.resourceSpans.flatMap((rs) =>
      rs.scopeSpans.flatMap((ss) => ss.spans.map((s) => ({ ...s, service: attr(rs.resource.attributes, 'service.name'), language: attr(rs.resource.attributes, 'telemetry.sdk.language') }))),
    ),
  );

  it('is deterministic for a seed and different for another seed', () => {
    expect(readFileSync(generate(3000, 7, 'b.jsonl'), 'utf8')).toBe(readFileSync(a, 'utf8'));
    expect(readFileSync(generate(3000, 8, 'c.jsonl'), 'utf8')).not.toBe(readFileSync(a, 'utf8'));
  });

  it('writes exactly the requested number of spans, one TracesData per line', () => {
    expect(spans).toHaveLength(3000);
    expect(lines.length).toBeGreaterThan(1);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(3000);
  });

  it('has several services in more than one language, with resource attributes', () => {
    const byService = new Map(spans.map((s) => [s.service, s.language]));
    expect([...byService.keys()].sort()).toEqual(['catalog', 'pricing', 'shop-api']);
    expect(byService.get('shop-api')).toBe('nodejs');
    expect(byService.get('catalog')).toBe('python');
  });

  it('nests children inside their parents in time, and parents exist (except in the trace cut at the limit)', () => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const lastTrace = spans.reduce((m, s) => (s.traceId > m ? s.traceId : m), '');
    let orphans = 0;
    for (const s of spans) {
      expect(BigInt(s.endTimeUnixNano) >= BigInt(s.startTimeUnixNano)).toBe(true);
      if (!s.parentSpanId) continue;
      const p = byId.get(s.parentSpanId);
      if (!p) {
        orphans++;
        expect(s.traceId).toBe(lastTrace);
        continue;
      }
      expect(p.traceId).toBe(s.traceId);
      expect(BigInt(s.startTimeUnixNano) >= BigInt(p.startTimeUnixNano)).toBe(true);
      expect(BigInt(s.endTimeUnixNano) <= BigInt(p.endTimeUnixNano)).toBe(true);
    }
    expect(orphans).toBeLessThan(100);
    // The sidecar says how many spans belong to complete traces: the rest are exactly the cut last trace.
    const meta = JSON.parse(readFileSync(a.replace(/\.jsonl$/, '.meta.json'), 'utf8')) as { spans: number; spansInCompleteTraces: number };
    expect(meta.spans).toBe(3000);
    expect(spans.filter((s) => s.traceId === lastTrace)).toHaveLength(3000 - meta.spansInCompleteTraces);
  });

  it('has PostgreSQL, Redis and HTTP client spans with semantic-convention attributes', () => {
    const db = spans.filter((s) => attr(s.attributes, 'db.system') === 'postgresql');
    const redis = spans.filter((s) => attr(s.attributes, 'db.system') === 'redis');
    const httpClient = spans.filter((s) => s.kind === 3 && attr(s.attributes, 'url.full'));
    expect(db.length).toBeGreaterThan(100);
    expect(db.every((s) => attr(s.attributes, 'db.statement'))).toBe(true);
    expect(redis.length).toBeGreaterThan(10);
    expect(httpClient.length).toBeGreaterThan(10);
    expect(spans.filter((s) => s.kind === 2).every((s) => attr(s.attributes, 'http.route'))).toBe(true);
  });

  it('contains N+1 loops: one parent with many sequential identical queries', () => {
    const children = new Map<string, OtlpSpan[]>();
    for (const s of spans) if (s.parentSpanId) children.set(s.parentSpanId, [...(children.get(s.parentSpanId) ?? []), s]);
    let found = 0;
    for (const kids of children.values()) {
      const items = kids.filter((k) => attr(k.attributes, 'db.statement')?.startsWith('SELECT sku, qty')).sort((x, y) => Number(BigInt(x.startTimeUnixNano) - BigInt(y.startTimeUnixNano)));
      if (items.length < 5) continue;
      // Sequential: each starts after the previous ended.
      for (let i = 1; i < items.length; i++) expect(BigInt(items[i].startTimeUnixNano) >= BigInt(items[i - 1].endTimeUnixNano)).toBe(true);
      found++;
    }
    expect(found).toBeGreaterThan(5);
  });

  it('is counted exactly by the floor reader', () => {
    const out = execFileSync(process.execPath, [join(bench, 'floor.mjs'), a], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual({ files: 1, lines: lines.length, spans: 3000 });
  });
});
