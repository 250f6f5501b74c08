/**
 * `--profiler pprof`: Datadog's sampling wall-time profiler (@datadog/pprof, prebuilt for Node 18–25), in-process.
 * Unlike V8's CPU profiler it samples a thread blocked in a system call too, and with collectCpuTime each sample
 * carries the thread's CPU time since the previous one: a stack that sat in execSync shows wall time without CPU.
 * At exit the profile is written as a V8 .cpuprofile (what `--profiler inspector` writes, read by the same reader),
 * samples in time order on the monotonic clock, plus `timesinkCpuUs`: per sample, the thread's CPU time µs since the
 * previous sample (docs/recording-format.md).
 * The native module is loaded only when this profiler is chosen; if it cannot load, one warning and no profile.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { warnOnce } from './warn.js';

const { writeFileSync } = fs;

/** Where `record` found @datadog/pprof (an absolute path), for the app's recorder to load the same copy. */
export const PPROF_MODULE_ENV = 'TIMESINK_PPROF_MODULE';

/** The parts of @datadog/pprof's time profiler used here (its profile is a pprof-format Profile). */
interface PprofProfile {
  sample: { locationId: (number | bigint)[]; label: { key: number | bigint; num: number | bigint }[] }[];
  location: { id: number | bigint; line: { functionId: number | bigint; line: number | bigint }[] }[];
  function: { id: number | bigint; name: number | bigint; filename: number | bigint; startLine: number | bigint }[];
  stringTable: { strings: string[] };
}
interface TimeContext {
  timestamp?: bigint;
  cpuTime?: number;
}
interface PprofModule {
  time: {
    start(options: { intervalMicros: number; durationMillis: number; withContexts: boolean; collectCpuTime: boolean; lineNumbers: boolean }): void;
    stop(restart: boolean, labels: (args: { context?: TimeContext }) => Record<string, number>): PprofProfile;
    isStarted(): boolean;
  };
}

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number };
  children: number[];
}
export interface ConvertedProfile {
  nodes: CpuProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
  /** Per sample: the sampled thread's CPU time since the previous sample, µs (absent: not measured). */
  timesinkCpuUs: number[];
}

/** Sample labels this module asks for: when (epoch µs) and the CPU time since the previous sample (ns). */
const TS = 'timesink_ts_us';
/** @datadog/pprof's names for its synthetic GC frame and the runtime frame above it (profile-serializer.js). */
const PPROF_GC = 'Garbage Collection';
const PPROF_RUNTIME_NODE = 'Node.js';
const CPU = 'timesink_cpu_ns';

/**
 * pprof time profiles (samples labelled with TS and CPU), collected one after another, → one .cpuprofile.
 * `epochToMonoUs` is subtracted from the samples' epoch µs to put them on the monotonic clock the manifest's
 * profileOffsetUs maps back. Unlabelled samples (no timestamp) are left out: they cannot be placed in time.
 */
export class CpuProfileAssembler {
  private readonly nodes: CpuProfileNode[] = [
    { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [] },
  ];
  /** "parent/function name/file/line" → node id. */
  private readonly childByKey = new Map<string, number>();
  private readonly timed: { ts: number; node: number; cpuUs: number }[] = [];

  constructor(
    private readonly epochToMonoUs: number,
    private readonly intervalUs: number,
  ) {}

  private childOf(parent: number, name: string, url: string, line: number): number {
    const key = `${parent}/${name}/${url}/${line}`;
    const hit = this.childByKey.get(key);
    if (hit !== undefined) return hit;
    const id = this.nodes.length + 1;
    this.nodes.push({ id, callFrame: { functionName: name, scriptId: '0', url, lineNumber: line > 0 ? line - 1 : -1, columnNumber: -1 }, children: [] });
    this.nodes[parent - 1]!.children.push(id);
    this.childByKey.set(key, id);
    return id;
  }

  add(p: PprofProfile): void {
    const str = (i: number | bigint): string => p.stringTable.strings[Number(i)] ?? '';
    const fnById = new Map(p.function.map((f) => [Number(f.id), f]));
    const locById = new Map(p.location.map((l) => [Number(l.id), l]));
    const tsKey = p.stringTable.strings.indexOf(TS);
    const cpuKey = p.stringTable.strings.indexOf(CPU);
    for (const s of p.sample) {
      let ts: number | undefined;
      let cpuUs = -1;
      for (const l of s.label) {
        if (Number(l.key) === tsKey) ts = Number(l.num);
        else if (Number(l.key) === cpuKey) cpuUs = Number(l.num) / 1000;
      }
      // Timestamp 0: pprof's pseudo-sample carrying the other threads' CPU time, not a sample of this thread.
      if (ts === undefined || ts <= 0) continue;
      let node = 1;
      // pprof lists a sample's locations leaf first; each location's lines innermost (inlined) first.
      for (let i = s.locationId.length - 1; i >= 0; i--) {
        const loc = locById.get(Number(s.locationId[i]));
        if (!loc) continue;
        for (let j = loc.line.length - 1; j >= 0; j--) {
          const f = fnById.get(Number(loc.line[j]!.functionId));
          const name = f ? str(f.name) : '(unknown)';
          // pprof files GC samples as "Node.js" → "Garbage Collection"; V8's profiles call them "(garbage collector)".
          if (name === PPROF_RUNTIME_NODE && !(f && str(f.filename))) continue;
          node = this.childOf(node, name === PPROF_GC ? '(garbage collector)' : name, f ? str(f.filename) : '', Number(loc.line[j]!.line));
        }
      }
      this.timed.push({ ts: ts - this.epochToMonoUs, node, cpuUs });
    }
  }

  result(): ConvertedProfile {
    const timed = this.timed.sort((a, b) => a.ts - b.ts);
    const samples: number[] = [];
    const timeDeltas: number[] = [];
    const timesinkCpuUs: number[] = [];
    const startTime = timed.length ? Math.round(timed[0]!.ts) : 0;
    let prev = startTime;
    for (const t of timed) {
      samples.push(t.node);
      const at = Math.round(t.ts);
      timeDeltas.push(at - prev);
      prev = at;
      timesinkCpuUs.push(Math.round(t.cpuUs));
    }
    return { nodes: this.nodes, startTime, endTime: prev + this.intervalUs, samples, timeDeltas, timesinkCpuUs };
  }
}

/**
 * The profiler keeps each sample's context in a buffer sized for durationMillis (a year's worth aborts the process
 * with bad_alloc): it is collected, and restarted, every COLLECT_MS.
 */
const DURATION_MS = 60_000;
const COLLECT_MS = 20_000;

export class PprofProfiler {
  private pprof: PprofModule | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly assembler: CpuProfileAssembler;
  active = false;

  constructor(
    private readonly samplingIntervalUs = 1000,
    /** epoch µs − monotonic µs (the recorder's clock mapping, manifest clock.profileOffsetUs). */
    profileOffsetUs = 0,
  ) {
    this.assembler = new CpuProfileAssembler(profileOffsetUs, samplingIntervalUs);
  }

  /** Takes the samples so far into the assembler; restart: keep profiling. */
  private collect(restart: boolean): void {
    const m = this.pprof;
    if (!m || !m.time.isStarted()) return;
    try {
      const profile = m.time.stop(restart, ({ context }) =>
        context?.timestamp === undefined ? {} : { [TS]: Number(context.timestamp), ...(context.cpuTime !== undefined ? { [CPU]: context.cpuTime } : {}) },
      );
      this.assembler.add(profile);
    } catch (err) {
      warnOnce('profiler-collect', `cannot collect the pprof profile (${(err as Error).message})`);
    }
  }

  start(): void {
    try {
      // The module stops its profiler in an 'exit' listener of its own, which would run before the recorder's (it is
      // added later) and leave nothing to write: it is removed, and the recorder's exit hook stops the profiler.
      const before = new Set(process.listeners('exit'));
      // `record` passes the copy next to timesink (PPROF_MODULE_ENV); with --require alone, the app's dependencies.
      const req = createRequire(path.join(process.cwd(), 'timesink-recorder.js'));
      const mod = req(process.env[PPROF_MODULE_ENV] || '@datadog/pprof') as PprofModule;
      for (const l of process.listeners('exit')) if (!before.has(l)) process.removeListener('exit', l);
      mod.time.start({
        intervalMicros: this.samplingIntervalUs,
        durationMillis: DURATION_MS,
        // A context per sample is what carries its timestamp and CPU time; it is never changed (no per-switch cost).
        withContexts: true,
        collectCpuTime: true,
        lineNumbers: false,
      });
      this.timer = setInterval(() => this.collect(true), COLLECT_MS);
      this.timer.unref();
      this.pprof = mod;
      this.active = true;
    } catch (err) {
      warnOnce('profiler', `cannot start the pprof profiler (${(err as Error).message}); recording without a profile`);
    }
  }

  /** Stops and writes the .cpuprofile; true when the file was written. */
  stopTo(file: string): boolean {
    if (!this.pprof) return false;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.collect(false);
    this.pprof = null;
    this.active = false;
    try {
      writeFileSync(file, JSON.stringify(this.assembler.result()));
      return true;
    } catch (err) {
      warnOnce('profiler-write', `cannot write the CPU profile (${(err as Error).message})`);
      return false;
    }
  }
}
