import { existsSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Warning } from '../model/analysis.js';
import type { Profile } from '../model/profile.js';
import type { Span } from '../model/span.js';
import type { LinesTally } from './json-lines.js';
import { decodeSpans, type EncodedSpans } from './span-codec.js';
import { isGzip } from './text-stream.js';

/*
 * A large JSON Lines file is read by two threads: the main thread reads the first half while a worker reads the
 * second and sends its spans over packed (span-codec.ts). Reading and JSON.parse are most of the time an analysis
 * takes, and the two halves are independent; the spans end up in file order, so the analysis is the same.
 */

/** Files smaller than this are read by one thread: starting a worker costs ~30 ms (measured to exit on an empty input). */
export const DEFAULT_SPLIT_MIN_BYTES = 64 * 1024 * 1024;
/** How far past the middle a line break is looked for; a file without one there is not split. */
const MAX_LINE_SEARCH = 64 * 1024 * 1024;

// Next to the bundle (dist/); absent when running from the TypeScript sources, which then read with one thread.
const WORKER_URL = new URL('./tail-worker.js', import.meta.url);

/** What the worker read besides its spans. Line numbers count from its first line. */
export interface TailLines {
  tally: LinesTally;
  warnings: Warning[];
  /** Valid runtime lines, to be added in order after the first half's. */
  runtime: unknown[];
  profiles: Profile[];
}

export type TailMessage =
  | { type: 'bytes'; n: number }
  | { type: 'spans'; spans: EncodedSpans }
  | { type: 'done'; tail: TailLines };

export interface TailData {
  workerPath: string;
  from: number;
}

export interface TailRead {
  /** The second half's spans (in file order) and the rest; rejects when the worker fails. */
  result: Promise<TailLines & { spans: Span[] }>;
  cancel(): void;
}

/**
 * The byte a second reader of `path` should start at (just after the first line break past the middle), or
 * undefined when one reader is better: a small or gzipped file, one CPU, no line break near the middle.
 */
export async function planSplit(path: string, minBytes: number): Promise<number | undefined> {
  if (!(minBytes < Number.POSITIVE_INFINITY) || availableParallelism() < 2 || !existsSync(fileURLToPath(WORKER_URL))) return undefined;
  let fh;
  try {
    // Most inputs are small: they are only stat'ed. A gzip stream cannot be entered in the middle.
    const { size } = await stat(path);
    if (size < minBytes || size < 2 || (await isGzip(path))) return undefined;
    fh = await open(path, 'r');
    const buf = Buffer.alloc(1 << 20);
    const middle = Math.floor(size / 2);
    for (let at = middle; at < size && at < middle + MAX_LINE_SEARCH; at += buf.length) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, at);
      if (bytesRead === 0) break;
      const nl = buf.subarray(0, bytesRead).indexOf(10);
      if (nl >= 0) return at + nl + 1 < size ? at + nl + 1 : undefined;
    }
    return undefined;
  } catch {
    return undefined; // reading will report what is wrong with the file
  } finally {
    await fh?.close();
  }
}

/** Start a worker reading `path` from byte `from`; its spans are rebuilt here as they arrive. */
export function readTailInWorker(path: string, from: number, onBytes: (n: number) => void): TailRead {
  const data: TailData = { workerPath: path, from };
  const worker = new Worker(WORKER_URL, { workerData: data });
  const spans: Span[] = [];
  const result = new Promise<TailLines & { spans: Span[] }>((resolve, reject) => {
    worker.on('message', (m: TailMessage) => {
      if (m.type === 'bytes') onBytes(m.n);
      else if (m.type === 'spans') decodeSpans(m.spans, spans);
      else {
        resolve({ ...m.tail, spans });
        void worker.terminate();
      }
    });
    worker.once('error', reject);
    // After 'done' this rejects a settled promise: no effect.
    worker.once('exit', (code) => reject(new Error(`the reading worker stopped early (exit code ${code})`)));
  });
  // A cancelled read's rejection is expected and must not surface as an unhandled rejection.
  result.catch(() => undefined);
  return { result, cancel: () => void worker.terminate() };
}
