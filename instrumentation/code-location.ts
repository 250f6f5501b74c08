/**
 * Where in the app a span was started ("/abs/path/orders.js:41:17"): the first stack frame that is the app's own code
 * (not Node's internals, not node_modules, not timesink). Fixes are only actionable when they point at code.
 *
 * Cost is bounded by sampling: a stack walk costs ~6 µs (shallow) to ~30 µs (60 frames), so it is taken only for
 * the first K spans of each (instrumentation scope, span name, statement) and then 1 in N — the same call site
 * repeats, and its first spans name it. The statement is part of the key because a driver names every query alike
 * (pg: "pg.query:SELECT <db>"): keyed by name only, a run's first spans could all be one loop's query and a rarer
 * query elsewhere would get no location.
 * Frames are read through V8's structured CallSite API (no stack string is formatted).
 */
import { fileURLToPath } from 'node:url';

export interface LocationSampling {
  /** Spans per (scope, name, statement) that always get a location. */
  firstPerKey: number;
  /** After those, one span in this many. */
  thenOneIn: number;
  /** Distinct (scope, name, statement) keys counted; past it, spans of new keys are sampled 1 in thenOneIn overall. */
  maxKeys: number;
}

export const DEFAULT_LOCATION_SAMPLING: LocationSampling = { firstPerKey: 8, thenOneIn: 64, maxKeys: 10_000 };

/**
 * Frames walked: the processor, the SDK's startSpan and an instrumentation's wrappers sit above the app's call, and
 * a library's own layers too (fetch: ~30 frames of undici between the app and the span).
 */
const STACK_DEPTH = 64;

/** Decides, per span, whether its start location is worth a stack walk. */
export class LocationSampler {
  /** Per scope (object identity: one per tracer), per span name, counts by statement ('' when none). */
  private readonly counts = new Map<object, Map<string, Map<string, number>>>();
  private keys = 0;
  private overflow = 0;

  constructor(private readonly sampling: LocationSampling = DEFAULT_LOCATION_SAMPLING) {}

  shouldCapture(scope: object, spanName: string, statement = ''): boolean {
    let byName = this.counts.get(scope);
    if (byName === undefined) {
      byName = new Map();
      this.counts.set(scope, byName);
    }
    let byStatement = byName.get(spanName);
    if (byStatement === undefined) {
      byStatement = new Map();
      byName.set(spanName, byStatement);
    }
    const seen = byStatement.get(statement);
    if (seen === undefined) {
      if (this.keys >= this.sampling.maxKeys) return this.overflow++ % this.sampling.thenOneIn === 0;
      this.keys++;
      byStatement.set(statement, 1);
      return true;
    }
    byStatement.set(statement, seen + 1);
    return seen < this.sampling.firstPerKey || (seen - this.sampling.firstPerKey) % this.sampling.thenOneIn === this.sampling.thenOneIn - 1;
  }
}

interface StackHolder {
  stack?: unknown;
}

/** The file this module was bundled into (dist/register.cjs or .mjs): its frames are timesink's, never the app's. */
const ownFile: string | null = fileOfThisModule();

function fileOfThisModule(): string | null {
  const E = Error as ErrorConstructor & { stackTraceLimit: number };
  const savedPrepare = E.prepareStackTrace;
  const savedLimit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = (_err, frames) => frames[0]?.getFileName() ?? null;
    E.stackTraceLimit = 1;
    const holder: StackHolder = {};
    Error.captureStackTrace(holder);
    return typeof holder.stack === 'string' ? holder.stack : null;
  } catch {
    return null;
  } finally {
    E.prepareStackTrace = savedPrepare;
    E.stackTraceLimit = savedLimit;
  }
}

/** A frame of the app's own code: a real file outside node_modules, not Node's internals, not timesink. */
export function isAppFile(file: string | null | undefined): file is string {
  if (!file) return false;
  if (file.startsWith('node:') || file.startsWith('internal/') || file === ownFile) return false;
  if (!file.startsWith('/') && !file.startsWith('file:') && !/^[A-Za-z]:[\\/]/.test(file)) return false; // eval, native, wasm
  return !/[\\/]node_modules[\\/]/.test(file);
}

function displayPath(file: string): string {
  if (!file.startsWith('file:')) return file;
  try {
    return fileURLToPath(file);
  } catch {
    return file;
  }
}

/** App frames kept per location: the call, and two callers up (to see past an app's own query or fetch helper). */
const APP_FRAMES = 3;

/** Reads the first app frames out of V8's CallSite objects, newline-separated, without formatting the stack. */
function firstAppFrames(_err: Error, frames: NodeJS.CallSite[]): string | undefined {
  let out: string | undefined;
  let n = 0;
  for (const f of frames) {
    const file = f.getFileName();
    if (!isAppFile(file)) continue;
    const here = `${displayPath(file)}:${f.getLineNumber() ?? 0}:${f.getColumnNumber() ?? 0}`;
    out = out === undefined ? here : `${out}\n${here}`;
    if (++n === APP_FRAMES) break;
  }
  return out;
}

/** A captured chain split into the call's own location and its callers (newline-separated, innermost first). */
export function splitLocation(chain: string): { location: string; callers?: string } {
  const nl = chain.indexOf('\n');
  return nl === -1 ? { location: chain } : { location: chain.slice(0, nl), callers: chain.slice(nl + 1) };
}

/**
 * "file:line:col" of the first app frame on the current stack, then up to two more app frames (its callers), one per
 * line; or undefined. Swaps Error.prepareStackTrace only for
 * the duration of the call (an app's own hook, e.g. source-map-support, is restored before anything else runs) and
 * never throws.
 */
export function captureAppLocation(): string | undefined {
  const E = Error as ErrorConstructor & { stackTraceLimit: number };
  const savedPrepare = E.prepareStackTrace;
  const savedLimit = E.stackTraceLimit;
  try {
    E.prepareStackTrace = firstAppFrames as (err: Error, frames: NodeJS.CallSite[]) => unknown;
    E.stackTraceLimit = STACK_DEPTH;
    const holder: StackHolder = {};
    Error.captureStackTrace(holder, captureAppLocation);
    const loc = holder.stack; // reading it runs firstAppFrames
    return typeof loc === 'string' ? loc : undefined;
  } catch {
    return undefined;
  } finally {
    E.prepareStackTrace = savedPrepare;
    E.stackTraceLimit = savedLimit;
  }
}
