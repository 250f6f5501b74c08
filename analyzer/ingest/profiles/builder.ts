import type { Frame, Profile } from '../../model/profile.js';
import { frameOrigin } from './origin.js';

/** Builds a Profile with interned frames and stacks, so repeated stacks cost one index per sample. */
export class ProfileBuilder {
  readonly profile: Profile;
  private readonly frameIndex = new Map<string, number>();
  private readonly stackIndex = new Map<string, number>();

  constructor(source: string, format: Profile['format'], pid?: number) {
    this.profile = { source, format, frames: [], stacks: [], samples: [], timed: false };
    if (pid !== undefined) this.profile.pid = pid;
  }

  frame(name: string, file?: string, line?: number, column?: number, origin = frameOrigin(name, file)): number {
    const key = `${name}\u0000${file ?? ''}\u0000${line ?? ''}\u0000${column ?? ''}\u0000${origin}`;
    let i = this.frameIndex.get(key);
    if (i === undefined) {
      const f: Frame = { name, origin };
      if (file) f.file = file;
      if (line !== undefined) f.line = line;
      if (column !== undefined) f.column = column;
      i = this.profile.frames.push(f) - 1;
      this.frameIndex.set(key, i);
    }
    return i;
  }

  /** `frames` root first. */
  stack(frames: number[]): number {
    const key = frames.join(',');
    let i = this.stackIndex.get(key);
    if (i === undefined) {
      i = this.profile.stacks.push(frames.slice()) - 1;
      this.stackIndex.set(key, i);
    }
    return i;
  }

  sample(stack: number, weightUs: number, timeUs?: number, vmState?: string): void {
    const s: Profile['samples'][number] = { stack, weightUs };
    if (timeUs !== undefined) s.timeUs = timeUs;
    if (vmState !== undefined) s.vmState = vmState;
    this.profile.samples.push(s);
  }
}

/** A typical gap between samples, used to weigh the last sample and to cap pauses. */
export function medianDelta(times: number[]): number {
  if (times.length < 2) return 1000;
  const d: number[] = [];
  for (let i = 1; i < times.length; i++) d.push(times[i]! - times[i - 1]!);
  d.sort((a, b) => a - b);
  return d[d.length >> 1]! || 1000;
}
