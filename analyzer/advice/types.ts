import type { Language } from '../model/span.js';

/** One piece of advice: what to change, and a sketch of its shape (not a drop-in patch). */
export interface AdviceEntry {
  text: string;
  sketch?: string;
}

/**
 * What to change for one detector's findings, per language, with `{placeholders}` that fillAdvice fills. Each
 * detector carries its own (Detector.advice), so a new detector brings its advice in its one file.
 */
export interface DetectorAdvice {
  generic: AdviceEntry;
  byLanguage: Partial<Record<Language, AdviceEntry>>;
}
