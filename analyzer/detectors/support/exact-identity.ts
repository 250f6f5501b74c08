import type { Span } from '../../model/span.js';

/**
 * The exact-call identity (support/spans.ts exactCall) of spans whose values input redaction erased
 * (analyzer/redact-input.ts), as an opaque hash. Lets repeated-call tell "the same query twice" from "the same
 * query with two different literals" without keeping any literal. Kept on the span itself: repeated-call asks for
 * it of every I/O read, and a WeakMap of a fifth of a million spans was slower to query and to collect.
 */
export function rememberExactIdentity(s: Span, identity: string): void {
  s.exactIdentity = identity;
}

export function exactIdentityOf(s: Span): string | undefined {
  return s.exactIdentity;
}
