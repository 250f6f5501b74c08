/**
 * The vocabulary of the whole product: every microsecond of a critical path lands in exactly one category.
 * See docs/classification.md.
 */

export const WAIT_CATEGORIES = [
  'db',
  'cache',
  'network',
  'dns',
  'fs',
  'messaging',
  'pool',
  'lock',
  'timer',
  'sync_io',
  'uninstrumented_wait',
] as const;

export const COMPUTE_CATEGORIES = ['cpu', 'gc'] as const;

export const CATEGORIES = [...WAIT_CATEGORIES, ...COMPUTE_CATEGORIES, 'queued', 'in_process_unattributed'] as const;

export type WaitCategory = (typeof WAIT_CATEGORIES)[number];
export type ComputeCategory = (typeof COMPUTE_CATEGORIES)[number];
export type Category = (typeof CATEGORIES)[number];

/** What a span *is*, decided by the classification rules: an I/O wait of some kind, or work in the process. */
export type SpanClass = Exclude<WaitCategory, 'uninstrumented_wait' | 'sync_io'> | 'in_process';

/** Milliseconds (or microseconds, by context) per category. Always has every key. */
export type Breakdown = Record<Category, number>;

export interface Fractions {
  waiting: number;
  computing: number;
  queued: number;
  unattributed: number;
}

export function emptyBreakdown(): Breakdown {
  // A literal, keys in CATEGORIES order (the order analysis.json shows them in): one allocation with a ready-made
  // shape, where adding the keys one by one walked 15 shape transitions per breakdown (several per trace).
  return {
    db: 0,
    cache: 0,
    network: 0,
    dns: 0,
    fs: 0,
    messaging: 0,
    pool: 0,
    lock: 0,
    timer: 0,
    sync_io: 0,
    uninstrumented_wait: 0,
    cpu: 0,
    gc: 0,
    queued: 0,
    in_process_unattributed: 0,
  };
}

export function addBreakdown(into: Breakdown, from: Breakdown, scale = 1): Breakdown {
  for (const c of CATEGORIES) into[c] += from[c] * scale;
  return into;
}

const WAIT_SET: ReadonlySet<string> = new Set(WAIT_CATEGORIES);
const COMPUTE_SET: ReadonlySet<string> = new Set(COMPUTE_CATEGORIES);

export function isWaiting(c: Category): c is WaitCategory {
  return WAIT_SET.has(c);
}

export function isComputing(c: Category): c is ComputeCategory {
  return COMPUTE_SET.has(c);
}

/** The four headline fractions; they sum to 1 whenever the total is positive. */
export function fractionsOf(b: Breakdown): Fractions {
  let waiting = 0;
  let computing = 0;
  for (const c of WAIT_CATEGORIES) waiting += b[c];
  for (const c of COMPUTE_CATEGORIES) computing += b[c];
  const queued = b.queued;
  const unattributed = b.in_process_unattributed;
  const total = waiting + computing + queued + unattributed;
  if (total <= 0) return { waiting: 0, computing: 0, queued: 0, unattributed: 0 };
  return { waiting: waiting / total, computing: computing / total, queued: queued / total, unattributed: unattributed / total };
}
