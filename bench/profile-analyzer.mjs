#!/usr/bin/env node
// Where the analyzer spends its time: runs `timesink analyze` under `node --cpu-prof`, then ranks functions by
// self time, mapped back through the bundle's source map to the TypeScript file that holds them.
//
//   node bench/profile-analyzer.mjs [--spans 1m] [--top 25] [--no-html] [--subject cli|ingest] [--json out.json]
//   node bench/profile-analyzer.mjs --profile FILE.cpuprofile      (summarise an existing profile; the source map
//                                   used is the current dist/ one, so only while dist/ is the build that was profiled)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFile, generateTraces, parseCount, DATA_DIR } from './generate-traces.mjs';
import { argValue, fmt, hasFlag, table } from './lib/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const maps = new Map();
function sourceMapFor(url) {
  if (!url.startsWith('file://')) return undefined;
  const file = fileURLToPath(url);
  if (!maps.has(file)) {
    const mapFile = `${file}.map`;
    maps.set(file, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8'))) : null);
  }
  return maps.get(file) ?? undefined;
}

/** "file:function" of a profile call frame, in source terms when a source map knows it. */
function locate(cf) {
  const name = cf.functionName || '(anonymous)';
  if (!cf.url) return { where: `(${name === '(anonymous)' ? 'native' : name})`, name };
  const sm = sourceMapFor(cf.url);
  if (sm) {
    const e = sm.findEntry(cf.lineNumber, cf.columnNumber);
    if (e?.originalSource) {
      const src = e.originalSource.replace(/^file:\/\//, '');
      const rel = relative(root, resolve(join(dirname(fileURLToPath(cf.url)), src)));
      return { where: `${rel}:${e.originalLine + 1}`, file: rel, name };
    }
  }
  const path = cf.url.startsWith('file://') ? relative(root, fileURLToPath(cf.url)) : cf.url;
  return { where: `${path}:${cf.lineNumber + 1}`, file: path, name };
}

/** Self time per function and per file from a .cpuprofile, as fractions of all sampled time. */
export function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map();
  let total = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i] ?? 0;
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + dt);
    total += dt;
  }
  const fns = new Map();
  const files = new Map();
  for (const [id, us] of selfUs) {
    const loc = locate(byId.get(id).callFrame);
    const key = `${loc.file ?? loc.where}:${loc.name}`;
    const f = fns.get(key) ?? { key, where: loc.where, name: loc.name, us: 0 };
    f.us += us;
    fns.set(key, f);
    const fk = loc.file ?? '(native/VM)';
    files.set(fk, (files.get(fk) ?? 0) + us);
  }
  // Stages of the pipeline: analyzer/<stage>/... (ingest, model, detectors, aggregate, ...).
  const areas = new Map();
  for (const [file, us] of files) {
    const m = /^(analyzer\/[^/]+|cli|viewer|instrumentation)\//.exec(file);
    const area = m ? m[1] : file.startsWith('node:') ? 'node: internals' : file === '(native/VM)' ? '(native/VM: GC, JSON.parse callees, idle)' : 'other';
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  return {
    totalMs: total / 1000,
    areas: [...areas].map(([area, us]) => ({ area, pct: (100 * us) / total })).sort((a, b) => b.pct - a.pct),
    functions: [...fns.values()].sort((a, b) => b.us - a.us).map((f) => ({ ...f, pct: (100 * f.us) / total })),
    files: [...files].map(([file, us]) => ({ file, pct: (100 * us) / total })).sort((a, b) => b.pct - a.pct),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const spans = parseCount(argValue(args, 'spans', '1m'));
  const top = Number(argValue(args, 'top', '25'));
  const existing = argValue(args, 'profile');
  if (existing) return print(selfTimes(JSON.parse(readFileSync(existing, 'utf8'))), top, existing);
  const file = dataFile(spans);
  if (!existsSync(file)) await generateTraces({ spans, out: file });
  const dir = join(DATA_DIR, 'prof');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const subject = argValue(args, 'subject', 'cli');
  const cmd =
    subject === 'ingest'
      ? [join(root, 'bench/ingest-only.mjs'), file]
      : [join(root, 'dist/cli.js'), 'analyze', file, '--json', join(dir, 'analysis.json'), '--quiet', '-o', join(dir, 'report.html'), ...(hasFlag(args, 'no-html') ? ['--no-html'] : [])];
  const res = spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--enable-source-maps', ...cmd], { stdio: 'inherit' });
  if (res.status !== 0) throw new Error(`analyze exited ${res.status}`);
  const profFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  const st = selfTimes(JSON.parse(readFileSync(join(dir, profFile), 'utf8')));
  if (argValue(args, 'json')) writeFileSync(argValue(args, 'json'), JSON.stringify({ spans, ...st, functions: st.functions.slice(0, 100) }, null, 2));
  console.log(`\n${spans} spans`);
  print(st, top, join(dir, profFile));
}

function print(st, top, profFile) {
  console.log(`${fmt(st.totalMs / 1000, 2)} s sampled (profile: ${profFile})\n`);
  console.log(table(['self %', 'function', 'where'], st.functions.slice(0, top).map((f) => [fmt(f.pct, 1), f.name, f.where])));
  console.log('\nby stage:\n');
  console.log(table(['self %', 'stage'], st.areas.map((a) => [fmt(a.pct, 1), a.area])));
  console.log('\nby file:\n');
  console.log(table(['self %', 'file'], st.files.slice(0, 15).map((f) => [fmt(f.pct, 1), f.file])));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
