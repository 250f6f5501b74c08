import type { Frame, Profile } from '../../model/profile.js';

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

/** Profiler pseudo-frames that are not code anyone can change. */
const PSEUDO = /^\((?:idle|program|root|garbage collector|unknown)\)$/;

/**
 * The thread asleep, waiting for I/O or a lock: epoll/kqueue/IOCP waits, poll, futex and condition waits. 0x and perf
 * sample these like any other frame; they are not CPU time.
 */
const IDLE = /^(?:epoll_p?wait|uv__io_poll|kevent|__?poll|ppoll|__?nanosleep|futex_wait\w*|__futex\w*|pthread_cond_(?:timed)?wait|GetQueuedCompletionStatus(?:Ex)?|NtWaitForSingleObject|__select|select)(?:@@?\S+)?$/;

/** timesink's own recorder, which runs inside the app: its samples are our overhead, not the app's hot code. */
const RECORDER = /(?:^|\/)(?:dist\/register\.(?:cjs|mjs)|node_modules\/timesink\/)/;

export function isIdleFrame(f: Frame): boolean {
  return PSEUDO.test(f.name) || IDLE.test(f.name);
}

/**
 * The frame whose self time a sample is charged to: its leaf. Undefined for samples that are not the app's CPU time:
 * the thread idle or waiting (pseudo or idle leaf), or timesink's recorder on the stack.
 */
export function selfFrame(profile: Profile, stack: readonly number[]): number | undefined {
  if (stack.length === 0) return undefined;
  const leaf = stack[stack.length - 1];
  if (isIdleFrame(profile.frames[leaf])) return undefined;
  for (const i of stack) if (RECORDER.test(profile.frames[i].file ?? '')) return undefined;
  return leaf;
}

/** The deepest app frame of a stack: the user's own code responsible, even when the leaf is in a library. */
function responsibleFrame(profile: Profile, stack: readonly number[]): number | undefined {
  if (selfFrame(profile, stack) === undefined) return undefined;
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = profile.frames[stack[i]];
    if (f.origin === 'app' && !PSEUDO.test(f.name)) return stack[i];
  }
  return selfFrame(profile, stack);
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
