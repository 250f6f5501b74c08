/**
 * Redaction shared by the recorder (at the source, on by default) and the analyzer (for foreign traces).
 * Pure functions: no I/O, no global state. The aim is to keep the *shape* of a query or URL (what the analyzer
 * groups on) while dropping the values that may be secrets.
 */

/**
 * SQL with literals replaced by `?`: quoted strings ('..', E'..', $tag$..$tag$), numbers, hex/bit strings.
 * Identifiers ("quoted" or `backticked`), keywords and placeholders ($1, ?, :name) are kept, so two executions of
 * the same statement with different values redact to the same text.
 */
export function redactSql(sql: string): string {
  let out = '';
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    // Comments can hold anything; drop their content.
    if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? n : end;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? n : end + 2;
      continue;
    }
    // String literal, optionally prefixed (E'..', N'..', B'..', X'..').
    if (c === "'" || ((c === 'E' || c === 'e' || c === 'N' || c === 'n' || c === 'B' || c === 'b' || c === 'X' || c === 'x') && sql[i + 1] === "'" && !isWordChar(sql[i - 1]))) {
      let j = c === "'" ? i + 1 : i + 2;
      while (j < n) {
        if (sql[j] === '\\') j += 2;
        else if (sql[j] === "'" && sql[j + 1] === "'") j += 2;
        else if (sql[j] === "'") break;
        else j++;
      }
      out += '?';
      i = j + 1;
      continue;
    }
    // MySQL double-quoted strings are literals in the default sql_mode; PostgreSQL uses them for identifiers.
    // We cannot know the dialect, so keep them: an identifier is never a secret, and this errs towards shape.
    if (c === '"' || c === '`') {
      const end = sql.indexOf(c, i + 1);
      const stop = end === -1 ? n : end + 1;
      out += sql.slice(i, stop);
      i = stop;
      continue;
    }
    // Dollar-quoted string ($$..$$ or $tag$..$tag$); $1 placeholders are kept.
    if (c === '$') {
      const m = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64));
      if (m) {
        const tag = m[0];
        const end = sql.indexOf(tag, i + tag.length);
        out += '?';
        i = end === -1 ? n : end + tag.length;
        continue;
      }
      let j = i + 1;
      while (j < n && isDigit(sql[j])) j++;
      out += sql.slice(i, j);
      i = j;
      continue;
    }
    // Numbers that are not part of an identifier (t1, col_2 stay).
    if ((isDigit(c) || (c === '.' && isDigit(sql[i + 1]))) && !isWordChar(sql[i - 1])) {
      let j = i;
      if (c === '0' && (sql[j + 1] === 'x' || sql[j + 1] === 'X')) {
        j += 2;
        while (j < n && /[0-9a-fA-F]/.test(sql[j]!)) j++;
      } else {
        while (j < n && (isDigit(sql[j]) || sql[j] === '.')) j++;
        if ((sql[j] === 'e' || sql[j] === 'E') && (isDigit(sql[j + 1]) || ((sql[j + 1] === '-' || sql[j + 1] === '+') && isDigit(sql[j + 2])))) {
          j += 2;
          while (j < n && isDigit(sql[j])) j++;
        }
      }
      out += '?';
      i = j;
      continue;
    }
    if (isWordChar(c)) {
      // Copy the whole word so digits inside identifiers are not taken for numbers.
      let j = i;
      while (j < n && isWordChar(sql[j])) j++;
      out += sql.slice(i, j);
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

/**
 * URL without credentials, query string and fragment. Relative targets ("/path?x=1") keep their path.
 * Anything unparseable is cut at the first '?' or '#' and stripped of a user-info part.
 */
export function redactUrl(url: string): string {
  const cut = url.search(/[?#]/);
  const base = cut === -1 ? url : url.slice(0, cut);
  // scheme://user:pass@host → scheme://host
  return base.replace(/^([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^/@]*@/, '$1');
}

export type AttributeValue = string | number | boolean | Array<string | number | boolean | null | undefined> | null | undefined;

/** Attributes that hold a database statement (stable and older semantic conventions). */
export const STATEMENT_KEYS: ReadonlySet<string> = new Set(['db.statement', 'db.query.text']);
const URL_KEYS = new Set(['url.full', 'http.url', 'http.target', 'url.path', 'db.connection_string', 'server.url']);
const DROP_KEYS = new Set(['url.query', 'http.request.body', 'http.response.body', 'db.query.parameters', 'db.statement.parameters', 'db.operation.parameter', 'enduser.id']);
/** Key-value and document stores: their "statement" is a command whose arguments are user data. */
const COMMAND_STORES = new Set(['redis', 'memcached', 'mongodb', 'dynamodb', 'couchbase', 'elasticsearch', 'opensearch']);

/** The database system named in a span's attributes (old and new semantic conventions). */
export function dbSystemOf(attrs: Record<string, unknown>): string | undefined {
  const system = attrs['db.system.name'] ?? attrs['db.system'];
  return typeof system === 'string' ? system : undefined;
}

/** The database statement in a span's attributes (new semantic conventions first; an empty one is none). */
export function statementOf(attrs: Record<string, unknown>): string | undefined {
  const q = attrs['db.query.text'];
  if (typeof q === 'string' && q.length > 0) return q;
  const old = attrs['db.statement'];
  return typeof old === 'string' && old.length > 0 ? old : undefined;
}

/**
 * One attribute with secrets removed; undefined means "drop it". `dbSystem` decides how a statement is redacted:
 * SQL keeps its shape, key-value and document stores keep only the command.
 */
export function redactAttribute(key: string, value: unknown, dbSystem?: string): unknown {
  if (DROP_KEYS.has(key) || key.startsWith('http.request.header.') || key.startsWith('http.response.header.') || key.startsWith('db.query.parameter.')) return undefined;
  if (typeof value !== 'string') return value;
  if (STATEMENT_KEYS.has(key)) return dbSystem !== undefined && COMMAND_STORES.has(dbSystem) ? redactCommand(value) : redactSql(value);
  if (URL_KEYS.has(key)) return redactUrl(value);
  return value;
}

/**
 * Attributes with secrets removed: SQL literals, URL credentials and query strings, header and body attributes,
 * command arguments of key-value/document stores (only the command name is kept). Returns a new object.
 */
export function redactAttributes<T extends Record<string, AttributeValue | unknown>>(attrs: T): T {
  const out: Record<string, unknown> = {};
  const system = dbSystemOf(attrs);
  for (const key of Object.keys(attrs)) {
    const value = redactAttribute(key, attrs[key], system);
    if (value !== undefined) out[key] = value;
  }
  return out as T;
}

/** "SET user:1 secret" → "SET ?": the command keeps the shape, the arguments are data. */
function redactCommand(statement: string): string {
  const trimmed = statement.trim();
  // Mongo statements are JSON documents: keep the keys, drop the values.
  if (trimmed.startsWith('{')) return trimmed.replace(/:\s*("(?:[^"\\]|\\.)*"|-?\d[\d.eE+-]*|true|false|null)/g, ':"?"');
  const space = trimmed.search(/\s/);
  return space === -1 ? trimmed : `${trimmed.slice(0, space)} ?`;
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isWordChar(c: string | undefined): boolean {
  return c !== undefined && /[A-Za-z0-9_]/.test(c);
}
