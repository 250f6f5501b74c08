import type { Language } from '../model/span.js';

const KNOWN: ReadonlySet<string> = new Set(['nodejs', 'python', 'go', 'java', 'dotnet', 'ruby', 'php', 'rust', 'cpp']);

/** Map `telemetry.sdk.language` (or a Jaeger client tag) to our Language. */
export function toLanguage(v: unknown): Language {
  if (typeof v !== 'string') return 'unknown';
  const s = v.toLowerCase();
  if (KNOWN.has(s)) return s as Language;
  if (s === 'node' || s === 'node.js' || s === 'javascript') return 'nodejs';
  if (s.startsWith('go-') || s.startsWith('golang')) return 'go';
  if (s.startsWith('python')) return 'python';
  if (s.startsWith('java')) return 'java';
  return 'unknown';
}
