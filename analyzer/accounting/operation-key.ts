import { stringAttr, type Span } from '../model/span.js';
import { redactUrl, statementOf } from '../../format/redact.js';


// Statements and URLs repeat across a million spans; memoizing the pure template functions saves most of the
// regex work. Bounded so an input of all-distinct values cannot grow them without limit.
const MEMO_LIMIT = 50_000;
const sqlMemo = new Map<string, string>();
const urlMemo = new Map<string, string>();
function remember(memo: Map<string, string>, key: string, value: string): void {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
}

/**
 * A statement with its literals replaced, so `WHERE id = 7` and `WHERE id = 8` are the same operation.
 * Only a grouping key, never shown (format/redact.ts does the careful redaction for output); regexes keep it
 * cheap on a million spans.
 */
export function statementTemplate(sql: string): string {
  let t = sqlMemo.get(sql);
  if (t === undefined) {
    t = sql
      .replace(/'(?:[^'\\]|\\.|'')*'/g, '?')
      .replace(/\b\d+(?:\.\d+)?\b/g, '?')
      .replace(/\s+/g, ' ')
      .trim();
    remember(sqlMemo, sql, t);
  }
  return t;
}

/** A URL without credentials, query or fragment, with ids in the path replaced by `*`. */
export function urlTemplate(url: string): string {
  let t = urlMemo.get(url);
  if (t === undefined) {
    t = redactUrl(url).replace(/\/(?:\d+|[0-9a-f]{8,}|[0-9a-f-]{36})(?=\/|$)/gi, '/*');
    remember(urlMemo, url, t);
  }
  return t;
}

/**
 * Which spans are "the same operation" for comparing durations: same service, class and name, and the same
 * statement or URL shape. Both stable and older semantic-convention keys are read.
 */
export function operationKey(s: Span): string {
  return `${s.service}\u0000${s.class ?? ''}\u0000${s.name}\u0000${operationWhat(s)}`;
}

/** The statement template, route or URL template of a span ('' when it has none). */
export function operationWhat(s: Span): string {
  const a = s.attributes;
  const sql = statementOf(a);
  if (sql) return statementTemplate(sql);
  const route = stringAttr(a['url.template']) ?? stringAttr(a['http.route']);
  if (route) return route;
  const url = stringAttr(a['url.full']) ?? stringAttr(a['http.url']);
  return url ? urlTemplate(url) : '';
}

/**
 * A map keyed by operation (the same identity as operationKey) without building a key string per span:
 * nested maps over service, class, name and template. On a million spans this avoids a million allocations.
 */
export class OperationTable<T> {
  private readonly root = new Map<string, Map<string, Map<string, Map<string, T>>>>();

  private leaf(s: Span, create: boolean): Map<string, T> | undefined {
    let byClass = this.root.get(s.service);
    if (!byClass) {
      if (!create) return undefined;
      this.root.set(s.service, (byClass = new Map()));
    }
    const cls = s.class ?? '';
    let byName = byClass.get(cls);
    if (!byName) {
      if (!create) return undefined;
      byClass.set(cls, (byName = new Map()));
    }
    let byWhat = byName.get(s.name);
    if (!byWhat) {
      if (!create) return undefined;
      byName.set(s.name, (byWhat = new Map()));
    }
    return byWhat;
  }

  get(s: Span): T | undefined {
    return this.leaf(s, false)?.get(operationWhat(s));
  }

  getOrCreate(s: Span, init: () => T): T {
    const leaf = this.leaf(s, true)!;
    const what = operationWhat(s);
    let v = leaf.get(what);
    if (v === undefined) leaf.set(what, (v = init()));
    return v;
  }

  /** A table with the same operations and `f` applied to each value. */
  mapValues<U>(f: (v: T) => U): OperationTable<U> {
    const out = new OperationTable<U>();
    for (const [service, byClass] of this.root) {
      const oc = new Map<string, Map<string, Map<string, U>>>();
      out.root.set(service, oc);
      for (const [cls, byName] of byClass) {
        const on = new Map<string, Map<string, U>>();
        oc.set(cls, on);
        for (const [name, byWhat] of byName) {
          const ow = new Map<string, U>();
          on.set(name, ow);
          for (const [what, v] of byWhat) ow.set(what, f(v));
        }
      }
    }
    return out;
  }
}
