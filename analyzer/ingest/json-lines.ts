import { describeKeys } from './detect.js';
import { docKind, formatOf, readableKind, type DocKind } from './formats.js';

/**
 * What reading a run of JSON lines found. Line numbers count from the run's first line, so the two halves of a file
 * read by two threads (split-read.ts) add up with `addTallies` into what one reader would have found.
 */
export interface LinesTally {
  /** Lines read. */
  lines: number;
  /** The format of the first record. */
  format?: string;
  records: number;
  spans: number;
  /** Lines that are not JSON, or malformed runtime lines. */
  bad: number;
  firstBad?: { line: number; why: string };
  /** JSON lines of no known shape. */
  unknown: number;
  /** The first such line when no record came before it: the file is probably not traces at all. */
  unknownFirst?: { line: number; keys: string };
  /** Reading failed after this line (truncated gzip, I/O error). */
  stopped?: { afterLine: number; why: string };
}

/** Where the records of the lines go. */
export interface LineSink {
  /** A trace or profile document; returns the spans it added. */
  document(kind: Exclude<DocKind, 'unknown'>, doc: unknown): number;
  /** A recording's runtime line; false when malformed. */
  runtime(doc: unknown, line: number): boolean;
}

/**
 * Parse each line and hand it to `sink`. Stops at an unknown line before any record when `stopAtUnknownFirst`
 * (the caller then refuses the file); later unknown lines are counted. Never throws for the content.
 */
export async function tallyJsonLines(
  lines: AsyncIterable<[line: string, lineNo: number]>,
  sink: LineSink,
  stopAtUnknownFirst: boolean,
): Promise<LinesTally> {
  const t: LinesTally = { lines: 0, records: 0, spans: 0, bad: 0, unknown: 0 };
  const bad = (line: number, why: string): void => {
    if (t.bad++ === 0) t.firstBad = { line, why };
  };
  try {
    for await (const [line, lineNo] of lines) {
      t.lines = lineNo;
      if (line.length === 0 || /^\s*$/.test(line)) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
      } catch (e) {
        bad(lineNo, (e as Error).message);
        continue;
      }
      const found = docKind(doc);
      if (found === 'runtime') {
        if (!sink.runtime(doc, lineNo)) bad(lineNo, 'malformed runtime line');
        t.format ??= formatOf('runtime').name;
        continue;
      }
      // Neither traces nor a profile (a manifest, an analysis, no known shape): not what a file of lines is read for.
      const kind = readableKind(found);
      if (kind === undefined) {
        if (t.format === undefined && t.unknownFirst === undefined) {
          t.unknownFirst = { line: lineNo, keys: describeKeys(doc) };
          if (stopAtUnknownFirst) return t;
        }
        t.unknown++;
        continue;
      }
      t.format ??= formatOf(kind).name;
      t.records++;
      t.spans += sink.document(kind, doc);
    }
  } catch (e) {
    t.stopped = { afterLine: t.lines, why: (e as Error).message };
  }
  return t;
}

/** The tally of `a`'s lines followed by `b`'s. */
export function addTallies(a: LinesTally, b: LinesTally): LinesTally {
  const shift = <T extends { line: number }>(x: T | undefined): T | undefined => (x ? { ...x, line: x.line + a.lines } : undefined);
  return {
    lines: a.lines + b.lines,
    format: a.format ?? b.format,
    records: a.records + b.records,
    spans: a.spans + b.spans,
    bad: a.bad + b.bad,
    firstBad: a.firstBad ?? shift(b.firstBad),
    unknown: a.unknown + b.unknown,
    unknownFirst: a.format !== undefined ? a.unknownFirst : (a.unknownFirst ?? shift(b.unknownFirst)),
    stopped: a.stopped ?? (b.stopped ? { afterLine: b.stopped.afterLine + a.lines, why: b.stopped.why } : undefined),
  };
}
