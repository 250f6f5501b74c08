import type { Advice } from '../model/analysis.js';
import type { Language } from '../model/span.js';
import type { AdviceEntry, DetectorAdvice } from './types.js';

/**
 * A detector's advice in the service's language (its generic text for languages it has none for), with `{name}`
 * placeholders filled from `vars` (e.g. the statement or URL template). Unknown placeholders are left as they are.
 * Detectors call this (through findingOf) with their own advice; it imports no detector, so no cycle.
 */
export function fillAdvice(advice: DetectorAdvice, language: Language, vars: Record<string, string> = {}): Advice {
  const specific: AdviceEntry | undefined = advice.byLanguage[language];
  const chosen = specific ?? advice.generic;
  const fill = (s: string): string => s.replace(/\{(\w+)\}/g, (m, k: string) => vars[k] ?? m);
  const filled: Advice = { language, text: fill(chosen.text) };
  if (chosen.sketch) filled.sketch = fill(chosen.sketch);
  return filled;
}
