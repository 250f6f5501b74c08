import { CATEGORIES, COMPUTE_CATEGORIES, WAIT_CATEGORIES, type Breakdown, type Category } from '../model/categories.js';

/** How each category reads in a sentence ("… of request time is <phrase>."). */
export const CATEGORY_PHRASE: Record<Category, string> = {
  db: 'the database',
  cache: 'the cache',
  network: 'calls to other services',
  dns: 'DNS lookups',
  fs: 'the file system',
  messaging: 'the message broker',
  pool: 'waiting for a pooled connection',
  lock: 'waiting for locks',
  timer: 'timers and sleeps',
  sync_io: 'the thread blocked in synchronous calls (execSync, *Sync file I/O)',
  uninstrumented_wait: 'waiting on something no span explains',
  cpu: 'CPU work',
  gc: 'garbage collection',
  queued: 'queued behind other work on the event loop',
  in_process_unattributed: 'in-process time the traces cannot split (no on-thread data)',
};

const GROUPS: { word: string; cats: readonly Category[] }[] = [
  { word: 'waiting', cats: WAIT_CATEGORIES },
  { word: 'computing', cats: COMPUTE_CATEGORIES },
  { word: 'queued', cats: ['queued'] },
  { word: 'unattributed', cats: ['in_process_unattributed'] },
];

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/**
 * One sentence saying what dominates, e.g. "Mostly waiting: 71 % of request time is the database."
 * "Mostly" needs the group to hold at least half the time; otherwise the sentence says "Mixed".
 */
export function verdict(b: Breakdown): string {
  let total = 0;
  for (const c of CATEGORIES) total += b[c];
  if (total <= 0) return 'No request time to analyze.';
  let best = GROUPS[0];
  let bestSum = -1;
  for (const g of GROUPS) {
    let s = 0;
    for (const c of g.cats) s += b[c];
    if (s > bestSum) {
      bestSum = s;
      best = g;
    }
  }
  let top: Category = best.cats[0];
  for (const c of best.cats) if (b[c] > b[top]) top = c;
  const head = bestSum / total >= 0.5 ? `Mostly ${best.word}` : `Mixed, ${best.word} leads with ${pct(bestSum / total)}`;
  return `${head}: ${pct(b[top] / total)} of request time is ${CATEGORY_PHRASE[top]}.`;
}
