/**
 * manifest.json is shared by every process of a recording (npm → node, cluster workers) and by `record`.
 * Each writer merges its own part under a short lock (an exclusive mkdir) and replaces the file atomically
 * (write to a temp file, rename), so a reader never sees half a manifest and no writer erases another's entry.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FORMAT_VERSION, MANIFEST_FILE, type Manifest, type ProcessEntry } from '../format/recording.js';
import { TIMESINK_VERSION } from './version.js';

// Captured before the fs instrumentation can patch them: our own I/O must never show up as spans.
const { readFileSync, writeFileSync, renameSync, mkdirSync, rmdirSync, statSync } = fs;

const LOCK_WAIT_MS = 200;
const LOCK_STALE_MS = 2000;

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function withLock<T>(dir: string, fn: () => T): T {
  const lock = path.join(dir, '.manifest.lock');
  const deadline = Date.now() + LOCK_WAIT_MS;
  let held = false;
  while (!held) {
    try {
      mkdirSync(lock);
      held = true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmdirSync(lock);
      } catch {
        // the holder just released it
      }
      if (Date.now() > deadline) break; // proceed unlocked rather than stall the app
      sleepSync(2);
    }
  }
  try {
    return fn();
  } finally {
    if (held) {
      try {
        rmdirSync(lock);
      } catch {
        // removed as stale by another writer
      }
    }
  }
}

export function readManifest(dir: string): Manifest | null {
  try {
    return JSON.parse(readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')) as Manifest;
  } catch {
    return null;
  }
}

export function emptyManifest(settings: Manifest['settings'], startUs: number): Manifest {
  return { format: 'timesink-recording', formatVersion: FORMAT_VERSION, timesinkVersion: TIMESINK_VERSION, startUs, settings, processes: [] };
}

/** Read-merge-write under the lock. Throws on I/O errors (callers warn once). */
export function updateManifest(dir: string, mutate: (current: Manifest | null) => Manifest): void {
  withLock(dir, () => {
    const next = mutate(readManifest(dir));
    const file = path.join(dir, MANIFEST_FILE);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`);
    renameSync(tmp, file);
  });
}

/** Puts one process's entry into the manifest (replacing its previous version) and widens start/end. */
export function mergeProcess(current: Manifest | null, entry: ProcessEntry, settings: Manifest['settings'], command?: string[]): Manifest {
  const m = current ?? emptyManifest(settings, entry.startUs);
  const processes = m.processes.filter((p) => p.pid !== entry.pid);
  processes.push(entry);
  processes.sort((a, b) => a.startUs - b.startUs);
  const ends = processes.map((p) => p.endUs).filter((e): e is number => e !== undefined);
  return {
    ...m,
    command: m.command ?? command,
    availableParallelism: m.availableParallelism ?? os.availableParallelism(),
    startUs: Math.min(m.startUs, entry.startUs),
    endUs: ends.length ? Math.max(...ends, m.endUs ?? 0) : m.endUs,
    processes,
  };
}
