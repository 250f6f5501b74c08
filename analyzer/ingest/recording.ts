import { readdir, readFile as readText } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { MANIFEST_FILE, PROFILE_DIR, RUNTIME_PREFIX, SPANS_PREFIX, type ClockMapping, type Manifest } from '../../format/recording.js';
import { busyOutsideSpans } from '../model/runtime.js';
import type { Accumulator } from './accumulator.js';
import { readFile } from './read-file.js';
import { pointPastHelpers } from './helper-callers.js';
import { relativizeLocations } from './relative-locations.js';
import { InputError } from './types.js';

/** A directory is a timesink recording when it holds a manifest.json saying so. */
export async function readManifest(dir: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readText(join(dir, MANIFEST_FILE), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const m = JSON.parse(text) as Manifest;
    return m && m.format === 'timesink-recording' ? m : undefined;
  } catch (e) {
    // The recorder rewrites the manifest; a crash mid-write leaves it broken. Spans are still readable.
    throw new InputError(`${join(dir, MANIFEST_FILE)}: not valid JSON (${(e as Error).message}); the recording's manifest is damaged`, dir);
  }
}

/** The files of a recording, in the order they are read. */
export async function recordingFiles(dir: string): Promise<{ spans: string[]; runtime: string[]; profile: string[] }> {
  const names = (await readdir(dir)).sort();
  const pick = (prefix: string) => names.filter((n) => n.startsWith(`${prefix}-`) && /\.jsonl(\.gz)?$/.test(n)).map((n) => join(dir, n));
  const profile: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      // 0x leaves the raw V8 log next to its preprocessed JSON: only the JSON is read.
      else if (e.name.endsWith('.cpuprofile') || e.name.endsWith('-v8.log.json') || e.name.endsWith('.speedscope.json')) profile.push(p);
    }
  };
  await walk(join(dir, PROFILE_DIR));
  return { spans: pick(SPANS_PREFIX), runtime: pick(RUNTIME_PREFIX), profile };
}

/** Read a recording directory (format/recording.ts) into `acc`. */
export async function readRecording(dir: string, manifest: Manifest, files: Awaited<ReturnType<typeof recordingFiles>>, acc: Accumulator): Promise<void> {
  acc.manifests.push(manifest);
  const spansBefore = acc.spans.length;
  const samplesBefore = acc.runtime.samples.length;
  const gcBefore = acc.runtime.gc.length;
  const profilesBefore = acc.profiles.length;
  for (const f of files.spans) await readFile(f, acc, { discovered: true });
  for (const f of files.runtime) await readFile(f, acc, { discovered: true });
  const clockFor = (pid: number | undefined): ClockMapping | undefined => {
    const procs = manifest.processes ?? [];
    const p =
      pid === undefined
        ? manifest.profile?.pid !== undefined
          ? procs.find((x) => x.pid === manifest.profile?.pid)
          : procs.length === 1
            ? procs[0]
            : undefined
        : procs.find((x) => x.pid === pid);
    return p?.clock;
  };
  for (const f of files.profile) await readFile(f, acc, { discovered: true, clockFor });
  pointPastHelpers(acc.spans, spansBefore);
  relativizeLocations(acc.spans, acc.profiles, manifest.processes ?? [], { spans: spansBefore, profiles: profilesBefore });

  const name = basename(dir);
  for (const p of manifest.processes ?? []) {
    if (p.droppedSpans > 0) {
      acc.warnings.add('dropped-spans', `${name}: the recorder dropped ${p.droppedSpans} span(s) of process ${p.pid} (queue overflow or write error); traces may be incomplete`, dir, p.droppedSpans);
    }
    for (const w of p.warnings ?? []) acc.warnings.add('recorder-warning', `${name} (pid ${p.pid}): ${w}`, dir);
  }
  if (manifest.endUs === undefined) {
    let lastUs = manifest.startUs;
    for (let i = spansBefore; i < acc.spans.length; i++) if (acc.spans[i]!.endUs > lastUs) lastUs = acc.spans[i]!.endUs;
    for (let i = samplesBefore; i < acc.runtime.samples.length; i++) if (acc.runtime.samples[i]!.timeUs > lastUs) lastUs = acc.runtime.samples[i]!.timeUs;
    for (let i = gcBefore; i < acc.runtime.gc.length; i++) lastUs = Math.max(lastUs, acc.runtime.gc[i]!.startUs + acc.runtime.gc[i]!.durationUs);
    const pids = new Set((manifest.processes ?? []).map((p) => p.pid));
    for (const [pid, slices] of busyOutsideSpans(acc.runtime)) if (pids.has(pid)) for (const s of slices) lastUs = Math.max(lastUs, s.endUs);
    const when = Number.isFinite(lastUs) ? new Date(lastUs / 1000).toISOString() : 'unknown';
    acc.partial = true;
    acc.warnings.add('recording-not-closed', `${name}: recording was not closed cleanly: the process may have crashed; data up to ${when} is used`, dir);
  }
  if (files.spans.length === 0) acc.warnings.add('no-span-files', `${name}: the recording has no spans-*.jsonl file`, dir);
}
