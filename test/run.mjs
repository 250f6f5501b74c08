// `npm test`: the whole suite in three passes. First every file but the timing-sensitive ones, files in
// parallel; then the recorder's timing tests one file at a time; then the accuracy suite alone, because it
// measures the timing of real processes and must not compete with other test files for the machine's cores.
// Ends with one "N passed, N failed" line for CI logs.
// Arguments are passed to a single vitest run instead (e.g. `npm test -- analyzer/ingest`).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);
// The corpus tests read ../shared/corpora (test/testing/corpora.ts); a clone elsewhere has none, and they skip.
if (!existsSync(join('..', 'shared', 'corpora', 'README.md'))) {
  console.log('[npm test] no ../shared/corpora beside this clone: the tests on other tools\' trace files are skipped');
}
if (args.length > 0) {
  const r = spawnSync(process.execPath, [vitest, 'run', ...args], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}

mkdirSync('.tmp', { recursive: true });
// Tests that time real processes (the recorder's precision and signal tests, the recorded-truth check) run one
// file at a time, so that their measurements are not disturbed by a browser or an npm install next to them.
const TIMED = ['instrumentation/', 'analyzer/accounting/recorded-truth.test.ts'];
const passes = [
  {
    name: 'unit, integration and browser tests',
    args: ['--exclude', 'test/accuracy/**', '--exclude', 'instrumentation/**', '--exclude', 'analyzer/accounting/recorded-truth.test.ts'],
  },
  // These time real processes at the µs scale on a shared machine, where the OS can deschedule the app for
  // milliseconds at any point. A file that fails is run once more, whole (its recording is made in beforeAll,
  // which a per-test retry would not redo); a real regression fails both runs, and both are printed.
  { name: 'recorder tests (timing-sensitive, one file at a time)', args: [...TIMED, '--no-file-parallelism'], rerunFailedFiles: true },
  // The same for the accuracy suite: it times real services under load on a shared machine, within ±5 points.
  { name: 'accuracy suite (sample apps against their planted truth)', args: ['test/accuracy/'], rerunFailedFiles: true },
];

/** Runs vitest once; returns its exit status and JSON report (undefined when it wrote none). */
function runVitest(args, out) {
  rmSync(out, { force: true });
  const r = spawnSync(process.execPath, [vitest, 'run', ...args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], {
    stdio: 'inherit',
  });
  try {
    return { status: r.status ?? 1, report: JSON.parse(readFileSync(out, 'utf8')) };
  } catch {
    return { status: r.status ?? 1, report: undefined };
  }
}

const total = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const [i, pass] of passes.entries()) {
  console.log(`\n== npm test: ${pass.name}\n`);
  let { status: passStatus, report } = runVitest(pass.args, join('.tmp', `vitest-${i}.json`));
  const failedFiles = (report?.testResults ?? []).filter((f) => f.status === 'failed').map((f) => f.name);
  if (pass.rerunFailedFiles && report && failedFiles.length > 0 && failedFiles.length <= 3) {
    console.log(`\n== npm test: running the failed file(s) once more: ${failedFiles.join(', ')}\n`);
    const again = runVitest([...failedFiles, '--no-file-parallelism'], join('.tmp', `vitest-${i}-rerun.json`));
    if (again.report) {
      // The second run's results replace the first run's for those files.
      const firstRun = report.testResults.filter((f) => failedFiles.includes(f.name));
      const count = (files, state) => files.reduce((n, f) => n + f.assertionResults.filter((t) => t.status === state).length, 0);
      report.numPassedTests += again.report.numPassedTests - count(firstRun, 'passed');
      report.numFailedTests += again.report.numFailedTests - count(firstRun, 'failed');
      passStatus = again.status === 0 && report.numFailedTests === 0 ? 0 : again.status || 1;
    }
  }
  if (passStatus !== 0) status = passStatus;
  if (report) {
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests;
    total.skipped += report.numPendingTests + report.numTodoTests;
  } else {
    status ||= 1;
    console.error(`[npm test] no results from the ${pass.name}`);
  }
}
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(status);
