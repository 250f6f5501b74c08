/**
 * `runRecord` end to end: real child processes, both profilers, and the acceptance test of the clock mapping —
 * CPU samples taken during a planted burn must land inside that burn's on-thread slice (±1 ms) once mapped.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { ingest } from '../analyzer/ingest/index.js';
import { runRecord } from './record.js';
import { FIXTURES, REPO, parseSlices, readManifestFile, readSpans, tempDir, type FlatSpan } from './testing/support.js';

const CJS_APP = path.join(FIXTURES, 'cjs-app.cjs');

/** The burn's on-thread interval, epoch µs: the longest slice of the planted-burn span. */
function burnInterval(dir: string): [number, number] {
  const burn = readSpans(dir).find((s: FlatSpan) => s.name === 'planted-burn')!;
  const start = burn.attrs[ATTR.startUs] as number;
  const longest = parseSlices(burn.attrs[ATTR.slices] as string).reduce((a, b) => (b[1] > a[1] ? b : a));
  return [start + longest[0], start + longest[0] + longest[1]];
}

/**
 * Mapped times of the samples whose stack contains burnCpu must fall inside the burn's slice. The mapping itself is
 * µs-exact (clock.errorUs); a sample's own timestamp can lag its stack capture when the machine is overloaded, so
 * one sample in ten may miss by more than 1 ms, none by more than 5 ms.
 */
function expectAligned(burnSamplesUs: number[], [from, to]: [number, number]): void {
  const detail = `burn [${from}, ${to}], sample offsets ms: ${burnSamplesUs.map((t) => ((t - from) / 1000).toFixed(2)).join(' ')}`;
  // ~1 sample per ms during a 30 ms burn; on a loaded machine many are lost or unresolved, a few suffice.
  expect(burnSamplesUs.length, detail).toBeGreaterThanOrEqual(5);
  const missBy = (slackUs: number): number[] => burnSamplesUs.filter((t) => t < from - slackUs || t > to + slackUs);
  expect(missBy(1000).length, detail).toBeLessThanOrEqual(Math.floor(burnSamplesUs.length / 10));
  expect(missBy(5000), detail).toEqual([]);
  // They spread over the burn rather than bunching at one end (a constant offset error would shift them all).
  expect(Math.max(...burnSamplesUs) - Math.min(...burnSamplesUs), detail).toBeGreaterThan((to - from) / 3);
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string }; children?: number[] }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

describe('runRecord', () => {
  it('profiles in-process with the inspector and maps samples onto span time within 1 ms', async () => {
    const out = tempDir();
    const code = await runRecord({ command: ['node', CJS_APP], out, profiler: 'inspector' });
    expect(code).toBe(0);
    const m = readManifestFile(out);
    expect(m.command).toEqual(['node', CJS_APP]);
    expect(m.settings.profiler).toBe('inspector');
    // The cores a saturated service could spread over (analysis.saturation.coresAvailable).
    expect(m.availableParallelism).toBe(os.availableParallelism());
    const proc = m.processes.find((p) => p.files.some((f) => f.endsWith('.cpuprofile')))!;
    expect(m.profile).toEqual({ format: 'cpuprofile', files: [`profile/${proc.pid}.cpuprofile`], pid: proc.pid });
    const profile = JSON.parse(fs.readFileSync(path.join(out, m.profile!.files[0]!), 'utf8')) as CpuProfile;
    // Nodes under burnCpu: the burn's own frame or anything it calls (performance.now, Math.sqrt).
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const inBurn = (id: number | undefined): boolean => {
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) if (byId.get(cur)?.callFrame.functionName === 'burnCpu') return true;
      return false;
    };
    const burnTimes: number[] = [];
    let ts = profile.startTime;
    profile.samples.forEach((id, i) => {
      ts += profile.timeDeltas[i]!;
      if (inBurn(id)) burnTimes.push(ts + proc.clock.profileOffsetUs!);
    });
    expectAligned(burnTimes, burnInterval(out));
    // While the profiler samples, runtime samples say so (ELU reads high then).
    expect(fs.readFileSync(path.join(out, `runtime-${proc.pid}.jsonl`), 'utf8')).toContain('"profilerActive":true');
  });

  it('profiles with 0x and maps its ticks onto span time within 1 ms', async () => {
    const out = tempDir();
    const code = await runRecord({ command: ['node', CJS_APP], out });
    expect(code).toBe(0);
    const m = readManifestFile(out);
    expect(m.profile?.format).toBe('0x');
    const proc = m.processes.find((p) => p.pid === m.profile!.pid)!;
    expect(proc.argv[1]).toBe(CJS_APP);
    const logJson = m.profile!.files.find((f) => f.endsWith('.log.json'))!;
    const v8 = JSON.parse(fs.readFileSync(path.join(out, logJson), 'utf8')) as { code: { name: string }[]; ticks: { tm: number; s: number[] }[] };
    const burnCode = new Set(v8.code.flatMap((c, i) => (c.name.includes('burnCpu') ? [i] : [])));
    expect(burnCode.size).toBeGreaterThan(0);
    const burnTimes = v8.ticks.filter((t) => t.s.some((x, i) => i % 2 === 0 && burnCode.has(x))).map((t) => t.tm + proc.clock.profileOffsetUs!);
    expectAligned(burnTimes, burnInterval(out));
    // Only the compacted tick JSON of the app's main thread is kept: no raw V8 logs, no 0x side files.
    expect(m.profile!.files).toEqual([logJson]);
    expect(fs.readdirSync(path.join(out, 'profile', '0x'))).toEqual([path.basename(logJson)]);
    expect(fs.readdirSync(path.join(out, 'profile')).filter((f) => f.startsWith('isolate-'))).toEqual([]);
  });

  it('samples at TIMESINK_PROFILE_INTERVAL_US (0x) or the profileIntervalUs option (inspector), and says so in the manifest', async () => {
    const saved = process.env.TIMESINK_PROFILE_INTERVAL_US;
    process.env.TIMESINK_PROFILE_INTERVAL_US = '5000';
    try {
      const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
      // A sample can come late or be lost on a loaded machine (gaps grow), never early: at 1 ms the median gap is ~1 ms.
      const zeroX = tempDir();
      expect(await runRecord({ command: ['node', CJS_APP], out: zeroX })).toBe(0);
      const m = readManifestFile(zeroX);
      expect(m.settings.profileIntervalUs).toBe(5000);
      const v8 = JSON.parse(fs.readFileSync(path.join(zeroX, m.profile!.files[0]!), 'utf8')) as { ticks: { tm: number }[] };
      const tm = v8.ticks.map((t) => t.tm).sort((a, b) => a - b);
      expect(median(tm.slice(1).map((t, i) => t - tm[i]!))).toBeGreaterThanOrEqual(4000);
      const inspector = tempDir();
      delete process.env.TIMESINK_PROFILE_INTERVAL_US;
      expect(await runRecord({ command: ['node', CJS_APP], out: inspector, profiler: 'inspector', profileIntervalUs: 5000 })).toBe(0);
      const mi = readManifestFile(inspector);
      expect(mi.settings.profileIntervalUs).toBe(5000);
      const profile = JSON.parse(fs.readFileSync(path.join(inspector, mi.profile!.files[0]!), 'utf8')) as CpuProfile;
      expect(median(profile.timeDeltas.slice(1))).toBeGreaterThanOrEqual(4000);
    } finally {
      if (saved === undefined) delete process.env.TIMESINK_PROFILE_INTERVAL_US;
      else process.env.TIMESINK_PROFILE_INTERVAL_US = saved;
    }
  });

  it("returns the app's exit code, with 0x in between too", async () => {
    const app = path.join(FIXTURES, 'crash-app.cjs');
    expect(await runRecord({ command: ['node', app, 'exit-code'], out: tempDir(), profile: false })).toBe(7);
    expect(await runRecord({ command: ['node', app, 'exit-code'], out: tempDir() })).toBe(7);
    expect(await runRecord({ command: ['node', app, 'throw'], out: tempDir(), profile: false })).toBe(1);
  });

  it('records every node process a command starts, each in its own files', async () => {
    const out = tempDir();
    // A shell in front, like `npm start`: 0x cannot wrap it, so the in-process profiler is used.
    const code = await runRecord({ command: ['sh', '-c', `node ${path.join(FIXTURES, 'spawner-app.cjs')}`], out });
    expect(code).toBe(0);
    const m = readManifestFile(out);
    expect(m.settings.profiler).toBe('inspector');
    expect(m.processes).toHaveLength(2);
    const [parent, child] = m.processes;
    expect(child!.ppid).toBe(parent!.pid);
    expect(child!.exit?.code).toBe(7);
    const spans = readSpans(out);
    expect(spans.filter((s) => s.pidFile === `spans-${child!.pid}.jsonl`).map((s) => s.name)).toContain('finished-work');
    expect(m.profile?.files).toHaveLength(2);
  });

  it('records `npm start`: the app and its child, not npm itself', async () => {
    const out = tempDir();
    const code = await runRecord({ command: ['npm', '--prefix', path.join(FIXTURES, 'npm-start'), 'start', '--silent'], out, profile: false });
    expect(code).toBe(0);
    const m = readManifestFile(out);
    expect(m.processes.map((p) => path.basename(p.argv[1] ?? ''))).toEqual(['spawner-app.cjs', 'crash-app.cjs']);
  });

  it.each([
    ['without a profiler', false],
    ['through 0x', true],
  ])('forwards SIGTERM to the app (%s)', async (_label, profile) => {
    const out = tempDir();
    const before = new Set(process.listeners('SIGTERM'));
    const pending = runRecord({ command: ['node', path.join(FIXTURES, 'crash-app.cjs'), 'wait'], out, profile });
    // The recorder writes the manifest as it starts, before the app's own code runs; the app's first span
    // ('finished-work', flushed within a second) shows its code is running and 'pending-work' is open. Only then
    // deliver SIGTERM the way the OS would to us: earlier, the app would die before opening the span.
    const deadline = Date.now() + 10_000;
    const appRunning = (): boolean => {
      try {
        return readManifestFile(out).processes.length > 0 && readSpans(out).some((s) => s.name === 'finished-work');
      } catch {
        return false; // not written yet, or caught mid-write
      }
    };
    while (!appRunning()) {
      if (Date.now() > deadline) throw new Error('the app did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const forward = process.listeners('SIGTERM').filter((l) => !before.has(l));
    expect(forward).toHaveLength(1);
    (forward[0] as (sig: NodeJS.Signals) => void)('SIGTERM');
    const code = await pending;
    expect(process.listeners('SIGTERM').filter((l) => !before.has(l))).toHaveLength(0);
    const p = readManifestFile(out).processes[0]!;
    if (profile) {
      // Under 0x an unhandled signal ends the app with exit(128+n), not by the signal, so V8 closes its profile log.
      expect(code).toBe(143);
      expect(p.exit).toMatchObject({ code: 143, reason: 'exit' });
      expect(readManifestFile(out).profile?.files).toHaveLength(1);
    } else {
      // No handler in the app: the recorder flushes and re-raises, so the app dies by SIGTERM: 128+15.
      expect(code).toBe(143);
      expect(p.exit).toMatchObject({ signal: 'SIGTERM', reason: 'signal' });
    }
    expect(readSpans(out).find((s) => s.name === 'pending-work')?.attrs[ATTR.unfinished]).toBe(true);
  });

  it('stops an app under 0x on SIGTERM to `timesink record`: its shutdown runs, its exit code and profile are kept', async () => {
    const out = tempDir();
    // The real CLI in its own process, signalled the way a process manager or the samples harness does.
    const rec = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'record', '--out', out, '--', 'node', path.join(FIXTURES, 'graceful-server.cjs')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    rec.stdout.on('data', (c: Buffer) => (output += c));
    rec.stderr.on('data', (c: Buffer) => (output += c));
    const exited = new Promise<number | null>((resolve) => rec.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!output.includes('ready')) {
      if (Date.now() > deadline) throw new Error(`the app did not start:\n${output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1000)); // a second of work to profile
    rec.kill('SIGTERM');
    const killer = setTimeout(() => rec.kill('SIGKILL'), 30_000);
    const code = await exited;
    clearTimeout(killer);
    expect(output).toContain('shutting down (SIGTERM)');
    expect(output).toContain('graceful-server stopped');
    expect(code).toBe(5);
    const m = readManifestFile(out);
    const app = m.processes.find((p) => p.pid === m.profile?.pid)!;
    expect(app.exit).toMatchObject({ code: 5 });
    expect(m.profile?.format).toBe('0x');
    const [ticks] = m.profile!.files;
    // Compacted: a second of profile is tens of KB, not the MBs of 0x's raw output.
    expect(fs.statSync(path.join(out, ticks!)).size).toBeLessThan(1_000_000);
    const result = await ingest([out]);
    const profile = result.profiles.find((p) => p.source.endsWith(path.basename(ticks!)))!;
    expect(profile.timed).toBe(true);
    const busy = profile.frames.flatMap((f, i) => (f.name === 'busyWork' ? [i] : []));
    expect(busy.length).toBeGreaterThan(0);
    // Timed samples fall inside the app's lifetime: from node's start-up (before the recorder loads) to its
    // teardown (V8 still ticks for a few ms after the recorder's last word at 'exit').
    const times = profile.samples.map((x) => x.timeUs!);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(app.startUs - 2_000_000);
    expect(Math.max(...times)).toBeLessThanOrEqual(app.endUs! + 100_000);
    expect(Math.max(...times)).toBeGreaterThanOrEqual(app.endUs! - 200_000);
  }, 60_000);
});
