/**
 * JSON that is safe inside <script type="application/json">: `<`, `>` and `&` become \u003c, \u003e, \u0026
 * so no string can close the tag or open a comment, and U+2028/2029 are escaped for old JS parsers.
 * JSON.parse reads them back unchanged.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value, compactNumbers).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Milliseconds to microsecond precision: the report never needs more, and it keeps big reports small. */
function compactNumbers(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isInteger(value) && Number.isFinite(value)) return Math.round(value * 1000) / 1000;
  return value;
}

/** Text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
