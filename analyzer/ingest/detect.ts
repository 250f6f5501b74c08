// What a parsed document is, is the formats registry's business (formats.ts); here: how to read a file's text.

/** " (top-level keys: ...)" of a JSON object that is none of the known documents, for the message saying so. */
export function describeKeys(doc: unknown): string {
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return '';
  const keys = Object.keys(doc).slice(0, 5);
  return keys.length ? ` (top-level keys: ${keys.map((k) => JSON.stringify(k)).join(', ')})` : '';
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
