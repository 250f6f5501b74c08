/**
 * The moment an instrumented call began, taken in the instrumentation's create hook, just before OpenTelemetry's
 * `startSpan`. The span processor's own start stamp comes after the SDK has built the span (context lookups, ids,
 * sampler): a few µs that belong to the call as the app lives it, not to the code around it. On a loop of tiny
 * `readFileSync` calls those µs were a third of each call, and the analyzer called them the caller's JavaScript.
 *
 * The hook and the span start run in one synchronous sequence with no app code between them, so the stamp is
 * consumed by the span that starts next, when it comes from the same instrumentation. A stamp no span took (the
 * SDK did not record the span: an unsampled parent) is ignored once it is older than any startSpan takes.
 */
import { performance } from 'node:perf_hooks';

/** Older than this, a stamp cannot belong to the span starting now. */
const MAX_AGE_MS = 0.25;

let pendingAt = Number.NaN;
let pendingScope = '';

/** `scope`: the instrumentation scope name the call's span will have. */
export function markCallStart(scope: string): void {
  pendingScope = scope;
  pendingAt = performance.now();
}

/** The stamp for a span of `scope` starting at `nowMs`, if its create hook left a fresh one; clears it either way. */
export function takeCallStart(scope: string, nowMs: number): number | undefined {
  const at = pendingAt;
  if (at !== at) return undefined; // NaN: nothing pending (the common case, one comparison)
  pendingAt = Number.NaN;
  return scope === pendingScope && nowMs - at <= MAX_AGE_MS ? at : undefined;
}
