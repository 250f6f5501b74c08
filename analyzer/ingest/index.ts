import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { MANIFEST_FILE, type Manifest } from '../../format/recording.js';
import { newAccumulator, type Accumulator } from './accumulator.js';
import { readFile } from './read-file.js';
import { readManifest, readRecording, recordingFiles } from './recording.js';
import { finishRuntime } from './runtime-lines.js';
import { InputError, type IngestOptions, type IngestResult } from './types.js';

export { InputError } from './types.js';
export type { IngestOptions, IngestResult } from './types.js';

/** One unit of work: a file, or a recording directory read as a whole. */
type Job =
  | { kind: 'file'; path: string; discovered: boolean; bytes: number }
  | { kind: 'recording'; dir: string; manifest: Manifest; files: Awaited<ReturnType<typeof recordingFiles>>; bytes: number };

/**
 * Read traces, recordings and profiles from files and directories (recursively). Formats are detected from
 * content; gzip is accepted anywhere. Throws InputError for an input the user named that cannot be read at all;
 * damage inside a file becomes a warning and `partial: true`.
 */
export async function ingest(paths: string[], opts: IngestOptions = {}): Promise<IngestResult> {
  const jobs: Job[] = [];
  for (const p of paths) await plan(resolve(p), p, false, jobs);
  const total = jobs.reduce((n, j) => n + j.bytes, 0);
  let done = 0;
  const acc = newAccumulator((n) => {
    done += n;
    opts.onProgress?.(done, total);
  });
  for (const job of jobs) {
    if (job.kind === 'recording') await readRecording(job.dir, job.manifest, job.files, acc);
    else await readFile(job.path, acc, { discovered: job.discovered, splitMinBytes: opts.splitMinBytes });
  }
  return finish(acc);
}

function finish(acc: Accumulator): IngestResult {
  finishRuntime(acc.runtime);
  return {
    spans: acc.spans,
    runtime: acc.runtime,
    profiles: acc.profiles,
    manifests: acc.manifests,
    files: acc.files,
    warnings: acc.warnings.list(),
    partial: acc.partial,
  };
}

async function planRecording(dir: string, manifest: Manifest, jobs: Job[]): Promise<void> {
  const files = await recordingFiles(dir);
  let bytes = 0;
  for (const f of [...files.spans, ...files.runtime, ...files.profile]) bytes += (await stat(f)).size;
  jobs.push({ kind: 'recording', dir, manifest, files, bytes });
}

async function plan(path: string, asGiven: string, discovered: boolean, jobs: Job[]): Promise<void> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${asGiven}: no such file or directory` : `${asGiven}: cannot open (${code ?? (e as Error).message})`, path);
  }
  if (st.isFile()) {
    // Naming a recording's manifest means the recording.
    if (basename(path) === MANIFEST_FILE && !discovered) {
      const manifest = await readManifest(dirname(path));
      if (manifest) return planRecording(dirname(path), manifest, jobs);
    }
    jobs.push({ kind: 'file', path, discovered, bytes: st.size });
    return;
  }
  if (!st.isDirectory()) {
    if (!discovered) throw new InputError(`${asGiven}: not a file or directory`, path);
    return;
  }
  const manifest = await readManifest(path);
  if (manifest) return planRecording(path, manifest, jobs);
  const before = jobs.length;
  const entries = (await readdir(path, { withFileTypes: true })).filter((e) => !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name));
  // A 0x output folder: only the preprocessed tick JSON is a profile; the raw V8 log and meta.json are not.
  const zeroX = entries.some((e) => e.name.endsWith('-v8.log.json'));
  for (const e of entries) {
    if (zeroX && e.isFile() && !e.name.endsWith('-v8.log.json')) continue;
    await plan(join(path, e.name), join(asGiven, e.name), true, jobs);
  }
  if (!discovered && jobs.length === before) throw new InputError(`${asGiven}: the directory holds no files`, path);
}
