import type { Frame, Profile } from '../../model/profile.js';
import { frameOrigin } from '../../ingest/profiles/origin.js';
import { t } from './builder.js';

/** Frames written as "name file:line" (file optional; origin from the file as ingest decides it). */
export function frame(spec: string): Frame {
  const m = /^(.+?)(?: (\S+?):(\d+))?$/.exec(spec);
  if (!m) throw new Error(`bad frame spec ${spec}`);
  const [, name, file, line] = m;
  const f: Frame = { name, origin: frameOrigin(name, file) };
  if (file) f.file = file;
  if (line) f.line = Number(line);
  return f;
}

/**
 * A timed profile of 1 ms samples: `runs` lists [fromMs, toMs, stack] (stack root first, frames as in frame()), with an
 * optional V8 vm state; samples are taken at every ms in [from, to), stamped at the ms (fixture time).
 */
export function timedProfile(runs: [from: number, to: number, stack: string[], vmState?: string][], pid = 4242): Profile {
  const frames: Frame[] = [];
  const frameIdx = new Map<string, number>();
  const stacks: number[][] = [];
  const samples: Profile['samples'] = [];
  for (const [from, to, stack, vmState] of runs) {
    const idx = stack.map((spec) => {
      let i = frameIdx.get(spec);
      if (i === undefined) {
        i = frames.push(frame(spec)) - 1;
        frameIdx.set(spec, i);
      }
      return i;
    });
    const si = stacks.push(idx) - 1;
    for (let ms = from; ms < to; ms++) samples.push({ stack: si, weightUs: 1000, timeUs: t(ms), ...(vmState ? { vmState } : {}) });
  }
  return { source: 'test', format: 'cpuprofile', pid, frames, stacks, samples, timed: true };
}
