import type { Frame, Profile } from './profile.js';

/*
 * Whose time a profile sample is (docs/accounting.md, "Profile samples"): the thread idle or waiting, GC, the recorder
 * running inside the app, or code — and for code, the app's own frame that leads there.
 */

/** Profiler pseudo-frames that are not code anyone can change. */
const PSEUDO = /^\((?:idle|program|root|garbage collector|unknown)\)$/;

/**
 * The thread asleep, waiting for I/O or a lock: epoll/kqueue/IOCP waits, poll, futex and condition waits, libuv's
 * poll and its thread-pool wait. 0x and perf sample these like any other frame; they are not CPU time.
 */
const IDLE = /^(?:epoll_p?wait|uv__io_poll|uv_run|uv__wait|uv_cond_(?:timed)?wait|uv_sem_wait|kevent|__?poll|ppoll|__?nanosleep|clock_nanosleep|futex_wait\w*|__futex\w*|pthread_cond_(?:timed|clock)?wait|GetQueuedCompletionStatus(?:Ex)?|NtWaitForSingleObject|__select|select)(?:@@?\S+)?$/;

/**
 * The recorder running inside the app: timesink's own code (its bundle, or the package when installed) and the
 * OpenTelemetry SDK and hooking libraries it loads. Their samples are recording cost, never the app's hot code.
 */
const RECORDER =
  /(?:^|[/\\])(?:dist[/\\]register\.(?:cjs|mjs)|node_modules[/\\](?:timesink|@opentelemetry[/\\][^/\\]+|require-in-the-middle|import-in-the-middle|shimmer|module-details-from-path)[/\\])/;
/** The recorder's hooking wrappers: work they wrap (a module load under a patched require) is their caller's. */
const WRAPPER = /(?:^|[/\\])node_modules[/\\](?:require-in-the-middle|import-in-the-middle|shimmer)[/\\]/;

/** What a sampled frame is, for attribution: the thread idle, GC, the recorder, or code (app, dependency, runtime). */
export type FrameRole = 'idle' | 'gc' | 'recorder' | 'app' | 'dependency' | 'runtime';

export function isIdleFrame(f: Frame): boolean {
  return (PSEUDO.test(f.name) && f.name !== '(garbage collector)') || IDLE.test(f.name);
}

export function isRecorderFrame(f: Frame): boolean {
  return f.file !== undefined && RECORDER.test(f.file.replace(/^file:\/\//, ''));
}

export function frameRole(f: Frame): FrameRole {
  if (f.name === '(garbage collector)') return 'gc';
  if (isIdleFrame(f)) return 'idle';
  if (isRecorderFrame(f)) return 'recorder';
  return f.origin;
}

/**
 * Whose time a sample is: the thread idle (its leaf a wait or an idle pseudo-frame), in GC, the recorder's, or code
 * (undefined). The recorder's when the innermost frame that is not the runtime's is a recorder frame: a hook running
 * (and the runtime work it calls), except that a hooking wrapper (require-in-the-middle, shimmer) owns only its own
 * time: a module loading under a patched require is its caller's. Recorder frames further out are wrappers the app's
 * code runs inside (an instrumented request listener): the app's work under them stays the app's.
 */
export function sampleRole(profile: Profile, stack: readonly number[], vmState?: string): 'idle' | 'gc' | 'recorder' | undefined {
  if (stack.length === 0) return 'idle';
  const leaf = profile.frames[stack[stack.length - 1]];
  if (vmState === 'idle') return 'idle';
  if (vmState === 'gc' || leaf.name === '(garbage collector)') return 'gc';
  if (isIdleFrame(leaf)) return 'idle';
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = profile.frames[stack[i]];
    // A hooking wrapper is the recorder's only for its own time; what runs under it (require loading and compiling a
    // module) is whoever called it.
    if (i < stack.length - 1 && f.file !== undefined && WRAPPER.test(f.file)) continue;
    if (isRecorderFrame(f)) return 'recorder';
    if (f.origin !== 'runtime') return undefined;
  }
  return undefined;
}

/** The deepest frame of the app's own code on a stack (the call site a user can change), if any. */
export function appFrameOf(profile: Profile, stack: readonly number[]): number | undefined {
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = profile.frames[stack[i]];
    if (f.origin === 'app' && !PSEUDO.test(f.name) && !isRecorderFrame(f)) return stack[i];
  }
  return undefined;
}

/** The npm package a file belongs to ("koa", "@scope/name"), from its last node_modules segment. */
export function packageOf(file: string | undefined): string | undefined {
  if (!file) return undefined;
  const m = /.*node_modules[/\\]((?:@[^/\\]+[/\\])?[^/\\]+)/.exec(file);
  return m ? m[1].replace(/\\/g, '/') : undefined;
}

/** Node's modules whose …Sync functions block the thread on I/O (a child process, the file system). */
const BLOCKING_MODULE = /^node:(?:fs|child_process|internal\/fs\/[\w/]+|internal\/child_process)$/;
const SYNC_NAME = /^[a-z]\w*Sync$/;

function isBlockingApi(f: Frame): boolean {
  return f.origin === 'runtime' && f.file !== undefined && BLOCKING_MODULE.test(f.file) && SYNC_NAME.test(f.name.replace(/^.*\./, ''));
}

/** A sample of the thread blocked in a synchronous call: which call, and the app frame that made it. */
export interface BlockedSample {
  /** The blocking API the code called (the outermost one: execSync, not the spawnSync it uses), or Atomics.wait. */
  call: string;
  /** The app frame that made the call, when one is on the stack. */
  site?: number;
}

/**
 * Whether a sample caught the thread inside a blocking synchronous call rather than computing: V8 says it waits in
 * Atomics.wait (0x's vm state), or the stack holds a blocking …Sync API of node:fs / node:child_process under the
 * code that called it. The whole call counts, its own argument checks and buffer copies included, as a span of the
 * call counts whole as its wait (fs spans of readFileSync): the asynchronous API is the change either way, and
 * the syscall dominates. crypto's and zlib's …Sync calls compute on the thread: not here. GC inside the call stays GC.
 */
export function blockedSample(profile: Profile, stack: readonly number[], vmState?: string): BlockedSample | undefined {
  if (stack.length === 0) return undefined;
  if (vmState === 'atomics-wait') return withSite({ call: 'Atomics.wait' }, profile, stack);
  let call: string | undefined;
  for (let i = stack.length - 1; i >= 0; i--) {
    const f = profile.frames[stack[i]];
    if (isBlockingApi(f)) call = f.name.replace(/^.*\./, '');
    else if (f.origin !== 'runtime' || isRecorderFrame(f)) break;
  }
  if (call === undefined) return undefined;
  if (sampleRole(profile, stack, vmState) !== undefined) return undefined;
  return withSite({ call }, profile, stack);
}

function withSite(b: BlockedSample, profile: Profile, stack: readonly number[]): BlockedSample {
  const site = appFrameOf(profile, stack);
  if (site !== undefined) b.site = site;
  return b;
}
