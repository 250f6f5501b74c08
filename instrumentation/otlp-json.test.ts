import { describe, expect, it } from 'vitest';
import { addEncodedSpan, attributesJson, hrTimeToNanos, scopeJson, usToNanos, valueJson, writeEncodedTracesData, type EncodedScopeBatch } from './otlp-json.js';
import { tracesDataLine } from './testing/otlp-json-reference.js';
import { LineBuffer } from './line-buffer.js';

describe('OTLP JSON encoding', () => {
  it('writes int64 as decimal strings and keeps doubles, bools and arrays', () => {
    expect(JSON.parse(valueJson(42))).toEqual({ intValue: '42' });
    expect(JSON.parse(valueJson(1.5))).toEqual({ doubleValue: 1.5 });
    expect(JSON.parse(valueJson(Number.NaN))).toEqual({ stringValue: 'NaN' });
    expect(JSON.parse(valueJson(true))).toEqual({ boolValue: true });
    expect(JSON.parse(valueJson('a"b\n'))).toEqual({ stringValue: 'a"b\n' });
    expect(JSON.parse(valueJson(['a', 1]))).toEqual({ arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } });
  });

  it('redacts attributes while serialising when asked to', () => {
    const attrs = { 'db.system': 'postgresql', 'db.statement': "SELECT 'x'", 'url.query': 'a=1' };
    expect(JSON.parse(attributesJson(attrs, true, [['extra', 1]]))).toEqual([
      { key: 'db.system', value: { stringValue: 'postgresql' } },
      { key: 'db.statement', value: { stringValue: 'SELECT ?' } },
      { key: 'extra', value: { intValue: '1' } },
    ]);
    expect(JSON.parse(attributesJson(attrs, false))).toHaveLength(3);
  });

  it('redacts a repeated statement the same way each time, and by its database system (cached per text)', () => {
    const sql = "SELECT * FROM t WHERE name = 'alice'";
    for (let i = 0; i < 3; i++) {
      expect(JSON.parse(attributesJson({ 'db.system': 'postgresql', 'db.statement': sql }, true))[1].value.stringValue).toBe('SELECT * FROM t WHERE name = ?');
    }
    // The same text from a key-value store keeps only the command: the cache must not answer with the SQL form.
    expect(JSON.parse(attributesJson({ 'db.system': 'redis', 'db.statement': sql }, true))[1].value.stringValue).toBe('SELECT ?');
    expect(JSON.parse(attributesJson({ 'db.system': 'postgresql', 'db.statement': sql }, false))[1].value.stringValue).toBe(sql);
  });

  it('converts times to nanosecond strings (µs precision for our own clock)', () => {
    expect(hrTimeToNanos([1795456297, 5])).toBe('1795456297000000005');
    expect(usToNanos(1795456297573936.2)).toBe('1795456297573936000');
    expect(usToNanos(10.9999)).toBe('11000');
  });

  it('writes spans encoded as they ended as the same bytes, and empties the batches', () => {
    const spans = ['{"spanId":"a","name":"é€"}', '{"spanId":"b"}', '{"spanId":"c"}'];
    const encoded: EncodedScopeBatch[] = [
      { scopeJson: scopeJson('a', '1'), count: 0, bytes: new LineBuffer(16) },
      { scopeJson: scopeJson('b'), count: 0, bytes: new LineBuffer(16) },
      { scopeJson: scopeJson('c'), count: 0, bytes: new LineBuffer(16) },
    ];
    addEncodedSpan(encoded[0]!, spans[0]!);
    addEncodedSpan(encoded[0]!, spans[1]!);
    addEncodedSpan(encoded[1]!, spans[2]!);
    const out = new LineBuffer();
    writeEncodedTracesData(out, '[]', encoded);
    const expected = tracesDataLine('[]', [
      { scopeJson: scopeJson('a', '1'), spans: [spans[0]!, spans[1]!] },
      { scopeJson: scopeJson('b'), spans: [spans[2]!] },
      { scopeJson: scopeJson('c'), spans: [] },
    ]);
    expect(out.take().toString('utf8')).toBe(expected);
    expect(encoded.map((b) => [b.count, b.bytes.length])).toEqual([[0, 0], [0, 0], [0, 0]]);
    writeEncodedTracesData(out, '[]', encoded);
    expect(out.take().toString('utf8')).toBe('{"resourceSpans":[{"resource":{"attributes":[]},"scopeSpans":[]}]}\n');
  });

  it('writes one TracesData line with a scope per batch', () => {
    const span = '{"spanId":"s"}';
    const line = tracesDataLine('[]', [
      { scopeJson: scopeJson('a', '1'), spans: [span, span] },
      { scopeJson: scopeJson('b'), spans: [span] },
      { scopeJson: scopeJson('c'), spans: [] },
    ]);
    expect(line.endsWith('\n')).toBe(true);
    const data = JSON.parse(line) as { resourceSpans: { scopeSpans: { scope: { name: string; version?: string }; spans: unknown[] }[] }[] };
    expect(data.resourceSpans).toHaveLength(1);
    expect(data.resourceSpans[0]!.scopeSpans.map((s) => [s.scope.name, s.scope.version, s.spans.length])).toEqual([
      ['a', '1', 2],
      ['b', undefined, 1],
    ]);
  });
});
