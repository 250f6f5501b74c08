// `npm run demo`: record the orders sample under load, analyze it, write timesink-report.html and print the
// summary. If recording fails (no database, recorder trouble) it analyzes the committed recording instead,
// and says so.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from './lib/apps.mjs';
import { CLI, recordApp } from './record-all.mjs';

const COMMITTED = join(ROOT, 'samples', 'recordings', 'orders');
const REPORT = 'timesink-report.html';

if (!existsSync(CLI)) {
  console.error('dist/cli.js is missing: run `node build.mjs` first (npm run demo does).');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'timesink-demo-'));
let recording = join(work, 'orders');
try {
  console.log(`Recording the orders sample (N+1 queries, sequential I/O) under load, database: ${process.env.DATABASE_URL ? 'DATABASE_URL' : 'embedded PGlite'} ...`);
  const r = await recordApp('orders', {
    out: recording,
    // The inspector profiler, like the accuracy suite: 0x (record's default) gives no better results, at twice the time.
    recordArgs: ['--profiler', 'inspector'],
    // Lighter than the accuracy suite's load: embedded PGlite runs one statement at a time.
    load: process.env.DATABASE_URL ? {} : { connections: 2, amount: 40 },
  });
  if (r.exit.code !== 0) throw new Error(`timesink record exited with ${r.exit.code ?? r.exit.signal}\n${r.exit.output}`);
  const load = r.load.map((l) => `${l.requests} requests to ${l.path}, mean ${l.latencyMeanMs.toFixed(1)} ms`).join('; ');
  console.log(`Recorded ${load}.`);
} catch (err) {
  console.warn(`Recording failed, so the demo analyzes the committed recording ${COMMITTED} instead.\n  reason: ${err.message.split('\n')[0]}`);
  recording = COMMITTED;
}

try {
  execFileSync(process.execPath, [CLI, 'analyze', recording, '-o', REPORT], { cwd: process.cwd(), stdio: 'inherit' });
  console.log(`\nOpen ${REPORT} in a browser for the waterfall, the critical path and the ranked fixes.`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
