import type { EpochUs } from './span.js';

/** Where a frame's code comes from: the app itself, a dependency (node_modules, site-packages), or the runtime. */
export type FrameOrigin = 'app' | 'dependency' | 'runtime';

export interface Frame {
  name: string;
  file?: string;
  line?: number;
  column?: number;
  origin: FrameOrigin;
}

/**
 * A CPU profile normalized from any format (V8 .cpuprofile, 0x ticks, speedscope, folded stacks).
 * Stacks are interned: `stacks[i]` is a list of frame indexes, root first.
 */
export interface Profile {
  source: string;
  format: 'cpuprofile' | '0x' | 'speedscope' | 'folded';
  pid?: number;
  frames: Frame[];
  stacks: number[][];
  /** One entry per sample: the stack index and its weight in microseconds. */
  samples: { stack: number; weightUs: number; timeUs?: EpochUs; vmState?: string }[];
  /** True when samples carry epoch timestamps aligned with spans (the mapping is in the manifest). */
  timed: boolean;
}
