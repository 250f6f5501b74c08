import type { SpanClass } from '../model/categories.js';
import type { Span } from '../model/span.js';
import { RULES, type ClassRule } from './rules.js';

/** The rule that decides a span's class (the first match in RULES). */
export function matchingRule(span: Span): ClassRule {
  for (const r of RULES) if (r.test(span)) return r;
  return RULES[RULES.length - 1];
}

export function classifySpan(span: Span): SpanClass {
  return matchingRule(span).class;
}

/** Sets `class` on every span (in place) and returns the same array. */
export function classifyAll<T extends Span>(spans: T[]): T[] {
  for (const s of spans) s.class = classifySpan(s);
  return spans;
}
