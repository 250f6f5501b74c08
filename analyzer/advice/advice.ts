import type { Advice, DetectorId } from '../model/analysis.js';
import type { Language } from '../model/span.js';
import { DETECTORS } from '../detectors/registry.js';
import type { DetectorAdvice } from './types.js';
import { fillAdvice } from './fill.js';

/** Languages with their own advice; others get the generic text (still labelled with the service's language). */
export const ADVISED_LANGUAGES: readonly Language[] = ['nodejs', 'python', 'go', 'java'];

/** Each detector's advice, by id: read from the registry, where each detector carries its own. */
export const ADVICE: ReadonlyMap<DetectorId, DetectorAdvice> = new Map(DETECTORS.map((d) => [d.id, d.advice]));

/**
 * Advice for a detector in the service's language, with `{name}` placeholders filled from `vars`
 * (e.g. the statement or URL template). Unknown placeholders are left as they are.
 * Detectors themselves use fillAdvice with their own advice (detectors must not import this file: it imports them).
 */
export function adviceFor(detector: DetectorId, language: Language, vars: Record<string, string> = {}): Advice {
  const advice = ADVICE.get(detector);
  if (!advice) throw new Error(`no detector ${detector} in the registry`);
  return fillAdvice(advice, language, vars);
}
