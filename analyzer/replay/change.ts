/**
 * A change to a trace, as a detector proposes it. replay/ applies changes to a trace's span tree
 * and recomputes its critical path; the difference is the saving.
 */
export type Change =
  /** Start these sibling spans together (at the earliest start among them), as Promise.all would. */
  | { type: 'parallelize'; spanIds: string[] }
  /** Replace these spans by one call lasting `durationUs` at the position of the first. */
  | { type: 'batch'; spanIds: string[]; durationUs: number }
  /** Remove the wait entirely (e.g. cache hit, pool wait gone, sleep removed). */
  | { type: 'remove'; spanIds: string[] }
  /** Cap a span's duration (a timeout). */
  | { type: 'cap'; spanId: string; maxUs: number }
  /** Shorten a span (or its own on-thread work) by `byUs`. */
  | { type: 'shorten'; spanId: string; byUs: number }
  /** Remove this much queued time in the trace (the blocking work moved off the loop). */
  | { type: 'unqueue'; spanId: string; byUs: number };
