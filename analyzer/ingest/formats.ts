import { basename } from 'node:path';
import type { ClockMapping } from '../../format/recording.js';
import type { Profile } from '../model/profile.js';
import type { Span } from '../model/span.js';
import type { ConvertContext } from './context.js';
import { convertJaeger, isJaeger } from './jaeger.js';
import { convertOtlp, isOtlp } from './otlp.js';
import { convertCpuProfile, isCpuProfile } from './profiles/cpuprofile.js';
import { convertSpeedscope, isSpeedscope } from './profiles/speedscope.js';
import { convertZeroX, isZeroXTicks, pidFromIsolateName } from './profiles/zerox.js';
import { isRuntimeLine } from './runtime-lines.js';
import { convertZipkin, isZipkin } from './zipkin.js';

/** Where a document's content goes, and what a converter may need to know about its file. */
export interface DocumentTarget {
  ctx: ConvertContext;
  spans: Span[];
  profiles: Profile[];
  path: string;
  /** Clock mapping of the recording the file belongs to (for profile timestamps). */
  clockFor?: (pid: number | undefined) => ClockMapping | undefined;
}

/**
 * What a JSON document is for. `traces` and `profile` are what `analyze` reads from any file; `recording` documents
 * belong to a recording directory and are read with it (runtime lines, the manifest); `analysis` is timesink's own
 * output, which `diff` reads and `analyze` does not.
 */
export type DocumentRole = 'traces' | 'profile' | 'recording' | 'analysis';

export interface DocumentFormat<Kind extends string = string> {
  kind: Kind;
  /** Its name in `files[].format` (a file of several documents, one per line, adds an `l`: otlp-jsonl). */
  name: string;
  role: DocumentRole;
  /** How messages name a trace format ("not OTLP, Jaeger or Zipkin"). */
  label?: string;
  /** What docs/formats.md's detection table says it is read as. */
  description: string;
  /** Is this parsed JSON value such a document? Asked in the registry's order: the first yes decides. */
  sniff(doc: unknown): boolean;
  /** How a file of it starts, where its first bytes decide it without parsing the whole file. */
  head?: RegExp;
  /** Add the document's spans or profiles to `into`; returns the spans added. Absent: not read from a file. */
  add?(doc: unknown, into: DocumentTarget): number;
}

const format = <Kind extends string>(f: DocumentFormat<Kind>): DocumentFormat<Kind> => f;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

const otlp = format({
  kind: 'otlp',
  name: 'otlp-json',
  role: 'traces',
  label: 'OTLP',
  description: 'OTLP JSON `TracesData` / `ExportTraceServiceRequest`',
  sniff: isOtlp,
  add: (doc, into) => convertOtlp(doc, into.ctx, into.spans),
});

const runtime = format({
  kind: 'runtime',
  name: 'timesink-runtime',
  role: 'recording',
  description: "a recording's runtime lines",
  sniff: (v) => isObject(v) && isRuntimeLine(v),
});

const manifest = format({
  kind: 'manifest',
  name: 'timesink-manifest',
  role: 'recording',
  description: "a recording's manifest.json (read with its directory)",
  sniff: (v) => isObject(v) && v.format === 'timesink-recording',
});

const jaeger = format({
  kind: 'jaeger',
  name: 'jaeger-json',
  role: 'traces',
  label: 'Jaeger',
  description: 'Jaeger JSON (UI download / query API)',
  sniff: isJaeger,
  add: (doc, into) => convertJaeger(doc, into.ctx, into.spans),
});

const zipkin = format({
  kind: 'zipkin',
  name: 'zipkin-json',
  role: 'traces',
  label: 'Zipkin',
  description: 'Zipkin v2 JSON',
  sniff: isZipkin,
  add: (doc, into) => convertZipkin(doc, into.ctx, into.spans),
});

const cpuprofile = format({
  kind: 'cpuprofile',
  name: 'cpuprofile',
  role: 'profile',
  description: 'V8 `.cpuprofile`',
  sniff: (v) => isObject(v) && isCpuProfile(v),
  add: (doc, into) => {
    const pid = pidFromCpuProfileName(into.path);
    into.profiles.push(convertCpuProfile(doc as Parameters<typeof convertCpuProfile>[0], into.path, pid, into.clockFor?.(pid)?.profileOffsetUs));
    return 0;
  },
});

const speedscope = format({
  kind: 'speedscope',
  name: 'speedscope',
  role: 'profile',
  description: 'speedscope (py-spy `--format speedscope`)',
  sniff: (v) => isObject(v) && isSpeedscope(v),
  add: (doc, into) => {
    into.profiles.push(...convertSpeedscope(doc as Parameters<typeof convertSpeedscope>[0], into.path));
    return 0;
  },
});

const zeroX = format({
  kind: '0x',
  name: '0x',
  role: 'profile',
  description: '0x / `node --prof-process --preprocess` tick log',
  sniff: (v) => isObject(v) && isZeroXTicks(v),
  add: (doc, into) => {
    const pid = pidFromIsolateName(into.path);
    into.profiles.push(convertZeroX(doc as Parameters<typeof convertZeroX>[0], into.path, pid, into.clockFor?.(pid)?.profileOffsetUs));
    return 0;
  },
});

const analysis = format({
  kind: 'analysis',
  name: 'timesink-analysis',
  role: 'analysis',
  description: "timesink's own analysis.json (`diff` reads it; `analyze` does not)",
  sniff: (v) => isObject(v) && typeof v.schemaVersion === 'number' && Array.isArray(v.fixes),
  // analyze writes the version first: a trace export never starts so.
  head: /^\s*\{\s*"schemaVersion"\s*:/,
});

/**
 * Every kind of JSON document timesink recognizes, in the order they are asked (speedscope's `src/import/` is the
 * model: one importer per format, one dispatch list). The detection, `files[].format`, the readers' dispatch and
 * the messages that list the trace formats all come from here; docs/formats.md's detection table is tested against
 * it (formats.test.ts). Adding a format: its converter file, one entry here, its test, its docs row.
 */
export const DOCUMENT_FORMATS = [otlp, runtime, manifest, jaeger, cpuprofile, speedscope, zeroX, zipkin, analysis] as const;

/** What one parsed JSON document (or JSON line) is. Decided from its content, never from the file name. */
export type DocKind = (typeof DOCUMENT_FORMATS)[number]['kind'] | 'unknown';

export function docKind(v: unknown): DocKind {
  for (const f of DOCUMENT_FORMATS) if (f.sniff(v)) return f.kind;
  return 'unknown';
}

/** The registry's entry for a recognized kind. */
export function formatOf(kind: Exclude<DocKind, 'unknown'>): DocumentFormat {
  return DOCUMENT_FORMATS.find((f) => f.kind === kind)!;
}

/** The kind a file starting with `head` is, when its first bytes decide it (see DocumentFormat.head). */
export function kindOfHead(head: string): Exclude<DocKind, 'unknown'> | undefined {
  return DOCUMENT_FORMATS.find((f) => f.head?.test(head))?.kind;
}

/** The kind of a document `analyze` reads from a file (traces or a profile), or undefined for any other. */
export function readableKind(kind: DocKind): Exclude<DocKind, 'unknown'> | undefined {
  if (kind === 'unknown') return undefined;
  return formatOf(kind).add ? kind : undefined;
}

/** The trace formats' labels, in registry order: ["OTLP", "Jaeger", "Zipkin"]. */
export const TRACE_FORMAT_LABELS: readonly string[] = DOCUMENT_FORMATS.flatMap((f) => (f.role === 'traces' && f.label ? [f.label] : []));

/** "OTLP, Jaeger or Zipkin": the trace formats, as the messages about a file that is none of them list them. */
export const TRACE_FORMAT_LIST = orList(TRACE_FORMAT_LABELS);

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

/** `<pid>.cpuprofile` or node's `CPU.<date>.<time>.<pid>.<tid>.<seq>.cpuprofile`. */
function pidFromCpuProfileName(path: string): number | undefined {
  const b = basename(path);
  const m = /^(\d+)\.cpuprofile$/.exec(b) ?? /^CPU\.\d+\.\d+\.(\d+)\.\d+\.\d+\.cpuprofile$/.exec(b);
  return m ? Number(m[1]) : undefined;
}
