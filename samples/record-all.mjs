// Records every sample app (or the ones named) under its fixed load:
//   timesink record --out samples/recordings/<app> --profiler inspector -- node samples/apps/<app>/server.cjs
// then stops it with SIGTERM, leaving the recording. `--mode register` records with only the in-process
// recorder (node --require dist/register.cjs, no CPU profile); `--mode plain` runs the apps unrecorded (to
// check the apps and the load alone). Needs dist/ (node build.mjs). The database is PGlite unless
// DATABASE_URL is set.
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { APPS, ROOT, loadTruth, serverPath } from './lib/apps.mjs';
import { startApp } from './lib/run-app.mjs';
import { runLoad } from './load.mjs';

/** The timesink CLI: the built one, or TIMESINK_CLI (e.g. an installed timesink's cli.js). */
export const CLI = process.env.TIMESINK_CLI ?? join(ROOT, 'dist', 'cli.js');

/**
 * The command (and extra environment) that runs `app` in `mode`, recording into `out`.
 * @param {'record' | 'register' | 'plain'} mode
 */
export function appCommand(app, { out, mode = 'record', recordArgs = [] }) {
  const server = serverPath(app);
  if (mode === 'plain') return { command: [process.execPath, server], env: {} };
  if (mode === 'register') {
    return { command: [process.execPath, '--require', join(ROOT, 'dist', 'register.cjs'), server], env: { TIMESINK_OUT: out } };
  }
  return { command: [process.execPath, CLI, 'record', '--out', out, ...recordArgs, '--', process.execPath, server], env: {} };
}

/**
 * Runs one app under its load. Returns the load results and the app's exit and truth-stats.
 * @param {string} app
 * @param {{
 *   out?: string, mode?: 'record' | 'register' | 'plain', env?: Record<string,string>, recordArgs?: string[], echo?: boolean,
 *   load?: { connections?: number, amount?: number },
 * }} opts  load: overrides truth.json's load (the demo uses a lighter one)
 */
export async function recordApp(app, { out = join(ROOT, 'samples', 'recordings', app), mode = 'record', env = {}, recordArgs = [], echo = false, load: loadOverride = {} } = {}) {
  const truth = loadTruth(app);
  if (mode !== 'plain') rmSync(out, { recursive: true, force: true });
  const run = appCommand(app, { out, mode, recordArgs });
  const running = await startApp({ command: run.command, env: { PORT: '0', ...truth.env, ...run.env, ...env }, cwd: ROOT, echo });
  let load;
  try {
    load = await runLoad({ url: running.url, ...truth.load, ...loadOverride });
  } catch (err) {
    const exit = await running.stop();
    throw new Error(`${app}: ${err.message}\n--- app output ---\n${exit.output}`);
  }
  const exit = await running.stop();
  return { app, out, load, exit };
}

/** Compresses a recording's JSON Lines in place (ingest reads .jsonl.gz), to keep committed recordings small. */
export function gzipRecording(dir) {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.jsonl')) continue;
    const p = join(dir, name);
    writeFileSync(`${p}.gz`, gzipSync(readFileSync(p), { level: 9 }));
    rmSync(p);
  }
}

function sizeOf(dir) {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    total += s.isDirectory() ? sizeOf(p) : s.size;
  }
  return total;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    // The inspector profiler by default, like the accuracy suite: with 0x (record's default) that suite measured no
    // better, at twice the time. `--profiler 0x` works too.
    options: {
      mode: { type: 'string', default: 'record' },
      profiler: { type: 'string', default: 'inspector' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(`usage: node samples/record-all.mjs [--mode record|register|plain] [--profiler inspector|0x] [app ...]
Records every sample app (or the ones named: ${APPS.join(', ')}) under its fixed load into samples/recordings/<app>
(gzipped), stopping it with SIGTERM. --mode register: only the in-process recorder (no CPU profile); --mode plain:
the apps unrecorded, to check the apps and the load alone. Needs dist/ (node build.mjs); DATABASE_URL selects the
database (PGlite otherwise).`);
    process.exit(0);
  }
  if (!['record', 'register', 'plain'].includes(values.mode)) throw new Error('--mode is record, register or plain');
  const apps = positionals.length ? positionals : APPS;
  for (const app of apps) {
    if (!APPS.includes(app)) throw new Error(`unknown app ${app}; known: ${APPS.join(', ')}`);
    const started = Date.now();
    const r = await recordApp(app, { mode: values.mode, recordArgs: ['--profiler', values.profiler] });
    if (values.mode !== 'plain') gzipRecording(r.out);
    const loads = r.load.map((l) => `${l.path} ${l.requests} req, mean ${l.latencyMeanMs.toFixed(1)} ms`).join('; ');
    console.log(`${app}: ${loads}; exit ${r.exit.code ?? r.exit.signal}; ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (values.mode === 'plain' ? '' : `; recording ${(sizeOf(r.out) / 1024).toFixed(0)} KB in ${r.out}`));
    if (r.exit.truthStats) console.log(`  truth-stats ${JSON.stringify(r.exit.truthStats)}`);
  }
}
