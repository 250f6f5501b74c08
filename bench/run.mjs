#!/usr/bin/env node
// All benchmarks, one table each. `npm run bench` runs the quick version (a few minutes); without --quick it runs
// the full one behind docs/BENCHMARKS.md (1 M spans, 10 s loads, more repetitions: the better part of an hour).
//
//   node bench/run.mjs [--quick] [--only analyzer,overhead,peers,report] [--json results.json]
//   ('peers' adds 0x alone and Clinic.js Doctor to the overhead rounds of the realistic app)
//
// A part whose pieces are not built yet is reported as "not run" with the reason; the others still run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { analyzerTable, analyzerVerdicts, benchAnalyzer } from './analyzer.mjs';
import { DATA_DIR } from './generate-traces.mjs';
import { benchOverhead, overheadTable, overheadVerdicts } from './overhead/run.mjs';
import { benchReportWeight, reportTable } from './report-weight.mjs';
import { argValue, hasFlag } from './lib/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const quick = hasFlag(args, 'quick');
const only = new Set(argValue(args, 'only', 'analyzer,overhead,peers,report').split(','));

const plan = quick
  ? { sizes: [10_000, 100_000], analyzerReps: 3, duration: 5, warmup: 2, loadReps: 1, reportReps: 1 }
  : { sizes: [10_000, 100_000, 1_000_000], analyzerReps: 3, duration: 10, warmup: 3, loadReps: 4, reportReps: 3 };

const results = { date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, quick, parts: {} };
const verdicts = [];
const say = (s) => console.log(s);

async function part(name, fn) {
  if (!only.has(name)) return;
  say(`\n== ${name} ==`);
  const t0 = performance.now();
  try {
    await fn();
  } catch (e) {
    say(`not run: ${e.message.split('\n')[0]}`);
    results.parts[name] = { notRun: e.message.slice(0, 2000) };
  }
  say(`(${((performance.now() - t0) / 1000).toFixed(0)} s)`);
}

say(`timesink bench (${quick ? 'quick' : 'full'}), node ${process.version}, ${results.cpus} × ${results.cpuModel}`);
try {
  execFileSync(process.execPath, ['build.mjs'], { cwd: root, stdio: 'inherit' });
} catch {
  // A target that does not build yet only disables the parts that need it; those say so below.
  say('build: some targets failed (see above); benchmarking what exists in dist/');
}

await part('analyzer', async () => {
  const res = await benchAnalyzer({ sizes: plan.sizes, reps: plan.analyzerReps, log: () => {} });
  results.parts.analyzer = res;
  say(analyzerTable(res));
  verdicts.push(...analyzerVerdicts(res));
});

await part('overhead', async () => {
  const summary = await benchOverhead({
    apps: ['empty', 'realistic'],
    variants: ['none', 'otel', 'ts-spans', 'ts-full'],
    // Peers in the same rounds as the realistic app's other variants: same machine state, same load.
    peers: only.has('peers') ? ['0x', 'clinic'] : [],
    duration: plan.duration,
    warmup: plan.warmup,
    reps: plan.loadReps,
    log: (s) => s.startsWith('skipping') && say(s),
  });
  results.parts.overhead = summary;
  say(overheadTable(summary));
  if (plan.loadReps < 2) say('(one round per variant: a smoke test of the harness; on a shared machine these ratios are not significant)');
  verdicts.push(...overheadVerdicts(summary));
});

await part('report', async () => {
  const res = await benchReportWeight({ sizes: plan.sizes, reps: plan.reportReps, log: () => {} });
  results.parts.report = res;
  say(reportTable(res));
});

if (verdicts.length) {
  say('\n== targets ==');
  for (const v of verdicts) say(`${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.value}`);
}
results.verdicts = verdicts;
const out = argValue(args, 'json') ?? join(DATA_DIR, `results-${quick ? 'quick' : 'full'}-${results.date.replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(results, null, 2));
say(`\nraw results: ${out}`);
