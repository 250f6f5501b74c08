import { basename } from 'node:path';
import type { ClockMapping, RuntimeLine } from '../../format/recording.js';
import type { Span } from '../model/span.js';
import { newAccumulator, type Accumulator } from './accumulator.js';
import { addTallies, tallyJsonLines, type LineSink, type LinesTally } from './json-lines.js';
import { DEFAULT_SPLIT_MIN_BYTES, planSplit, readTailInWorker, type TailLines } from './split-read.js';
import { newContext, type ConvertContext } from './context.js';
import { describeKeys, firstNonBlank, preview, textLayout } from './detect.js';
import { docKind, formatOf, readableKind, TRACE_FORMAT_LIST, type DocKind } from './formats.js';
import { FoldedReader } from './profiles/folded.js';
import { addRuntimeLine } from './runtime-lines.js';
import { PeekableText, textChunks } from './text-stream.js';
import { InputError } from './types.js';

/** Single-document JSON files are parsed whole; beyond this they must be JSON Lines (V8 strings stop near 512 M chars). */
export const MAX_JSON_DOCUMENT_CHARS = 500 * 1024 * 1024;
const PEEK_CHARS = 64 * 1024;

/** Enough text to decide the layout: 64 K characters, or a complete first non-blank line. */
function hasFirstLine(head: string): boolean {
  if (head.length >= PEEK_CHARS) return true;
  const start = firstNonBlank(head);
  return start < head.length && head.indexOf('\n', start) >= 0;
}

export interface ReadFileOptions {
  /** A file found while walking a directory: unrecognized content is skipped with a warning, not an error. */
  discovered: boolean;
  /** Clock mapping of the recording the file belongs to (for profile timestamps). */
  clockFor?: (pid: number | undefined) => ClockMapping | undefined;
  /** JSON Lines files of at least this many bytes are read by two threads (split-read.ts); default 64 MiB. */
  splitMinBytes?: number;
}

/** Read one file of any supported format into `acc`. Returns the detected format, or undefined if skipped. */
export async function readFile(path: string, acc: Accumulator, opts: ReadFileOptions): Promise<string | undefined> {
  // A split is planned before reading, so that this thread's stream stops at it; it is dropped if the file turns
  // out not to be JSON Lines.
  const splitAt = await planSplit(path, opts.splitMinBytes ?? DEFAULT_SPLIT_MIN_BYTES);
  const text = new PeekableText(textChunks(path, acc.onBytes, splitAt === undefined ? undefined : { end: splitAt - 1 }));
  try {
    return await readText(text, path, acc, opts, splitAt);
  } finally {
    await text.close();
  }
}

async function readText(text: PeekableText, path: string, acc: Accumulator, opts: ReadFileOptions, splitAt: number | undefined): Promise<string | undefined> {
  const name = basename(path);
  let peeked: { head: string; ended: boolean };
  try {
    peeked = await text.peek(hasFirstLine);
  } catch (e) {
    throw new InputError(`${name}: cannot read: ${(e as Error).message}`, path);
  }
  const layout = textLayout(peeked.head, peeked.ended);
  if (splitAt !== undefined && layout !== 'jsonl') {
    await text.close();
    return readFile(path, acc, { ...opts, splitMinBytes: Number.POSITIVE_INFINITY });
  }
  const ctx = newContext(path, acc.warnings, acc.interner);
  const notTraces = `${name}: not ${TRACE_FORMAT_LIST} JSON, nor a profile: starts with ${preview(peeked.head)}`;
  if (layout === 'empty') {
    // An empty span file in a recording is normal (nothing was exported yet); named explicitly, it is a mistake.
    if (!opts.discovered) throw new InputError(`${name}: the file is empty`, path);
    acc.files.push({ path, format: 'empty', spans: 0 });
    return 'empty';
  }
  if (layout === 'unknown') return skipOrThrow(notTraces, path, acc, opts);
  if (layout === 'folded') return readFolded(text, path, acc);
  if (layout === 'json') {
    let doc: unknown;
    try {
      const all = await text.all(
        MAX_JSON_DOCUMENT_CHARS,
        () => `${name}: a single JSON document larger than 500 MB; export it as JSON Lines (one object per line) instead`,
      );
      doc = JSON.parse(all.charCodeAt(0) === 0xfeff ? all.slice(1) : all);
    } catch (e) {
      if (e instanceof RangeError && e.message.startsWith(name)) throw new InputError(e.message, path);
      const why = e instanceof SyntaxError ? `invalid JSON (${e.message})` : `cannot read: ${(e as Error).message}`;
      // A recognisable start that breaks later is a truncated file: nothing of a single document is usable.
      if (opts.discovered) acc.partial = true;
      return skipOrThrow(`${name}: ${why}; starts with ${preview(peeked.head)}`, path, acc, opts);
    }
    const kind = readableKind(docKind(doc));
    if (kind === undefined) return skipOrThrow(`${notTraces}${describeKeys(doc)}`, path, acc, opts);
    const spans = addDocument(kind, doc, ctx, acc, path, opts);
    const format = formatOf(kind).name;
    acc.files.push({ path, format, spans });
    return format;
  }
  return readJsonLines(text, path, acc, ctx, opts, splitAt);
}

function skipOrThrow(message: string, path: string, acc: Accumulator, opts: ReadFileOptions): undefined {
  if (!opts.discovered) throw new InputError(message, path);
  acc.warnings.add('skipped-file', message, path);
  return undefined;
}

/** Dispatch one parsed document to its format's reader (formats.ts); returns the number of spans added. */
function addDocument(kind: Exclude<DocKind, 'unknown'>, doc: unknown, ctx: ConvertContext, acc: Accumulator, path: string, opts: ReadFileOptions): number {
  const add = formatOf(kind).add;
  return add ? add(doc, { ctx, spans: acc.spans, profiles: acc.profiles, path, clockFor: opts.clockFor }) : 0;
}

async function readJsonLines(
  text: PeekableText,
  path: string,
  acc: Accumulator,
  ctx: ConvertContext,
  opts: ReadFileOptions,
  splitAt: number | undefined,
): Promise<string | undefined> {
  const name = basename(path);
  // Started first, so that both halves are read at once.
  const tail = splitAt === undefined ? undefined : readTailInWorker(path, splitAt, acc.onBytes);
  const sink: LineSink = {
    document: (kind, doc) => addDocument(kind, doc, ctx, acc, path, opts),
    runtime: (doc) => addRuntimeLine(doc as RuntimeLine, acc.runtime),
  };
  let t: LinesTally;
  try {
    t = await tallyJsonLines(text.lines(), sink, !opts.discovered);
  } catch (e) {
    tail?.cancel();
    throw e;
  }
  if (tail && splitAt !== undefined) {
    // One reader would have stopped where this half did: the second half is not wanted then.
    if (t.stopped || (t.unknownFirst && !opts.discovered)) tail.cancel();
    else t = addTallies(t, addTail(await tailOrReadHere(tail.result, path, splitAt), acc));
  }
  if (t.unknownFirst && !opts.discovered) {
    throw new InputError(`${name}: line ${t.unknownFirst.line} is JSON but not ${TRACE_FORMAT_LIST}${t.unknownFirst.keys}`, path);
  }
  if (t.stopped) {
    // A truncated gzip or an I/O error midway: keep what was read.
    acc.warnings.add('truncated-file', `${name}: reading stopped after line ${t.stopped.afterLine}: ${t.stopped.why}; the lines before it are used`, path);
  }
  let partial = t.stopped !== undefined;
  if (t.format === undefined && !partial && t.bad === 0 && t.unknown > 0) {
    return skipOrThrow(`${name}: JSON Lines, but not ${TRACE_FORMAT_LIST}`, path, acc, opts);
  }
  if (t.bad > 0) {
    partial = true;
    const first = t.firstBad ? `line ${t.firstBad.line}: ${t.firstBad.why}` : '';
    acc.warnings.add('bad-line', `${name}: ${t.bad} line(s) could not be read and were skipped (first at ${first})`, path, t.bad);
  }
  if (t.unknown > 0) acc.warnings.add('unknown-line', `${name}: ${t.unknown} JSON line(s) of an unknown shape were skipped`, path, t.unknown);
  if (partial) acc.partial = true;
  // A one-record file is a plain JSON document written on one line; several records make JSON Lines.
  let format = t.format;
  if (format?.endsWith('-json') && t.records > 1) format += 'l';
  const entry: Accumulator['files'][number] = { path, format: format ?? 'jsonl', spans: t.spans };
  if (partial) entry.partial = true;
  acc.files.push(entry);
  return entry.format;
}

/** The worker's half, or, if the worker failed, the same half read on this thread. */
export async function tailOrReadHere(worker: Promise<TailLines & { spans: Span[] }>, path: string, from: number): Promise<TailLines & { spans: Span[] }> {
  try {
    return await worker;
  } catch {
    const spans: Span[] = [];
    const tail = await readLinesFrom(path, from, () => undefined, (batch) => {
      for (const s of batch) spans.push(s);
    });
    return { ...tail, spans };
  }
}

/** Add the second half's spans, runtime lines, profiles and warnings after the first half's. */
function addTail(tail: TailLines & { spans: Span[] }, acc: Accumulator): LinesTally {
  for (const s of tail.spans) acc.spans.push(s);
  for (const line of tail.runtime) addRuntimeLine(line as RuntimeLine, acc.runtime);
  for (const p of tail.profiles) acc.profiles.push(p);
  for (const w of tail.warnings) acc.warnings.add(w.code, w.message, w.file, w.count ?? 1);
  return tail.tally;
}

/** Spans handed over per batch by readLinesFrom. */
const TAIL_BATCH = 8192;

/**
 * The JSON lines of `path` from byte `from` on (a line start), read into an accumulator of their own: the second
 * reader of a split file (tail-worker.ts). Spans are handed to `onSpans` in batches, in file order.
 */
export async function readLinesFrom(path: string, from: number, onBytes: (n: number) => void, onSpans: (spans: Span[]) => void): Promise<TailLines> {
  const acc = newAccumulator(onBytes);
  const ctx = newContext(path, acc.warnings, acc.interner);
  const runtime: unknown[] = [];
  const flush = (): void => {
    if (acc.spans.length === 0) return;
    onSpans(acc.spans);
    acc.spans = [];
  };
  const text = new PeekableText(textChunks(path, onBytes, { start: from }));
  try {
    const tally = await tallyJsonLines(
      text.lines(),
      {
        document: (kind, doc) => {
          const n = addDocument(kind, doc, ctx, acc, path, { discovered: true });
          if (acc.spans.length >= TAIL_BATCH) flush();
          return n;
        },
        runtime: (doc) => {
          if (!addRuntimeLine(doc as RuntimeLine, acc.runtime)) return false;
          runtime.push(doc);
          return true;
        },
      },
      false,
    );
    flush();
    return { tally, warnings: acc.warnings.list(), runtime, profiles: acc.profiles };
  } finally {
    await text.close();
  }
}

async function readFolded(text: PeekableText, path: string, acc: Accumulator): Promise<string> {
  const reader = new FoldedReader(path);
  try {
    for await (const [line, lineNo] of text.lines()) reader.line(line, lineNo);
  } catch (e) {
    acc.partial = true;
    acc.warnings.add('truncated-file', `${basename(path)}: reading stopped: ${(e as Error).message}; the lines before it are used`, path);
  }
  if (reader.bad > 0) {
    acc.partial = true;
    acc.warnings.add('bad-line', `${basename(path)}: ${reader.bad} line(s) are not "frames count" (first at line ${reader.firstBadLine})`, path, reader.bad);
  }
  acc.profiles.push(reader.result());
  acc.files.push({ path, format: 'folded', spans: 0 });
  return 'folded';
}
