/**
 * End-to-end accuracy: record each sample app under a fixed load with `timesink record`, analyze the
 * recording with `timesink analyze --json`, and compare with the truth planted in the app
 * (samples/apps/<app>/truth.json, computed in expectations.ts). Uses the real PostgreSQL on 127.0.0.1:5432
 * unless DATABASE_URL says otherwise. The table lands in the test output and, when
 * TIMESINK_ACCURACY_OUT is set, in that file (docs/ACCURACY.md is written from it).
 * TIMESINK_CLI runs another build of the CLI; TIMESINK_ACCURACY_RECORD_ARGS replaces the extra `record` flags
 * (default `--profiler inspector`). TIMESINK_ACCURACY_MODE=register records with `node --require dist/register.cjs` instead (no CPU profile).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../analyzer/model/analysis.js';
import { APPS, ROOT, loadTruth } from '../../samples/lib/apps.mjs';
import { CLI, recordApp } from '../../samples/record-all.mjs';
import { calibrateQuery, calibrateUpstream } from './calibrate.js';
import { checkHiddenQueueing, compare, formatTable, type Row } from './compare.js';
import { expectedFor, type Measurements } from './expectations.js';

const run = promisify(execFile);
const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const MODE = process.env.TIMESINK_ACCURACY_MODE === 'register' ? 'register' : 'record';
// The inspector profiler, not 0x (record's default): in 4 same-build pairs of runs 0x failed 10 tests to the
// inspector's 9 (the same apps each time) and took twice as long. TIMESINK_ACCURACY_RECORD_ARGS= runs with 0x.
const RECORD_ARGS = (process.env.TIMESINK_ACCURACY_RECORD_ARGS ?? '--profiler inspector').split(' ').filter(Boolean);
const rows: Row[] = [];
const work = mkdtempSync(join(tmpdir(), 'timesink-accuracy-'));

async function measureFor(app: string): Promise<Omit<Measurements, 'requestsByPath' | 'stats'>> {
  const truth = loadTruth(app);
  if (app === 'feed') return { queryMs: { [truth.env.QUERY_SLEEP_MS]: await calibrateQuery(DATABASE_URL, Number(truth.env.QUERY_SLEEP_MS)) } };
  if (app === 'orders') return { queryMs: { [truth.env.QUERY_SLEEP_MS]: await calibrateQuery(DATABASE_URL, Number(truth.env.QUERY_SLEEP_MS)) } };
  if (app === 'reports') return { queryMs: { [truth.env.REPORT_SLEEP_MS]: await calibrateQuery(DATABASE_URL, Number(truth.env.REPORT_SLEEP_MS)) } };
  if (app === 'gateway') return { upstreamMs: await calibrateUpstream(truth.env, ['/profile', '/inventory', '/pricing']) };
  return {};
}

async function recordAndAnalyze(app: string): Promise<Row> {
  const truth = loadTruth(app);
  const calibration = await measureFor(app);
  const out = join(work, app);
  const recorded = await recordApp(app, { out, mode: MODE, recordArgs: RECORD_ARGS, env: truth.database ? { DATABASE_URL } : {} });
  if (recorded.exit.code !== 0) throw new Error(`${app}: ${MODE} exited ${recorded.exit.code ?? recorded.exit.signal}\n${recorded.exit.output}`);
  const json = join(work, `${app}.json`);
  await run(process.execPath, [CLI, 'analyze', out, '--no-html', '--json', json, '--quiet'], { cwd: ROOT, maxBuffer: 16 << 20 });
  const analysis = JSON.parse(readFileSync(json, 'utf8')) as Analysis;
  const requestsByPath = Object.fromEntries(recorded.load.map((l) => [l.path, l.requests]));
  const expected = expectedFor(truth, { ...calibration, requestsByPath, stats: recorded.exit.truthStats });
  const clientMs = recorded.load.reduce((n, l) => n + l.latencyMeanMs * l.requests, 0);
  const appRequestMs = recorded.exit.truthStats?.request?.totalMs;
  const row = compare(app, analysis, expected);
  if (appRequestMs !== undefined) checkHiddenQueueing(row, analysis, { clientMs, appRequestMs });
  // What the row does not show but a failure needs: the calibration and the app's own timings.
  console.log(`[accuracy] ${app}: calibration ${JSON.stringify(calibration)} truth-stats ${JSON.stringify(recorded.exit.truthStats)}`);
  console.log(`[accuracy] ${app}: fixes ${analysis.fixes.map((f) => `#${f.rank} ${f.detector} ${f.savingMs.toFixed(0)} ms`).join(', ') || '(none)'}; ` +
    `criticalPathMs ${analysis.summary.criticalPathMs.toFixed(0)}, traces ${analysis.summary.traces}`);
  return row;
}

/** Apps whose diagnosis is known to miss its truth, with the reason (see docs/ACCURACY.md). */
const KNOWN_GAPS = JSON.parse(readFileSync(join(import.meta.dirname, 'known-gaps.json'), 'utf8')) as Record<string, string>;

// The build (test/global-setup.ts) skips entries that are not written yet; without the CLI there is nothing to run.
const haveCli = existsSync(CLI);

describe.skipIf(!haveCli)('accuracy on the sample apps (record → analyze → compare with the planted truth)', () => {
  afterAll(() => {
    // Keep the recordings and analysis.json files of a failed run: they are what a failure is debugged from.
    if (rows.length === APPS.length && rows.every((r) => r.pass)) rmSync(work, { recursive: true, force: true });
    else console.log(`[accuracy] recordings and analyses kept in ${work}`);
    if (!rows.length) return;
    const table = formatTable(rows);
    console.log(`\n${table}\n`);
    const outFile = process.env.TIMESINK_ACCURACY_OUT;
    if (outFile) writeFileSync(outFile, `${table}\n`);
  });

  for (const app of APPS) {
    const gap = KNOWN_GAPS[app];
    // A known gap is still recorded, analyzed and compared, and its row printed; it just does not fail the
    // suite while the cause (named in known-gaps.json and docs/ACCURACY.md) is open. Remove the entry when fixed.
    it(gap ? `${app} (known gap: ${gap})` : app, async () => {
      const row = await recordAndAnalyze(app);
      rows.push(row);
      if (gap) {
        console.log(`[accuracy] ${app} is a known gap; this run ${row.pass ? 'PASSED: remove it from test/accuracy/known-gaps.json' : `missed: ${row.failures.join('; ')}`}`);
        return;
      }
      expect(row.failures).toEqual([]);
    }, 150_000);
  }
});
