#!/usr/bin/env node
// Analyzer cost versus the floor (bench/floor.mjs: stream + readline + JSON.parse per line), in one run, interleaved.
//
//   node bench/analyzer.mjs [--sizes 10k,100k,1m] [--reps 5] [--subject auto|cli|ingest|floor] [--json results.json]
//
// Subjects: cli    = node dist/cli.js analyze FILE --json OUT --quiet   (the product, end to end, HTML included)
//           cli-nohtml = the same with --no-html                       (analysis without the report)
//           ingest = node bench/ingest-only.mjs FILE                    (dist/analyzer.js ingest [+ analyze])
//           floor  = the floor against itself (verifies the harness; ratio ≈ 1)
// Targets: at 1 M spans time ≤ 2× floor and peak RSS ≤ 1.5 GB; 10× more spans costs ≤ 11× the time.
import { existsSync, mkdirSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dataFile, generateTraces, metaFile, parseCount, DATA_DIR } from './generate-traces.mjs';
import { measure } from './lib/measure.mjs';
import { argValue, fmt, max, median, table } from './lib/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
const lib = join(root, 'dist/analyzer.js');

export const TARGETS = { ratioAt1m: 2, peakRssMbAt1m: 1536, scaling10x: 11 };

function pickSubject(wanted) {
  if (wanted !== 'auto') return wanted;
  if (existsSync(cli)) return 'cli';
  if (existsSync(lib)) return 'ingest';
  return 'floor';
}

function command(subject, file, runDir) {
  const node = process.execPath;
  switch (subject) {
    case 'cli': // exactly what a user runs; it also writes the default HTML report into runDir
      return [node, [cli, 'analyze', file, '--json', join(runDir, 'analysis.json'), '--quiet']];
    case 'cli-nohtml': // the analysis alone, without rendering the report
      return [node, [cli, 'analyze', file, '--json', join(runDir, 'analysis.json'), '--quiet', '--no-html']];
    case 'ingest':
      return [node, [join(root, 'bench/ingest-only.mjs'), file]];
    case 'floor':
      return [node, [join(root, 'bench/floor.mjs'), file]];
    default:
      throw new Error(`unknown subject ${subject}`);
  }
}

/** Spans the subject saw, to check it read everything (undefined when it does not say). */
function spansSeen(subject, res, runDir) {
  try {
    if (subject.startsWith('cli')) return JSON.parse(readFileSync(join(runDir, 'analysis.json'), 'utf8')).summary?.spans;
    return JSON.parse(res.stdout.trim().split('\n').pop()).spans;
  } catch {
    return undefined;
  }
}

/**
 * @returns {Promise<{ subject: string, sizes: object[] }>}
 */
export async function benchAnalyzer({ sizes, reps, subject: wanted = 'auto', log = console.log }) {
  const subject = pickSubject(wanted);
  const runDir = join(DATA_DIR, 'run-analyzer');
  mkdirSync(runDir, { recursive: true });
  const results = [];
  for (const spans of sizes) {
    const file = dataFile(spans);
    if (!existsSync(file) || !existsSync(metaFile(file))) {
      log(`generating ${file}`);
      await generateTraces({ spans, out: file });
    }
    const floor = [];
    const subj = [];
    const pairRatios = [];
    let seen;
    for (let i = 0; i < reps; i++) {
      // Alternate which goes first so a warming page cache or a noisy neighbour does not favour one side.
      const order = i % 2 ? ['subject', 'floor'] : ['floor', 'subject'];
      const got = {};
      for (const which of order) {
        const [cmd, args] = which === 'floor' ? command('floor', file, runDir) : command(subject, file, runDir);
        const res = await measure(cmd, args, { cwd: runDir, timeoutMs: 30 * 60_000 });
        if (res.code !== 0) throw new Error(`${which} failed (exit ${res.code}) on ${file}:\n${res.stderr.slice(-2000)}`);
        got[which] = res;
        if (which === 'subject') seen = spansSeen(subject, res, runDir);
      }
      floor.push(got.floor);
      subj.push(got.subject);
      pairRatios.push(got.subject.wallMs / got.floor.wallMs);
      log(`  ${spans} spans rep ${i + 1}/${reps}: floor ${fmt(got.floor.wallMs, 0)} ms ${fmt(got.floor.peakRssMb, 0)} MB | ${subject} ${fmt(got.subject.wallMs, 0)} ms ${fmt(got.subject.peakRssMb, 0)} MB`);
    }
    const meta = JSON.parse(readFileSync(metaFile(file), 'utf8'));
    results.push({
      spans,
      // The last trace of a file is cut at the span limit (no root), as in a rotated file: an analyzer may set it
      // aside, so the spans it must count are at least those of the complete traces.
      spansComplete: meta.spansInCompleteTraces,
      file,
      reps,
      floorMs: median(floor.map((r) => r.wallMs)),
      floorPeakRssMb: max(floor.map((r) => r.peakRssMb)),
      subjectMs: median(subj.map((r) => r.wallMs)),
      subjectPeakRssMb: max(subj.map((r) => r.peakRssMb)),
      ratio: median(pairRatios),
      spansSeen: seen,
      raw: { floorMs: floor.map((r) => r.wallMs), subjectMs: subj.map((r) => r.wallMs), subjectRssMb: subj.map((r) => r.peakRssMb) },
    });
  }
  rmSync(runDir, { recursive: true, force: true });
  return { subject, sizes: results };
}

export function analyzerTable({ subject, sizes }) {
  const rows = sizes.map((s, i) => {
    const prev = sizes[i - 1];
    const scale = prev && s.spans === prev.spans * 10 ? s.subjectMs / prev.subjectMs : NaN;
    return [
      s.spans.toLocaleString('en'),
      fmt(s.floorMs, 0),
      fmt(s.subjectMs, 0),
      fmt(s.ratio, 2) + '×',
      fmt(s.floorPeakRssMb, 0),
      fmt(s.subjectPeakRssMb, 0),
      Number.isFinite(scale) ? fmt(scale, 1) + '×' : '',
      s.spansSeen === undefined ? '?' : s.spansSeen >= s.spansComplete && s.spansSeen <= s.spans ? `yes (${s.spansSeen})` : `NO (${s.spansSeen})`,
    ];
  });
  return table(['spans', 'floor ms', `${subject} ms`, 'ratio (median of pairs)', 'floor RSS MB', `${subject} RSS MB`, 'time vs 10× fewer', 'all spans seen'], rows);
}

/** Pass/fail against the targets, for the sizes that were measured. */
export function analyzerVerdicts({ sizes }) {
  const out = [];
  const at1m = sizes.find((s) => s.spans === 1e6);
  if (at1m) {
    out.push({ target: `time ≤ ${TARGETS.ratioAt1m}× floor at 1 M spans`, value: `${fmt(at1m.ratio, 2)}×`, pass: at1m.ratio <= TARGETS.ratioAt1m });
    out.push({ target: 'peak RSS ≤ 1.5 GB at 1 M spans', value: `${fmt(at1m.subjectPeakRssMb, 0)} MB`, pass: at1m.subjectPeakRssMb <= TARGETS.peakRssMbAt1m });
  }
  for (let i = 1; i < sizes.length; i++) {
    if (sizes[i].spans !== sizes[i - 1].spans * 10) continue;
    const k = sizes[i].subjectMs / sizes[i - 1].subjectMs;
    out.push({ target: `${sizes[i - 1].spans} → ${sizes[i].spans} spans costs ≤ ${TARGETS.scaling10x}× time`, value: `${fmt(k, 1)}×`, pass: k <= TARGETS.scaling10x });
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const sizes = String(argValue(args, 'sizes', '10k,100k,1m')).split(',').map(parseCount);
  const reps = Number(argValue(args, 'reps', '5'));
  const res = await benchAnalyzer({ sizes, reps, subject: argValue(args, 'subject', 'auto') });
  console.log(`\nsubject: ${res.subject}, node ${process.version}, ${reps} reps, medians\n`);
  console.log(analyzerTable(res));
  for (const v of analyzerVerdicts(res)) console.log(`${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.value}`);
  const jsonOut = argValue(args, 'json');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), node: process.version, ...res }, null, 2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
