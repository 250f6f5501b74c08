// `npm test`: the whole suite in three passes. First every file but the timing-sensitive ones, files in
// parallel; then the recorder's timing tests one file at a time; then the accuracy suite alone, because it
// measures the timing of real processes and must not compete with other test files for the machine's cores. Ends with one "N passed, N failed" line for CI logs.
// Arguments are passed to a single vitest run instead (e.g. `npm test -- analyzer/ingest`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const vitest = join('node_modules', 'vitest', 'vitest.mjs');
const args = process.argv.slice(2);
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
  // One retry: these measure µs-scale timing of real processes on a shared machine, where a neighbour's burst can
  // stretch one run; a real regression fails both tries.
  { name: 'recorder tests (timing-sensitive, one file at a time)', args: [...TIMED, '--no-file-parallelism', '--retry=1'] },
  { name: 'accuracy suite (sample apps against their planted truth)', args: ['test/accuracy/'] },
];
const total = { passed: 0, failed: 0, skipped: 0 };
let status = 0;
for (const [i, pass] of passes.entries()) {
  const out = join('.tmp', `vitest-${i}.json`);
  rmSync(out, { force: true });
  console.log(`\n== npm test: ${pass.name}\n`);
  const r = spawnSync(process.execPath, [vitest, 'run', ...pass.args, '--reporter=default', '--reporter=json', `--outputFile.json=${out}`], {
    stdio: 'inherit',
  });
  if (r.status !== 0) status = r.status ?? 1;
  try {
    const report = JSON.parse(readFileSync(out, 'utf8'));
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests;
    total.skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    status ||= 1;
    console.error(`[npm test] no results from the ${pass.name}`);
  }
}
console.log(`\n${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(status);
