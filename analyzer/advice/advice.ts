import type { Advice, DetectorId } from '../model/analysis.js';
import type { Language } from '../model/span.js';
import { CATALOG, type AdviceEntry } from './catalog.js';

/** Languages with their own advice; others get the generic text (still labelled with the service's language). */
export const ADVISED_LANGUAGES: readonly Language[] = ['nodejs', 'python', 'go', 'java'];

/**
 * Advice for a detector in the service's language, with `{name}` placeholders filled from `vars`
 * (e.g. the statement or URL template). Unknown placeholders are left as they are.
 */
export function adviceFor(detector: DetectorId, language: Language, vars: Record<string, string> = {}): Advice {
  const entry = CATALOG[detector];
  const specific: AdviceEntry | undefined = entry.byLanguage[language];
  const chosen = specific ?? entry.generic;
  const fill = (s: string): string => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const advice: Advice = { language, text: fill(chosen.text) };
  if (chosen.sketch) advice.sketch = fill(chosen.sketch);
  return advice;
}
