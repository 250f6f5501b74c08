import type { Attributes, Span } from './model/span.js';
import { dbSystemOf, redactAttribute, redactSql, redactUrl } from '../format/redact.js';
import { exactCallOf } from './detectors/support/spans.js';
import { rememberExactIdentity } from './detectors/support/exact-identity.js';

/**
 * Redaction of the input, once, before anything reads it: every title, why-sentence, detail, evidence label,
 * waterfall attribute and endpoint name is then built from redacted text, for foreign traces too (a timesink
 * recording is already redacted at the source; redacting it again changes nothing).
 *
 * Only the attributes whose text is shown are touched (statements and URLs: literals, credentials, query
 * strings), and span names that are a statement or hold a URL. Spans that change are copied: the caller's
 * spans are left as they were.
 */
export function redactSpans(spans: readonly Span[]): Span[] {
  const out = new Array<Span>(spans.length);
  for (let i = 0; i < spans.length; i++) out[i] = redactSpan(spans[i]);
  return out;
}

/**
 * The keys whose text reaches the output (titles, details, waterfalls, endpoint names): statements and URLs.
 * Parameter, header and body keys are only ever compared, never shown, so they are left for exactCall.
 */
const SENSITIVE_KEYS = ['db.statement', 'db.query.text', 'url.full', 'http.url', 'http.target', 'url.path', 'server.url', 'db.connection_string'];

function redactSpan(s: Span): Span {
  const a = s.attributes;
  let attrs: Attributes | undefined;
  let system: string | undefined | null = null; // looked up on the first sensitive key only
  for (const key of SENSITIVE_KEYS) {
    const before = a[key];
    if (typeof before !== 'string') continue;
    if (system === null) system = dbSystemOf(a);
    const after = memoized(key, before, system);
    if (after === before) continue;
    attrs ??= { ...a };
    if (after === undefined) delete attrs[key];
    else attrs[key] = after as Attributes[string];
  }
  const name = redactName(s.name);
  if (!attrs && name === s.name) return s;
  const copy: Span = { ...s, name, attributes: attrs ?? a };
  // What repeated-call compares ("the same call with the same values"), taken before the values go, as a hash.
  const identity = exactCallOf(s);
  if (identity !== undefined) rememberExactIdentity(copy, `#${hash(identity)}`);
  return copy;
}

// Statements and URLs repeat across a million spans: redact each distinct value once (bounded). Nested maps on
// (key, db system, value) rather than a joined key string, which would allocate per span.
const MEMO_LIMIT = 50_000;
const memo = new Map<string, Map<string, Map<string, unknown>>>();
let memoSize = 0;
function memoized(key: string, value: string, system: string | undefined): unknown {
  let bySystem = memo.get(key);
  if (!bySystem) memo.set(key, (bySystem = new Map()));
  let byValue = bySystem.get(system ?? '');
  if (!byValue) bySystem.set(system ?? '', (byValue = new Map()));
  if (byValue.has(value)) return byValue.get(value);
  const out = redactAttribute(key, value, system);
  if (memoSize >= MEMO_LIMIT) {
    memo.clear();
    memoSize = 0;
  }
  byValue.set(value, out);
  memoSize++;
  return out;
}

/** A statement as the span name (some SQL instrumentations do this). */
const SQL_NAME =
  /^\s*(?:select|with|insert|replace|merge|upsert|call|exec|execute|values|show|explain)\b|\bselect\b[\s\S]*\bfrom\b|\binsert\s+into\b|\bupdate\b[\s\S]*\bset\b|\bdelete\s+from\b/i;
/** A URL with credentials, a query or a fragment inside a name ("GET https://u:p@host/p?token=…"). */
const URL_IN_NAME = /[^\s]*(?::\/\/[^\s]*@|[?#])[^\s]*/g;

const nameMemo = new Map<string, string>();
function redactName(name: string): string {
  let out = nameMemo.get(name);
  if (out === undefined) {
    out = SQL_NAME.test(name) ? redactSql(name) : name.replace(URL_IN_NAME, (token) => redactUrl(token));
    if (nameMemo.size >= MEMO_LIMIT) nameMemo.clear();
    nameMemo.set(name, out);
  }
  return out;
}

/** 53-bit FNV-1a-style hash (two 32-bit lanes): an identity, not a secret-keeping digest. */
function hash(text: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  return ((h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) & 0x1fffff)).toString(36);
}
