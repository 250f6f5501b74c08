import type { SpanClass } from '../../model/categories.js';
import { stringAttr, type Span } from '../../model/span.js';
import { statementOf as statementIn } from '../../../format/redact.js';
import { classifySpan } from '../../classify/classify.js';
import { statementTemplate, urlTemplate } from '../../accounting/operation-key.js';
import { exactIdentityOf } from './exact-identity.js';


export function classOf(s: Span): SpanClass {
  return s.class ?? classifySpan(s);
}

/** Waits on something outside the process that a code change can batch, parallelise or cache. */
export const IO_CLASSES: ReadonlySet<SpanClass> = new Set<SpanClass>(['db', 'network', 'fs', 'cache', 'messaging']);

export function isIo(s: Span): boolean {
  return IO_CLASSES.has(classOf(s));
}

export function statementOf(s: Span): string | undefined {
  return statementIn(s.attributes);
}

export function urlOf(s: Span): string | undefined {
  const a = s.attributes;
  const full = stringAttr(a['url.full']) ?? stringAttr(a['http.url']);
  if (full) return full;
  const host = stringAttr(a['server.address']) ?? stringAttr(a['net.peer.name']) ?? stringAttr(a['http.host']);
  const path = stringAttr(a['url.path']) ?? stringAttr(a['http.target']);
  return host && path ? `${host}${path}` : undefined;
}

export function methodOf(s: Span): string | undefined {
  return (stringAttr(s.attributes['http.request.method']) ?? stringAttr(s.attributes['http.method']))?.toUpperCase();
}

/** The host (and port) a client span talks to, when the attributes say. */
export function hostOf(s: Span): string | undefined {
  const a = s.attributes;
  const host = stringAttr(a['server.address']) ?? stringAttr(a['net.peer.name']) ?? stringAttr(a['net.host.name']);
  const port = a['server.port'] ?? a['net.peer.port'];
  if (host) return port !== undefined && port !== null ? `${host}:${String(port)}` : host;
  const url = urlOf(s);
  const m = url ? /^(?:[a-z]+:\/\/)?(?:[^@/]*@)?([^/?#]+)/i.exec(url) : null;
  return m ? m[1] : undefined;
}

/**
 * The *shape* of a call, literals stripped: `SELECT * FROM t WHERE id = ?`, `GET api/users/*`, `GET user:?`.
 * Two calls with the same template under one parent are the same operation in a loop (N+1).
 */
export function callTemplate(s: Span): string {
  return (s.template ??= templateOf(s));
}

function templateOf(s: Span): string {
  const cls = classOf(s);
  const sql = statementOf(s);
  if (sql) return joined(cls, undefined, statementTemplate(sql));
  const url = urlOf(s);
  if (url) return joined(cls, methodOf(s) ?? '', urlTemplate(url));
  return joined(cls, undefined, statementTemplate(s.name));
}

// Detectors ask for the template of every span, several times each: the joined strings are memoized on their parts
// (class, method, template), so a million spans do not allocate a million equal strings per detector.
// Bounded like the template memos it sits on.
const JOINED_LIMIT = 50_000;
const STATEMENT = '\u0000'; // the method slot of statement templates (no method)
const joinedMemo = new Map<string, Map<string, Map<string, string>>>();
let joinedSize = 0;
function joined(cls: string, method: string | undefined, template: string): string {
  let byMethod = joinedMemo.get(cls);
  if (!byMethod) joinedMemo.set(cls, (byMethod = new Map()));
  let byTemplate = byMethod.get(method ?? STATEMENT);
  if (!byTemplate) byMethod.set(method ?? STATEMENT, (byTemplate = new Map()));
  let out = byTemplate.get(template);
  if (out === undefined) {
    out = method === undefined ? `${cls} ${template}` : `${cls} ${method} ${template}`.replace(/\s+/g, ' ');
    if (joinedSize >= JOINED_LIMIT) {
      joinedMemo.clear();
      joinedSize = 0;
    }
    byTemplate.set(template, out);
    joinedSize++;
  }
  return out;
}

/** Placeholders ($1, ?, :name, %s) make a statement's text say nothing about the values actually sent. */
const PLACEHOLDER = /\$\d+|\?|(?<![:\w]):[a-z_]\w*|%s|@p\d+/i;

/**
 * The *identity* of a call, including its values: same statement text with literals and the same parameters, or
 * the same full URL. Undefined when we cannot know the values (placeholders without recorded parameters).
 */
export function exactCall(s: Span): string | undefined {
  return exactIdentityOf(s) ?? exactCallOf(s);
}

/** exactCall computed from the span's own attributes (before any redaction, when called by redact-input). */
export function exactCallOf(s: Span): string | undefined {
  const cls = classOf(s);
  const sql = statementOf(s);
  if (sql) {
    // Asked of every I/O read: the parameter keys are collected without an array of every key, and the statement's
    // placeholder test and whitespace normalisation are remembered per statement text.
    const a = s.attributes;
    let keys: string[] | undefined;
    for (const k in a) if (k.startsWith('db.query.parameter.') || k === 'db.statement.parameters' || k === 'db.operation.parameters') (keys ??= []).push(k);
    if (!keys && hasPlaceholder(sql)) return undefined;
    const params = keys ? keys.sort().map((k) => `${k}=${JSON.stringify(a[k])}`) : [];
    return `${cls} ${normalizedSql(sql)} ${params.join('&')}`;
  }
  const url = urlOf(s);
  if (url) return `${cls} ${methodOf(s) ?? ''} ${url}`;
  return undefined;
}

const placeholderMemo = new Map<string, boolean>();
function hasPlaceholder(sql: string): boolean {
  let hit = placeholderMemo.get(sql);
  if (hit === undefined) {
    hit = PLACEHOLDER.test(sql);
    if (placeholderMemo.size >= JOINED_LIMIT) placeholderMemo.clear();
    placeholderMemo.set(sql, hit);
  }
  return hit;
}

const normalizedMemo = new Map<string, string>();
function normalizedSql(sql: string): string {
  let out = normalizedMemo.get(sql);
  if (out === undefined) {
    out = sql.replace(/\s+/g, ' ').trim();
    if (normalizedMemo.size >= JOINED_LIMIT) normalizedMemo.clear();
    normalizedMemo.set(sql, out);
  }
  return out;
}

/** Reads can be reordered and run together; writes carry ordering the trace cannot see. */
export function isRead(s: Span): boolean {
  const sql = statementOf(s);
  if (sql) return isReadStatement(sql);
  const method = methodOf(s);
  if (method) return method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  const op = (stringAttr(s.attributes['db.operation.name']) ?? stringAttr(s.attributes['db.operation']) ?? s.name).toLowerCase();
  return /^(?:get|mget|hget|hgetall|exists|ttl|smembers|lrange|zrange|find|findone|read|readfile|stat|lstat|access|readdir|open|query)\b/.test(
    op.replace(/^fs\s+/, ''),
  );
}

// Statements repeat across spans and detectors: each distinct text is tested once (bounded like the other memos).
const readStatementMemo = new Map<string, boolean>();
function isReadStatement(sql: string): boolean {
  let read = readStatementMemo.get(sql);
  if (read === undefined) {
    read = /^\s*(?:\(?\s*select|with\b[\s\S]*\bselect\b(?![\s\S]*\b(?:insert|update|delete)\b)|show|explain)/i.test(sql) && !/\bfor\s+(?:update|share)\b/i.test(sql);
    if (readStatementMemo.size >= JOINED_LIMIT) readStatementMemo.clear();
    readStatementMemo.set(sql, read);
  }
  return read;
}

/** "file:line" of the code that issued the span, from timesink's own attribute or OpenTelemetry code.* keys. */
export function codeLocation(s: Span): string | undefined {
  const a = s.attributes;
  const own = stringAttr(a['timesink.code_location']);
  if (own) return own.replace(/^(.*:\d+):\d+$/, '$1');
  const file = stringAttr(a['code.file.path']) ?? stringAttr(a['code.filepath']);
  const line = a['code.line.number'] ?? a['code.lineno'];
  if (file) return typeof line === 'number' || typeof line === 'string' ? `${file}:${line}` : file;
  return undefined;
}

/** A short, redacted label of what the call is (statement template or URL template), for titles. */
export function callLabel(s: Span, max = 80): string {
  const sql = statementOf(s);
  const label = sql ? statementTemplate(sql) : urlOf(s) ? `${methodOf(s) ?? ''} ${urlTemplate(urlOf(s)!)}`.trim() : s.name;
  return label.length > max ? `${label.slice(0, max - 1)}…` : label;
}

export function durationUs(s: Span): number {
  return Math.max(0, s.endUs - s.startUs);
}

/**
 * The first code location among the spans (the loop's or the handler's call site); when none of them carries one
 * (the recorder samples locations), the first that `fallback` finds for one of them.
 */
export function locationOf(spans: readonly Span[], fallback?: (s: Span) => string | undefined): string | undefined {
  for (const s of spans) {
    const loc = codeLocation(s);
    if (loc) return loc;
  }
  if (fallback) {
    for (const s of spans) {
      const loc = fallback(s);
      if (loc) return loc;
    }
  }
  return undefined;
}
