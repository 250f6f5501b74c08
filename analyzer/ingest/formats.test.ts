import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DOCUMENT_FORMATS, docKind, formatOf, kindOfHead, readableKind, TRACE_FORMAT_LIST, type DocKind } from './formats.js';
import { analyze } from '../analyze.js';
import { sceneInput } from '../aggregate/testing/scene.js';

/** One small document of each kind, as the tools that write them do. */
const EXAMPLES: [Exclude<DocKind, 'unknown'>, unknown][] = [
  ['otlp', { resourceSpans: [] }],
  ['otlp', {}],
  ['otlp', { batches: [{ resource: {}, scopeSpans: [] }] }],
  ['otlp', { result: { resourceSpans: [] } }],
  ['runtime', { t: 'gc', ts: 1, pid: 1, kind: 'minor', durationUs: 5 }],
  ['manifest', { format: 'timesink-recording', version: 1 }],
  ['jaeger', { data: [{ traceID: 'a1', spans: [], processes: {} }] }],
  ['jaeger', { traceID: 'a1', spans: [], processes: {} }],
  ['cpuprofile', { nodes: [], startTime: 0, endTime: 1, samples: [], timeDeltas: [] }],
  ['speedscope', { shared: { frames: [] }, profiles: [] }],
  ['0x', { code: [], ticks: [] }],
  ['zipkin', [{ traceId: 'a1', id: 'b2', timestamp: 1, duration: 1 }]],
  ['zipkin', []],
  ['analysis', JSON.parse(JSON.stringify(analyze(sceneInput())))],
];

describe('the formats registry', () => {
  it('recognizes one document of each kind as that kind, and nothing else as any', () => {
    for (const [kind, doc] of EXAMPLES) expect(docKind(doc), JSON.stringify(doc).slice(0, 60)).toBe(kind);
    for (const doc of [null, 3, 'text', [1, 2], [{ id: 'b2' }], { hello: 'world' }, { batches: [1] }, { t: 'gc' }]) expect(docKind(doc)).toBe('unknown');
    // Every kind in the registry has an example above.
    expect(new Set(EXAMPLES.map(([k]) => k))).toEqual(new Set(DOCUMENT_FORMATS.map((f) => f.kind)));
  });

  it("lets each example fit its own format's test only: detection does not hang on the order", () => {
    for (const [kind, doc] of EXAMPLES) {
      expect(DOCUMENT_FORMATS.filter((f) => f.sniff(doc)).map((f) => f.kind), kind).toEqual([kind]);
    }
  });

  it('has one kind and one files[].format name per entry; exactly the traces and profiles have a reader', () => {
    expect(new Set(DOCUMENT_FORMATS.map((f) => f.kind)).size).toBe(DOCUMENT_FORMATS.length);
    expect(new Set(DOCUMENT_FORMATS.map((f) => f.name)).size).toBe(DOCUMENT_FORMATS.length);
    for (const f of DOCUMENT_FORMATS) {
      expect(f.add !== undefined, f.kind).toBe(f.role === 'traces' || f.role === 'profile');
      expect(readableKind(f.kind), f.kind).toBe(f.add ? f.kind : undefined);
      expect(formatOf(f.kind)).toBe(f);
      // A trace format is named in the messages about files that are none of them.
      if (f.role === 'traces') expect(f.label, f.kind).toBeTruthy();
    }
    expect(readableKind('unknown')).toBeUndefined();
  });

  it('names the trace formats in the messages about a file that is none of them', () => {
    expect(TRACE_FORMAT_LIST).toBe('OTLP, Jaeger or Zipkin');
  });

  it('tells an analysis.json from a trace export by its first bytes, as analyze writes it to a file or to stdout', () => {
    const analysis = EXAMPLES.find(([k]) => k === 'analysis')![1];
    expect(kindOfHead(JSON.stringify(analysis, null, 2).slice(0, 256))).toBe('analysis');
    expect(kindOfHead(JSON.stringify(analysis).slice(0, 256))).toBe('analysis');
    for (const [kind, doc] of EXAMPLES) if (kind !== 'analysis') expect(kindOfHead(JSON.stringify(doc, null, 2)), kind).toBeUndefined();
  });

  it('is what docs/formats.md says, row for row, in the order the shapes are asked', () => {
    const doc = readFileSync(new URL('../../docs/formats.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('|---|---|---|'), doc.indexOf('## Traces'));
    // "| shape | read as | `name` |" (the shape column may hold an escaped "\|").
    const rows = [...table.matchAll(/^\|.*\| ([^|]+) \| `([^`]+)` \|$/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(DOCUMENT_FORMATS.map((f) => [f.description, f.name]));
  });
});
