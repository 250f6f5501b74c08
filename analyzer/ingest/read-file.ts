import { basename } from 'node:path';
import type { ClockMapping } from '../../format/recording.js';
import type { Accumulator } from './accumulator.js';
import { newContext, type ConvertContext } from './context.js';
import { docKind, firstNonBlank, preview, textLayout, type DocKind } from './detect.js';
import { convertJaeger } from './jaeger.js';
import { convertOtlp } from './otlp.js';
import { convertCpuProfile } from './profiles/cpuprofile.js';
import { FoldedReader } from './profiles/folded.js';
import { convertSpeedscope } from './profiles/speedscope.js';
import { convertZeroX, pidFromIsolateName } from './profiles/zerox.js';
import { addRuntimeLine } from './runtime-lines.js';
import { PeekableText, textChunks } from './text-stream.js';
import { InputError } from './types.js';
import { convertZipkin } from './zipkin.js';

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
}

const FORMAT_NAMES: Record<DocKind, string> = {
  otlp: 'otlp-json',
  jaeger: 'jaeger-json',
  zipkin: 'zipkin-json',
  cpuprofile: 'cpuprofile',
  '0x': '0x',
  speedscope: 'speedscope',
  manifest: 'timesink-manifest',
  runtime: 'timesink-runtime',
  unknown: 'unknown',
};

/** Read one file of any supported format into `acc`. Returns the detected format, or undefined if skipped. */
export async function readFile(path: string, acc: Accumulator, opts: ReadFileOptions): Promise<string | undefined> {
  const text = new PeekableText(textChunks(path, acc.onBytes));
  try {
    return await readText(text, path, acc, opts);
  } finally {
    await text.close();
  }
}

async function readText(text: PeekableText, path: string, acc: Accumulator, opts: ReadFileOptions): Promise<string | undefined> {
  const name = basename(path);
  let peeked: { head: string; ended: boolean };
  try {
    peeked = await text.peek(hasFirstLine);
  } catch (e) {
    throw new InputError(`${name}: cannot read: ${(e as Error).message}`, path);
  }
  const layout = textLayout(peeked.head, peeked.ended);
  const ctx = newContext(path, acc.warnings, acc.interner);
  const notTraces = `${name}: not OTLP, Jaeger or Zipkin JSON, nor a profile: starts with ${preview(peeked.head)}`;
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
    const kind = docKind(doc);
    if (kind === 'unknown' || kind === 'runtime' || kind === 'manifest') {
      return skipOrThrow(`${notTraces}${describeKeys(doc)}`, path, acc, opts);
    }
    const spans = addDocument(kind, doc, ctx, acc, path, opts);
    acc.files.push({ path, format: FORMAT_NAMES[kind], spans });
    return FORMAT_NAMES[kind];
  }
  return readJsonLines(text, path, acc, ctx, opts);
}

function skipOrThrow(message: string, path: string, acc: Accumulator, opts: ReadFileOptions): undefined {
  if (!opts.discovered) throw new InputError(message, path);
  acc.warnings.add('skipped-file', message, path);
  return undefined;
}

function describeKeys(doc: unknown): string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return '';
  const keys = Object.keys(doc).slice(0, 5);
  return keys.length ? ` (top-level keys: ${keys.map((k) => JSON.stringify(k)).join(', ')})` : '';
}

/** Dispatch one parsed document; returns the number of spans added. */
function addDocument(kind: DocKind, doc: unknown, ctx: ConvertContext, acc: Accumulator, path: string, opts: ReadFileOptions): number {
  switch (kind) {
    case 'otlp':
      return convertOtlp(doc, ctx, acc.spans);
    case 'jaeger':
      return convertJaeger(doc, ctx, acc.spans);
    case 'zipkin':
      return convertZipkin(doc, ctx, acc.spans);
    case 'cpuprofile': {
      const pid = pidFromName(path);
      acc.profiles.push(convertCpuProfile(doc as Parameters<typeof convertCpuProfile>[0], path, pid, opts.clockFor?.(pid)?.profileOffsetUs));
      return 0;
    }
    case '0x': {
      const pid = pidFromIsolateName(path);
      acc.profiles.push(convertZeroX(doc as Parameters<typeof convertZeroX>[0], path, pid, opts.clockFor?.(pid)?.profileOffsetUs));
      return 0;
    }
    case 'speedscope':
      acc.profiles.push(...convertSpeedscope(doc as Parameters<typeof convertSpeedscope>[0], path));
      return 0;
    default:
      return 0;
  }
}

/** `<pid>.cpuprofile` or node's `CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`. */
function pidFromName(path: string): number | undefined {
  const b = basename(path);
  const m = /^(\d+)\.cpuprofile$/.exec(b) ?? /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(b);
  return m ? Number(m[1]) : undefined;
}

async function readJsonLines(text: PeekableText, path: string, acc: Accumulator, ctx: ConvertContext, opts: ReadFileOptions): Promise<string | undefined> {
  const name = basename(path);
  let spans = 0;
  let format: string | undefined;
  let bad = 0;
  let firstBad = '';
  let unknown = 0;
  let partial = false;
  let lastLine = 0;
  let records = 0;
  try {
    for await (const [line, lineNo] of text.lines()) {
      lastLine = lineNo;
      if (line.length === 0 || /^\s*$/.test(line)) continue;
      let doc: unknown;
      try {
        doc = JSON.parse(lineNo === 1 && line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
      } catch (e) {
        if (bad++ === 0) firstBad = `line ${lineNo}: ${(e as Error).message}`;
        continue;
      }
      const kind = docKind(doc);
      if (kind === 'runtime') {
        if (!addRuntimeLine(doc as Parameters<typeof addRuntimeLine>[0], acc.runtime) && bad++ === 0) firstBad = `line ${lineNo}: malformed runtime line`;
        format ??= 'timesink-runtime';
        continue;
      }
      if (kind === 'unknown' || kind === 'manifest') {
        if (format === undefined && !opts.discovered) {
          throw new InputError(`${name}: line ${lineNo} is JSON but not OTLP, Jaeger or Zipkin${describeKeys(doc)}`, path);
        }
        unknown++;
        continue;
      }
      format ??= FORMAT_NAMES[kind];
      records++;
      spans += addDocument(kind, doc, ctx, acc, path, opts);
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    // A truncated gzip or an I/O error midway: keep what was read.
    partial = true;
    acc.warnings.add('truncated-file', `${name}: reading stopped after line ${lastLine}: ${(e as Error).message}; the lines before it are used`, path);
  }
  if (format === undefined && !partial && bad === 0 && unknown > 0) {
    return skipOrThrow(`${name}: JSON Lines, but not OTLP, Jaeger or Zipkin`, path, acc, opts);
  }
  if (bad > 0) {
    partial = true;
    acc.warnings.add('bad-line', `${name}: ${bad} line(s) could not be read and were skipped (first at ${firstBad})`, path, bad);
  }
  if (unknown > 0) acc.warnings.add('unknown-line', `${name}: ${unknown} JSON line(s) of an unknown shape were skipped`, path, unknown);
  if (partial) acc.partial = true;
  // A one-record file is a plain JSON document written on one line; several records make JSON Lines.
  if (format?.endsWith('-json') && records > 1) format += 'l';
  const entry: Accumulator['files'][number] = { path, format: format ?? 'jsonl', spans };
  if (partial) entry.partial = true;
  acc.files.push(entry);
  return entry.format;
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
