import type { Category } from '../../analyzer/model/categories.js';
import type { FrameOrigin } from '../../analyzer/model/profile.js';

/**
 * Colours from Paul Tol's colour-blind-safe schemes (bright + muted). Waiting categories take the cool
 * hues, computing the warm ones, queued purple, unattributed grey; every colour is also named in a
 * legend and tooltip, so nothing relies on colour alone.
 */
export const CATEGORY_COLOR: Record<Category, string> = {
  db: '#4477AA',
  cache: '#66CCEE',
  network: '#228833',
  dns: '#99DDFF',
  fs: '#CCBB44',
  messaging: '#44AA99',
  pool: '#332288',
  lock: '#663333',
  timer: '#DDCC77',
  sync_io: '#999933',
  uninstrumented_wait: '#BBBBBB',
  cpu: '#EE6677',
  gc: '#EE7733',
  queued: '#AA3377',
  in_process_unattributed: '#777777',
};

export const CATEGORY_LABEL: Record<Category, string> = {
  db: 'database',
  cache: 'cache',
  network: 'network',
  dns: 'DNS',
  fs: 'file system',
  messaging: 'messaging',
  pool: 'pool wait',
  lock: 'lock wait',
  timer: 'timers',
  sync_io: 'blocked in sync I/O',
  uninstrumented_wait: 'uninstrumented wait',
  cpu: 'CPU',
  gc: 'GC',
  queued: 'queued on event loop',
  in_process_unattributed: 'unattributed',
};

/** Span classes (analysis WaterfallSpan.class) map onto categories; in-process spans get a neutral fill. */
export function classColor(cls: string): string {
  if (cls in CATEGORY_COLOR) return CATEGORY_COLOR[cls as Category];
  return 'var(--span-in-process)';
}

export const ORIGIN_COLOR: Record<FrameOrigin, string> = {
  app: '#E69F00',
  dependency: '#56B4E9',
  runtime: '#AAAAAA',
};

export const ORIGIN_LABEL: Record<FrameOrigin, string> = {
  app: 'app',
  dependency: 'dependencies',
  runtime: 'Node core / runtime',
};
