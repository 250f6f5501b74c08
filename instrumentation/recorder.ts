/**
 * Starts recording inside the app's process: span sources (lean ones, OpenTelemetry's for the rest), on-thread tracking, runtime
 * sampler, optional in-process CPU profiler, manifest, periodic flush and exit hooks.
 * Contract with the host app: never throw into it, never change its behaviour; on any internal failure say one
 * `[timesink]` line and let it run unrecorded.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import path from 'node:path';
import { context, diag, DiagLogLevel, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { BasicTracerProvider, type ReadableSpan, type Span } from '@opentelemetry/sdk-trace-base';
import { PROFILE_DIR, RUNTIME_PREFIX, SPANS_PREFIX, type ProcessEntry } from '../format/recording.js';
import { clockMapping, nowUs } from './clock.js';
import { LocationSampler } from './code-location.js';
import { TimesinkContextManager, timingOf } from './context-manager.js';
import { installExitHooks, type ExitInfo } from './exit-hooks.js';
import { InspectorProfiler } from './inspector-profiler.js';
import { createInstrumentations, PRELOADED_BUILTINS } from './instrumentations.js';
import { installLeanSources } from './lean/index.js';
import { LeanTracer } from './lean/lean-tracer.js';
import { LineFile } from './line-file.js';
import { LoadedLibraries } from './loaded-libraries.js';
import { mergeProcess, updateManifest } from './manifest-file.js';
import { OnThreadTracker } from './on-thread.js';
import { PprofProfiler } from './pprof-profiler.js';
import { writeProfileAnchor } from './profile-anchor.js';
import { attributesJson } from './otlp-json.js';
import { manifestSettings, readSettings, type RecorderSettings } from './settings.js';
import { RecordingSpanProcessor } from './span-processor.js';
import { RuntimeSampler } from './runtime-sampler.js';
import { threadCpuClock } from './thread-cpu.js';
import { TIMESINK_VERSION } from './version.js';
import { warnOnce, warningsSaid } from './warn.js';

const { mkdirSync } = fs;

/** Any file path will do for createRequire of core modules; this works in both the CJS and the ESM bundle. */
function __filename_or_url(): string {
  return path.join(process.cwd(), 'timesink-recorder.js');
}
const kStarted = Symbol.for('timesink.recorder');

export interface RecorderHandle {
  settings: RecorderSettings;
  processor: RecordingSpanProcessor | null;
  /** Writes everything buffered (spans, runtime lines; the manifest too when `final`). */
  flush(final?: boolean): void;
}

function serviceName(): string {
  if (process.env.OTEL_SERVICE_NAME) return process.env.OTEL_SERVICE_NAME;
  const main = process.argv[1];
  return main ? path.basename(main).replace(/\.[cm]?[jt]s$/, '') : 'node';
}

/** The command `record` ran, passed down as JSON so child processes agree on it. */
function commandFromEnv(): string[] | undefined {
  try {
    const c = process.env.TIMESINK_COMMAND ? (JSON.parse(process.env.TIMESINK_COMMAND) as unknown) : undefined;
    return Array.isArray(c) ? c.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/** The CLI scripts of npm, npx, yarn, pnpm and corepack. */
export function isPackageManager(script: string | undefined): boolean {
  if (!script) return false;
  return /(?:^|[\\/])(?:npm-cli|npx-cli)\.js$|[\\/]node_modules[\\/](?:npm|yarn|pnpm|corepack)[\\/]|(?:^|[\\/])(?:npm|npx|yarn|pnpm|corepack)(?:\.c?js)?$/.test(script);
}

export function startRecorder(): RecorderHandle | null {
  const g = globalThis as { [kStarted]?: RecorderHandle };
  if (g[kStarted]) return g[kStarted]; // both --require and --import given: one recorder
  // Worker threads inherit --require but share the pid (and so the file names) and cannot handle signals.
  if (!isMainThread) return null;
  // `record -- npm start`: npm (yarn, pnpm) passes NODE_OPTIONS on to the app; its own process is not the app.
  if (isPackageManager(process.argv[1])) return null;
  try {
    const handle = start();
    if (handle) g[kStarted] = handle;
    return handle;
  } catch (err) {
    warnOnce('start', `could not start recording (${(err as Error).message}); the app runs unrecorded`);
    return null;
  }
}

/** The recording's files and this process's manifest entry. */
interface ProcessFiles {
  spansFile: LineFile;
  runtimeFile: LineFile;
  entry: ProcessEntry;
}

/** Creates the output folder and names this process's files; null (with a warning) when the folder cannot be made. */
function openFiles(settings: RecorderSettings): ProcessFiles | null {
  const pid = process.pid;
  try {
    mkdirSync(settings.outDir, { recursive: true });
    if (settings.profiler === 'inspector' || settings.profiler === 'pprof') mkdirSync(path.join(settings.outDir, PROFILE_DIR), { recursive: true });
  } catch (err) {
    warnOnce('mkdir', `cannot create ${settings.outDir} (${(err as Error).message}); the app runs unrecorded`);
    return null;
  }
  // Child processes (cluster workers, spawned node) that load the recorder must write into the same directory,
  // not pick their own timestamped default.
  process.env.TIMESINK_OUT = settings.outDir;
  const spansName = `${SPANS_PREFIX}-${pid}.jsonl`;
  const runtimeName = `${RUNTIME_PREFIX}-${pid}.jsonl`;
  const entry: ProcessEntry = {
    pid,
    ppid: process.ppid,
    argv: process.argv.slice(),
    cwd: process.cwd(),
    nodeVersion: process.version,
    startUs: Math.round(nowUs()),
    clock: clockMapping(),
    files: [spansName, runtimeName],
    droppedSpans: 0,
    spansWritten: 0,
    warnings: [],
  };
  return { spansFile: new LineFile(path.join(settings.outDir, spansName)), runtimeFile: new LineFile(path.join(settings.outDir, runtimeName)), entry };
}

function resourceJson(): string {
  return attributesJson({
    'service.name': serviceName(),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'telemetry.sdk.name': 'timesink',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.sdk.version': TIMESINK_VERSION,
  }, false);
}

/** An app that starts its own SDK later has its registration refused by the API; make that visible. */
function warnOnDuplicateSdk(): void {
  diag.setLogger(
    {
      error: (msg: string) => {
        if (/duplicate registration/i.test(msg)) warnOnce('otel-dup', 'the app tried to start its own OpenTelemetry SDK; timesink keeps recording, the app\'s exporters get nothing');
      },
      warn: () => {},
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.ERROR, suppressOverrideMessage: true },
  );
}

/**
 * The span source: the API's global provider, context manager and propagator, the lean sources (lean/index.ts) and
 * OpenTelemetry's instrumentations for the rest, the on-thread tracker. Null processor when the app already has an
 * OpenTelemetry SDK (its spans go there).
 */
function startTracing(settings: RecorderSettings, spansFile: LineFile): { processor: RecordingSpanProcessor | null; tracker: OnThreadTracker | null } {
  const contextManager = new TimesinkContextManager();
  const tracker = settings.onThread
    ? new OnThreadTracker(() => timingOf(contextManager.active()), settings.maxSlices, undefined, threadCpuClock())
    : null;
  const processor = new RecordingSpanProcessor(spansFile, resourceJson(), {
    redact: settings.redact,
    maxBufferedSpans: settings.maxBufferedSpans,
    tracker,
    locations: settings.codeLocations ? new LocationSampler() : null,
  });
  const provider = new BasicTracerProvider({ spanProcessors: [processor] });
  if (!trace.setGlobalTracerProvider(provider)) {
    warnOnce('otel-sdk', 'an OpenTelemetry SDK is already registered in this process; timesink records runtime facts only (spans go to the existing SDK)');
    return { processor: null, tracker };
  }
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  warnOnDuplicateSdk();
  // Lean spans go through the same processor as the SDK's: same timing, locations, encoding and file.
  const lean =
    settings.instrumentations === 'lean'
      ? installLeanSources(
          new LeanTracer({
            onStart: (s) => processor.onStart(s as unknown as Span, ROOT_CONTEXT),
            onEnd: (s) => processor.onEnd(s as unknown as ReadableSpan),
          }),
        )
      : null;
  registerInstrumentations({ instrumentations: [...(lean?.instrumentations ?? []), ...createInstrumentations(lean?.replaced)], tracerProvider: provider });
  const requireBuiltin = createRequire(__filename_or_url());
  for (const m of PRELOADED_BUILTINS) requireBuiltin(m);
  if (tracker) {
    contextManager.tracker = tracker;
    tracker.start();
  }
  return { processor, tracker };
}

/** The in-process profiler (inspector or pprof), or under 0x the anchor that maps its tick clock onto ours. */
function startProfile(settings: RecorderSettings, profileOffsetUs: number): InspectorProfiler | PprofProfiler | null {
  if (settings.profiler === 'inspector' || settings.profiler === 'pprof') {
    const profiler =
      settings.profiler === 'inspector' ? new InspectorProfiler(settings.profileIntervalUs) : new PprofProfiler(settings.profileIntervalUs, profileOffsetUs);
    profiler.start();
    return profiler;
  }
  if (settings.profiler === '0x') {
    try {
      writeProfileAnchor(settings.outDir);
    } catch (err) {
      warnOnce('anchor', `cannot write the profile clock anchor (${(err as Error).message}); the profile will not align with spans`);
    }
  }
  return null;
}

function start(): RecorderHandle | null {
  const settings = readSettings();
  const pid = process.pid;
  const files = openFiles(settings);
  if (files === null) return null;
  const { spansFile, runtimeFile, entry } = files;
  const settingsForManifest = manifestSettings(settings);
  const command = commandFromEnv();
  const { processor, tracker } = startTracing(settings, spansFile);

  const sampler = new RuntimeSampler(pid, runtimeFile, settings.runtimeIntervalMs, () => processor?.open.size ?? 0, () => settings.profiler !== 'none', tracker);
  sampler.start();
  const profiler = startProfile(settings, entry.clock.profileOffsetUs ?? 0);

  const libraries = new LoadedLibraries();
  const writeManifest = (): void => {
    entry.ioLibraries = libraries.scan();
    if (processor) {
      entry.spansWritten = processor.spansWritten;
      entry.droppedSpans = processor.droppedSpans;
    }
    entry.warnings = warningsSaid();
    try {
      updateManifest(settings.outDir, (m) => mergeProcess(m, entry, settingsForManifest, command));
    } catch (err) {
      warnOnce('manifest', `cannot write the manifest in ${settings.outDir} (${(err as Error).message})`);
    }
  };
  // The manifest is rewritten every 5th flush (~5 s): a rename costs more than the appends, and the data files, not
  // the manifest's counters, are what survives a kill -9.
  let flushes = 0;
  const flush = (final = false): void => {
    try {
      processor?.flush();
      sampler.flush();
      if (final || ++flushes % 5 === 0) writeManifest();
    } catch (err) {
      warnOnce('flush', `recording failed (${(err as Error).message}); the app continues`);
    }
  };
  let finalized = false;
  const finalize = (exit: ExitInfo): void => {
    if (finalized) return;
    finalized = true;
    try {
      tracker?.stop();
      processor?.writeUnfinished();
      sampler.sample();
      sampler.stop();
      if (profiler) {
        const name = `${pid}.cpuprofile`;
        if (profiler.stopTo(path.join(settings.outDir, PROFILE_DIR, name))) entry.files.push(`${PROFILE_DIR}/${name}`);
      }
      entry.endUs = Math.round(nowUs());
      entry.exit = exit;
    } catch (err) {
      warnOnce('finalize', `could not finish the recording cleanly (${(err as Error).message})`);
    }
    flush(true);
  };

  writeManifest();
  const timer = setInterval(() => flush(), settings.flushIntervalMs);
  timer.unref();
  // A crash or a signal the app handles may be the last chance to write: include the manifest.
  installExitHooks(() => flush(true), finalize);
  return { settings, processor, flush };
}
