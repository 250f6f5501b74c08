/**
 * `timesink record -- cmd`: run a command with the recorder preloaded into every Node process it starts (through
 * NODE_OPTIONS, so `npm start` → node and cluster workers are covered), plus a CPU profile. stdio passes through,
 * SIGINT/SIGTERM/SIGHUP are forwarded (under 0x to the app itself), and the result is the child's exit code (under 0x
 * the app's; 128+n when killed by signal n).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE_DIR, type Manifest } from '../format/recording.js';
import { emptyManifest, readManifest, updateManifest } from './manifest-file.js';
import { anchorFile, anchorFunctionName, type ProfileAnchor } from './profile-anchor.js';
import { DEFAULT_PROFILE_INTERVAL_US, defaultOutDir, manifestSettings, readSettings } from './settings.js';
import { PPROF_MODULE_ENV } from './pprof-profiler.js';
import { readZeroXAppExit, ZEROX_EXIT_ENV } from './zerox-app-exit.js';
import { finishZeroXFolder } from './zerox-output.js';

export interface RecordOptions {
  command: string[];
  out?: string;
  /** false = --no-profile. */
  profile?: boolean;
  profiler?: '0x' | 'inspector' | 'pprof';
  /** CPU profile sampling interval, µs (default: $TIMESINK_PROFILE_INTERVAL_US, else V8's 1,000). */
  profileIntervalUs?: number;
  /** Who makes the spans (default: $TIMESINK_INSTRUMENTATIONS, else lean; see settings.ts). */
  instrumentations?: 'lean' | 'otel';
}

/** A built file next to this module (dist/cli.js → dist/<name>) or, from source, in ../dist. */
function builtFile(name: string): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const candidate of [path.join(here, name), path.join(here, '..', 'dist', name)]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find the built recorder (${name}); run \`node build.mjs\``);
}

/** The built recorder next to this module (dist/cli.js → dist/register.mjs) or, from source, in ../dist. */
export function registerEntry(kind: 'mjs' | 'cjs'): string {
  return builtFile(`register.${kind}`);
}

/** 128+n for a death by signal n, as a shell reports it. */
function exitCodeOf(code: number | null, signal: NodeJS.Signals | null, fallback: number): number {
  if (signal) return 128 + (os.constants.signals[signal] ?? 0);
  return code ?? fallback;
}

function isNodeCommand(cmd: string): boolean {
  const base = path.basename(cmd);
  return base === 'node' || base === 'nodejs' || cmd === process.execPath;
}

function say(message: string): void {
  process.stderr.write(`[timesink] ${message}\n`);
}

export async function runRecord(opts: RecordOptions): Promise<number> {
  if (opts.command.length === 0) throw new Error('record needs a command');
  const out = path.resolve(opts.out ?? process.env.TIMESINK_OUT ?? defaultOutDir());
  fs.mkdirSync(path.join(out, PROFILE_DIR), { recursive: true });

  let profiler: Manifest['settings']['profiler'] = opts.profile === false ? 'none' : (opts.profiler ?? '0x');
  if (profiler === '0x' && !isNodeCommand(opts.command[0]!)) {
    // 0x starts `node` itself; for `npm start` and friends the in-process profiler works in every node child.
    say(`0x can only profile a \`node …\` command; using the inspector profiler for \`${opts.command[0]}\``);
    profiler = 'inspector';
  }

  const register = registerEntry('mjs');
  const zeroXExitFile = path.join(out, PROFILE_DIR, '0x-app-exit.json');
  // --import covers CommonJS (require hooks) and ES modules (the loader hook) alike; quoted for paths with spaces.
  const nodeOptions = [process.env.NODE_OPTIONS, `--import "${register}"`].filter(Boolean).join(' ');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // 0x is a node program itself and must not be recorded: the recorder goes on its node command line instead,
    // and the app's recorder puts NODE_OPTIONS back for the app's own children (TIMESINK_NODE_OPTIONS).
    NODE_OPTIONS: profiler === '0x' ? process.env.NODE_OPTIONS : nodeOptions,
    TIMESINK_NODE_OPTIONS: nodeOptions,
    TIMESINK_OUT: out,
    TIMESINK_PROFILER: profiler,
    TIMESINK_COMMAND: JSON.stringify(opts.command),
    ...(profiler === 'pprof' ? pprofModuleEnv() : {}),
    ...(profiler === '0x' ? { [ZEROX_EXIT_ENV]: zeroXExitFile } : {}),
    ...(opts.profileIntervalUs !== undefined ? { TIMESINK_PROFILE_INTERVAL_US: String(opts.profileIntervalUs) } : {}),
    ...(opts.instrumentations !== undefined ? { TIMESINK_INSTRUMENTATIONS: opts.instrumentations } : {}),
  };
  // The same derivation the app's recorder makes from this environment.
  const recorderSettings = readSettings(env);
  const settings = manifestSettings(recorderSettings);
  updateManifest(out, (m) => ({ ...(m ?? emptyManifest(settings, Date.now() * 1000)), command: opts.command, settings }));

  const zeroXDir = path.join(out, PROFILE_DIR, '0x');
  const [cmd, ...args] = profiler === '0x' ? zeroXCommand(opts.command, zeroXDir, register, recorderSettings.profileIntervalUs) : opts.command;
  const child = spawn(cmd!, args, { stdio: 'inherit', env });
  // 0x does not pass SIGINT/SIGTERM on to the app it runs: it waits for the app, and kills it only on a second
  // signal. So the signal goes to the app itself, and 0x is left to write its output once the app has exited.
  const target = profiler === '0x' ? (): number | undefined => appProcessOf(out, child.pid, false)?.pid ?? onlyChildOf(child.pid) : undefined;
  const exit = await waitWithForwardedSignals(child, target);

  let code = exitCodeOf(exit.code, exit.signal, 1);
  if (profiler === '0x') {
    // 0x's own exit code is not the app's: take the app's as 0x saw it end (a signal too, which 0x itself drops),
    // else from what its recorder wrote (the observer could not run).
    const app = appProcessOf(out, child.pid);
    const observed = readZeroXAppExit(zeroXExitFile);
    fs.rmSync(zeroXExitFile, { force: true });
    if (observed) code = exitCodeOf(observed.code, observed.signal, code);
    else if (app?.exit) code = exitCodeOf(app.exit.code ?? null, (app.exit.signal ?? null) as NodeJS.Signals | null, code);
    finishZeroX(out, zeroXDir, app?.pid);
  } else if (profiler === 'inspector' || profiler === 'pprof') {
    finishInspector(out, profiler);
  }
  return code;
}

/** Where timesink's own copy of @datadog/pprof is, for the app's recorder (see pprof-profiler.ts); none: the app's. */
function pprofModuleEnv(): NodeJS.ProcessEnv {
  try {
    return { [PPROF_MODULE_ENV]: createRequire(import.meta.url).resolve('@datadog/pprof') };
  } catch {
    return {};
  }
}

function zeroXCommand(command: string[], outputDir: string, register: string, interval: number): string[] {
  const zeroX = createRequire(import.meta.url).resolve('0x/cmd.js');
  const [node, ...rest] = command;
  // 0x runs node with --print-opt-source, for the inlining notes of its flame graph: every optimised function's
  // source goes down a pipe that 0x parses line by line. timesink keeps only the ticks, and that flag cost more than
  // the sampling itself (realistic service: CPU/request ×1.46 under 0x, ×1.16 with it turned off). The app's
  // flags come after 0x's, so this one wins.
  rest.unshift('--no-print-opt-source', ...(interval === DEFAULT_PROFILE_INTERVAL_US ? [] : [`--prof-sampling-interval=${interval}`]), '--import', register);
  // 0x wants the node binary right after `--`; `node` means the one running us unless the user named another.
  // --working-dir: 0x writes the raw V8 log there before moving it into the output folder; keep it out of the cwd.
  return [
    process.execPath, '--require', builtFile('zerox-exit-observer.cjs'), zeroX, '--collect-only', '--quiet', '--output-dir', outputDir, '--working-dir', path.dirname(outputDir),
    '--', node === 'node' ? process.execPath : node!, ...rest,
  ];
}

/** The single child process of `pid` (Linux /proc), if it has exactly one. */
function onlyChildOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return children.length === 1 ? Number(children[0]) : undefined;
  } catch {
    return undefined; // not Linux, or already gone
  }
}

function trySignal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * Forwards SIGINT/SIGTERM/SIGHUP to the child, or, with `target`, to the process it names (the app under 0x). A
 * signal that arrives before the target is known (the app not started yet) goes to the child and is delivered to
 * the target as soon as it is known.
 */
function waitWithForwardedSignals(child: ChildProcess, target?: () => number | undefined): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  let retry: NodeJS.Timeout | undefined;
  const pending: NodeJS.Signals[] = [];
  const deliver = (): void => {
    const pid = target?.();
    if (pid === undefined) return;
    for (const sig of pending.splice(0)) trySignal(pid, sig);
    clearInterval(retry);
    retry = undefined;
  };
  const forward = (sig: NodeJS.Signals) => (): void => {
    // A terminal's Ctrl-C already reaches the whole foreground process group; forward it only when it cannot have.
    if (sig === 'SIGINT' && process.stdin.isTTY) return;
    if (!target) {
      child.kill(sig);
      return;
    }
    pending.push(sig);
    deliver();
    if (pending.length === 0) return;
    // Not known yet: keep trying, and tell the wrapper too (0x force-closes the app on a repeated signal).
    child.kill(sig);
    if (retry === undefined) retry = setInterval(deliver, 50);
  };
  const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as NodeJS.Signals[]).map((sig) => [sig, forward(sig)] as const);
  for (const [sig, h] of handlers) process.on(sig, h);
  const done = (): void => {
    clearInterval(retry);
    for (const [sig, h] of handlers) process.removeListener(sig, h);
  };
  return new Promise((resolve, reject) => {
    child.on('error', (err) => {
      done();
      reject(err);
    });
    child.on('exit', (code, signal) => {
      done();
      resolve({ code, signal });
    });
  });
}

/** The app process 0x started: the recorded process whose parent is 0x. */
function appProcessOf(out: string, zeroXPid: number | undefined, orFirst = true): Manifest['processes'][number] | undefined {
  const m = readManifest(out);
  return m?.processes.find((p) => p.ppid === zeroXPid) ?? (orFirst ? m?.processes[0] : undefined);
}

/**
 * Keeps of the 0x output only the (compacted) tick JSON the analyzer reads, and maps its tick clock onto epoch µs
 * using the anchor the app's recorder planted.
 */
function finishZeroX(out: string, zeroXDir: string, pid: number | undefined): void {
  const files: string[] = [];
  let profileOffsetUs: number | undefined;
  let errorUs: number | undefined;
  try {
    const kept = finishZeroXFolder(zeroXDir, path.dirname(zeroXDir), pid, pid === undefined ? undefined : anchorFunctionName(pid));
    if (process.env.TIMESINK_DEBUG) say(`0x output ${kept.bytesBefore} → ${kept.bytesAfter} bytes`);
    if (kept.ticksFile) files.push(path.posix.join(PROFILE_DIR, '0x', kept.ticksFile));
    const anchor = pid === undefined ? undefined : readAnchor(out, pid);
    if (anchor && kept.anchorLogUs !== undefined) {
      profileOffsetUs = Math.round((anchor.beforeUs + anchor.afterUs) / 2 - kept.anchorLogUs);
      errorUs = Math.ceil((anchor.afterUs - anchor.beforeUs) / 2) + 1;
    }
  } catch (err) {
    say(`could not read the 0x profile (${(err as Error).message})`);
  }
  if (files.length === 0) return;
  if (profileOffsetUs === undefined) say('the 0x profile could not be aligned with the spans (no clock anchor found)');
  updateManifest(out, (m) => {
    const base = m ?? emptyManifest({ redact: true, onThread: true, runtimeIntervalMs: 100, profiler: '0x' }, Date.now() * 1000);
    return {
      ...base,
      profile: { format: '0x', files, pid },
      processes: base.processes.map((p) =>
        p.pid === pid && profileOffsetUs !== undefined
          ? { ...p, clock: { ...p.clock, profileOffsetUs, errorUs: Math.max(p.clock.errorUs ?? 0, errorUs ?? 0) } }
          : p,
      ),
    };
  });
}

function readAnchor(out: string, pid: number): ProfileAnchor | undefined {
  try {
    return JSON.parse(fs.readFileSync(anchorFile(out, pid), 'utf8')) as ProfileAnchor;
  } catch {
    return undefined;
  }
}

/** The in-process profilers (inspector, pprof) each wrote <pid>.cpuprofile: list them in the manifest. */
function finishInspector(out: string, profiler: 'inspector' | 'pprof'): void {
  let files: string[] = [];
  try {
    files = fs
      .readdirSync(path.join(out, PROFILE_DIR))
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.posix.join(PROFILE_DIR, f));
  } catch {
    return;
  }
  if (files.length === 0) return;
  updateManifest(out, (m) => {
    const base = m ?? emptyManifest({ redact: true, onThread: true, runtimeIntervalMs: 100, profiler }, Date.now() * 1000);
    const pid = Number(path.basename(files[0]!, '.cpuprofile'));
    return { ...base, profile: { format: 'cpuprofile', files, pid } };
  });
}
