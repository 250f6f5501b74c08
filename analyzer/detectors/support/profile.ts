import type { Frame, Profile } from '../../model/profile.js';
import { appFrameOf, isRecorderFrame, sampleRole } from '../../model/frame-role.js';

export { appFrameOf, frameRole, isIdleFrame, isRecorderFrame, packageOf, sampleRole, type FrameRole } from '../../model/frame-role.js';

export interface HotFrame {
  frame: Frame;
  weightUs: number;
  /** Share of the sampled time in the window. */
  share: number;
}

/** "file:line" of a frame, when known. */
export function frameLocation(f: Frame): string | undefined {
  return f.file ? (f.line !== undefined ? `${f.file}:${f.line}` : f.file) : undefined;
}

/**
 * The frame whose self time a sample is charged to: its leaf. Undefined for samples that are not the app's CPU time:
 * the thread idle or waiting (pseudo or idle leaf), GC, or timesink's recorder on the stack.
 */
export function selfFrame(profile: Profile, stack: readonly number[]): number | undefined {
  if (sampleRole(profile, stack) !== undefined) return undefined;
  return stack[stack.length - 1];
}

/**
 * The frame to name for a stack: the deepest app frame (the user's own code responsible, even when the leaf is in a
 * library); with none on the stack, the deepest dependency frame (the library whose callback ran), then the leaf.
 */
function responsibleFrame(profile: Profile, stack: readonly number[]): number | undefined {
  const leaf = selfFrame(profile, stack);
  if (leaf === undefined) return undefined;
  const app = appFrameOf(profile, stack);
  if (app !== undefined) return app;
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = profile.frames[stack[i]];
    if (f.origin === 'dependency' && !isRecorderFrame(f)) return stack[i];
  }
  return leaf;
}

/**
 * The stack responsible for on-thread time in [startUs, endUs) on `pid`, from a timed profile: the app frame with the
 * most samples in the window. Undefined when the profile is untimed, of another process, or has no sample there.
 */
export function hotFrameIn(profile: Profile | undefined, pid: number | undefined, startUs: number, endUs: number): HotFrame | undefined {
  if (!profile || !profile.timed) return undefined;
  if (profile.pid !== undefined && pid !== undefined && profile.pid !== pid) return undefined;
  const weights = new Map<number, number>();
  let total = 0;
  for (const s of profile.samples) {
    if (s.timeUs === undefined || s.timeUs < startUs || s.timeUs >= endUs) continue;
    const f = responsibleFrame(profile, profile.stacks[s.stack]);
    if (f === undefined) continue;
    total += s.weightUs;
    weights.set(f, (weights.get(f) ?? 0) + s.weightUs);
  }
  let best: number | undefined;
  let bestW = 0;
  for (const [f, w] of weights) if (w > bestW) [best, bestW] = [f, w];
  if (best === undefined || total <= 0) return undefined;
  return { frame: profile.frames[best], weightUs: bestW, share: bestW / total };
}
