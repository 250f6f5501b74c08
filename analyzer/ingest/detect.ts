import { isCpuProfile } from './profiles/cpuprofile.js';
import { isSpeedscope } from './profiles/speedscope.js';
import { isZeroXTicks } from './profiles/zerox.js';
import { isJaeger } from './jaeger.js';
import { isRuntimeLine } from './runtime-lines.js';
import { isZipkin } from './zipkin.js';

/** What one parsed JSON document (or JSON line) is. Decided from its content, never from the file name. */
export type DocKind = 'otlp' | 'jaeger' | 'zipkin' | 'cpuprofile' | '0x' | 'speedscope' | 'manifest' | 'runtime' | 'unknown';

export function docKind(v: unknown): DocKind {
  if (Array.isArray(v)) return isZipkin(v) ? 'zipkin' : 'unknown';
  if (!v || typeof v !== 'object') return 'unknown';
  const o = v as Record<string, unknown>;
  if (Array.isArray(o.resourceSpans)) return 'otlp';
  // Grafana Tempo's trace API answers {"batches": [ResourceSpans]}; Jaeger's api/v3 {"result": TracesData}.
  if (Array.isArray(o.batches) && (o.batches.length === 0 || isResourceSpans(o.batches[0]))) return 'otlp';
  if (o.result && typeof o.result === 'object' && Array.isArray((o.result as Record<string, unknown>).resourceSpans)) return 'otlp';
  if (isRuntimeLine(v)) return 'runtime';
  if (o.format === 'timesink-recording') return 'manifest';
  if (isJaeger(v)) return 'jaeger';
  if (isCpuProfile(v)) return 'cpuprofile';
  if (isSpeedscope(v)) return 'speedscope';
  if (isZeroXTicks(v)) return '0x';
  // An empty OTLP export ("{}") is valid: the Collector writes it for an empty batch.
  if (Object.keys(o).length === 0) return 'otlp';
  return 'unknown';
}

/** A document kind as `files[].format` names it. */
export const FORMAT_NAMES: Record<DocKind, string> = {
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

/** " (top-level keys: ...)" of a JSON object that is none of the known documents, for the message saying so. */
export function describeKeys(doc: unknown): string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return '';
  const keys = Object.keys(doc).slice(0, 5);
  return keys.length ? ` (top-level keys: ${keys.map((k) => JSON.stringify(k)).join(', ')})` : '';
}

function isResourceSpans(v: unknown): boolean {
  return !!v && typeof v === 'object' && ('scopeSpans' in v || 'instrumentationLibrarySpans' in v || 'resource' in v);
}

/** How to read a file's text, from its first bytes. */
export type TextLayout = 'jsonl' | 'json' | 'folded' | 'empty' | 'unknown';

export function firstNonBlank(head: string): number {
  let i = head.charCodeAt(0) === 0xfeff ? 1 : 0;
  for (let c = head.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = head.charCodeAt(++i));
  return i;
}

/**
 * JSON Lines when the first line is a complete JSON value by itself (one-line files included: reading them as
 * one line is the same as reading them whole); a JSON document when it starts with { or [ but the first line
 * does not parse (pretty-printed); folded stacks when the first line is "frames count".
 */
export function textLayout(head: string, ended: boolean): TextLayout {
  const start = firstNonBlank(head);
  if (start >= head.length) return ended ? 'empty' : 'unknown';
  const c = head[start];
  const nl = head.indexOf('\n', start);
  const firstLine = nl < 0 ? head.slice(start) : head.slice(start, nl);
  if (c === '{' || c === '[') {
    if (nl < 0 && !ended) return 'jsonl'; // a first line longer than the peek: one huge line
    try {
      JSON.parse(firstLine);
      return 'jsonl';
    } catch {
      return 'json';
    }
  }
  if (/^\S.*\s\d+(\.\d+)?\s*$/.test(firstLine) && !firstLine.startsWith('<')) return 'folded';
  return 'unknown';
}

/** The first characters of a file, quoted for an error message. */
export function preview(head: string): string {
  const start = firstNonBlank(head);
  const s = head.slice(start, start + 48).replace(/\s+/g, ' ').trimEnd();
  return `'${s}${head.length - start > 48 ? '…' : ''}'`;
}
