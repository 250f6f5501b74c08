import type { Span } from '../../model/span.js';

/**
 * The exact-call identity (support/spans.ts exactCall) of spans whose values input redaction erased
 * (analyzer/redact-input.ts), as an opaque hash. Lets repeated-call tell "the same query twice" from "the same
 * query with two different literals" without keeping any literal.
 */
const identities = new WeakMap<Span, string>();

export function rememberExactIdentity(s: Span, identity: string): void {
  identities.set(s, identity);
}

export function exactIdentityOf(s: Span): string | undefined {
  return identities.get(s);
}
