import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addTallies, tallyJsonLines, type LineSink } from './json-lines.js';
import type { DocKind } from './formats.js';

const OTLP = JSON.stringify({ resourceSpans: [] });
const ZIPKIN = JSON.stringify([{ traceId: 'a1', id: 'b2', timestamp: 1, duration: 1 }]);
const RUNTIME = JSON.stringify({ t: 'gc', ts: 1, pid: 1, kind: 'minor', durationUs: 5 });
const BAD_RUNTIME = JSON.stringify({ t: 'sample', ts: 1 });
const NOT_JSON = '{"resourceSpans": [';
const UNKNOWN = JSON.stringify({ hello: 'world' });
const LINES = [OTLP, ZIPKIN, RUNTIME, BAD_RUNTIME, NOT_JSON, UNKNOWN, '', '   '];

/** A sink that records what it was handed; documents count as one span each. */
function recorder(): LineSink & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    document(kind: DocKind) {
      seen.push(kind);
      return 1;
    },
    runtime(doc: unknown, line: number) {
      seen.push(`runtime@${line}`);
      return (doc as { t: string }).t !== 'sample';
    },
  };
}

async function* numbered(lines: string[]): AsyncGenerator<[string, number]> {
  let n = 0;
  for (const l of lines) yield [l, ++n];
}

describe('JSON Lines tally', () => {
  it('counts records, bad lines (first one named) and unknown shapes', async () => {
    const t = await tallyJsonLines(numbered([OTLP, NOT_JSON, UNKNOWN, '', ZIPKIN, BAD_RUNTIME]), recorder(), false);
    expect(t).toEqual({
      lines: 6,
      format: 'otlp-json',
      records: 2,
      spans: 2,
      bad: 2,
      firstBad: { line: 2, why: expect.stringMatching(/JSON/) },
      unknown: 1,
    });
  });

  it('stops at an unknown first line when asked, naming it and its keys', async () => {
    const sink = recorder();
    const t = await tallyJsonLines(numbered(['', UNKNOWN, OTLP]), sink, true);
    expect(t.unknownFirst).toEqual({ line: 2, keys: ' (top-level keys: "hello")' });
    expect(sink.seen).toEqual([]);
  });

  it('a read error ends the tally with what came before', async () => {
    async function* broken(): AsyncGenerator<[string, number]> {
      yield [OTLP, 1];
      throw new Error('unexpected end of file');
    }
    const t = await tallyJsonLines(broken(), recorder(), false);
    expect(t.stopped).toEqual({ afterLine: 1, why: 'unexpected end of file' });
    expect(t.records).toBe(1);
  });

  it('two halves cut at any line add up to the whole (what a split read relies on)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...LINES), { maxLength: 12 }), fc.nat(), async (lines, cut) => {
        const at = lines.length === 0 ? 0 : cut % (lines.length + 1);
        const whole = recorder();
        const first = recorder();
        const second = recorder();
        const expected = await tallyJsonLines(numbered(lines), whole, false);
        const a = await tallyJsonLines(numbered(lines.slice(0, at)), first, false);
        const b = await tallyJsonLines(numbered(lines.slice(at)), second, false);
        expect(addTallies(a, b)).toEqual(expected);
        // The same documents in the same order; runtime lines by their own half's numbers.
        const kinds = (seen: string[]) => seen.map((s) => s.replace(/@\d+$/, ''));
        expect([...kinds(first.seen), ...kinds(second.seen)]).toEqual(kinds(whole.seen));
      }),
      { numRuns: 400 },
    );
  });
});
