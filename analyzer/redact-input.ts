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
 * strings), and span names that are a statement or hold a URL. Spans that change are copied, so the caller's spans
 * are left as they were, unless `inPlace`: a caller that drops its spans after the analysis (the CLI) spares a copy
 * of every changed span (a fifth of a million-span recording) that the collector would carry through the analysis.
 */
export function redactSpans(spans: Span[], inPlace = false): Span[] {
  if (inPlace) {
    for (const s of spans) redactSpan(s, true);
    return spans;
  }
  const out = new Array<Span>(spans.length);
  for (let i = 0; i < spans.length; i++) out[i] = redactSpan(spans[i], false);
  return out;
}

/**
 * The keys whose text reaches the output (titles, details, waterfalls, endpoint names): statements and URLs.
 * Parameter, header and body keys are only ever compared, never shown, so they are left for exactCall.
 */
const SENSITIVE_KEYS: ReadonlySet<string> = new Set([
  'db.statement',
  'db.query.text',
  'url.full',
  'http.url',
  'http.target',
  'url.path',
  'server.url',
  'db.connection_string',
]);

function redactSpan(s: Span, inPlace: boolean): Span {
  const a = s.attributes;
  // Redacted values are collected first: the exact-call identity below is taken from the values as they were.
  let changed: [key: string, after: unknown][] | undefined;
  let system: string | undefined | null = null; // looked up on the first sensitive key only
  // The span's own keys against the set (a handful each), not eight lookups of mostly absent keys per span.
  for (const key in a) {
    if (!SENSITIVE_KEYS.has(key)) continue;
    const before = a[key];
    if (typeof before !== 'string') continue;
    if (system === null) system = dbSystemOf(a);
    const after = memoized(key, before, system);
    if (after === before) continue;
    (changed ??= []).push([key, after]);
  }
  const name = redactName(s.name);
  if (!changed && name === s.name) return s;
  // What repeated-call compares ("the same call with the same values"), taken before the values go, as a hash.
  const identity = exactCallOf(s);
  const attrs = changed && !inPlace ? { ...a } : a;
  if (changed) {
    for (const [key, after] of changed) {
      if (after === undefined) delete attrs[key];
      else attrs[key] = after as Attributes[string];
    }
  }
  const out = inPlace ? s : { ...s, attributes: attrs };
  out.name = name;
  if (identity !== undefined) rememberExactIdentity(out, `#${hash(identity)}`);
  return out;
}

// Statements and URLs repeat across a million spans: redact each distinct value once (bounded). Nested maps on
// (key, db system, value) rather than a joined key string, which would allocate per span. Values of one key and
// system that almost never repeat (cache keys, URLs with ids) only churn the memo: after enough lookups with few hits,
// that key and system are redacted without it.
const MEMO_LIMIT = 50_000;
const MEMO_TRIAL = 4096;
interface ValueMemo {
  values: Map<string, unknown>;
  lookups: number;
  hits: number;
  off: boolean;
}
const memo = new Map<string, Map<string, ValueMemo>>();
let memoSize = 0;
function memoized(key: string, value: string, system: string | undefined): unknown {
  let bySystem = memo.get(key);
  if (!bySystem) memo.set(key, (bySystem = new Map()));
  let m = bySystem.get(system ?? '');
  if (!m) bySystem.set(system ?? '', (m = { values: new Map(), lookups: 0, hits: 0, off: false }));
  if (m.off) return redactAttribute(key, value, system);
  m.lookups++;
  if (m.values.has(value)) {
    m.hits++;
    return m.values.get(value);
  }
  const out = redactAttribute(key, value, system);
  if (m.lookups >= MEMO_TRIAL && m.hits * 8 < m.lookups) {
    m.off = true;
    memoSize -= m.values.size;
    m.values.clear();
    return out;
  }
  if (memoSize >= MEMO_LIMIT) {
    memo.clear();
    memoSize = 0;
  }
  m.values.set(value, out);
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
  // Written as nine printable characters of 6 bits each (hi: 26 bits, lo: 27 bits): the same one-to-one image of
  // the 53-bit value as base 36 gave, without Number#toString(36), which cost more than hashing the text.
  const hi = h1 >>> 6; // (h1 * 2^21 + (h2 & 0x1fffff)) / 2^27, floored
  const lo = ((h1 & 63) << 21) | (h2 & 0x1fffff);
  return String.fromCharCode(
    48 + (hi >>> 21),
    48 + ((hi >>> 15) & 63),
    48 + ((hi >>> 9) & 63),
    48 + ((hi >>> 3) & 63),
    48 + (((hi & 7) << 3) | (lo >>> 24)),
    48 + ((lo >>> 18) & 63),
    48 + ((lo >>> 12) & 63),
    48 + ((lo >>> 6) & 63),
    48 + (lo & 63),
  );
}
