// Bundles the TypeScript sources into dist/ (node) and viewer/dist/ (browser). Type-checking is `tsc --noEmit`.
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const define = { __TIMESINK_VERSION__: JSON.stringify(pkg.version) };
const node = { bundle: true, platform: 'node', target: 'node20', packages: 'external', sourcemap: true, define, logLevel: 'warning' };

const targets = [
  { ...node, entryPoints: ['cli/main.ts'], outfile: 'dist/cli.js', format: 'esm', banner: { js: '#!/usr/bin/env node' } },
  { ...node, entryPoints: ['analyzer/index.ts'], outfile: 'dist/analyzer.js', format: 'esm' },
  // The second reader of a large JSON Lines file (analyzer/ingest/split-read.ts), loaded next to either bundle.
  { ...node, entryPoints: ['analyzer/ingest/tail-worker.ts'], outfile: 'dist/tail-worker.js', format: 'esm' },
  // The recorder runs inside the user's app: CommonJS for --require, and an ESM entry for --import.
  { ...node, entryPoints: ['instrumentation/register.ts'], outfile: 'dist/register.cjs', format: 'cjs' },
  { ...node, entryPoints: ['instrumentation/register-esm.ts'], outfile: 'dist/register.mjs', format: 'esm' },
  // Preloaded into 0x's own process by `record`: tells it how the app ended (a signal 0x does not report).
  { ...node, entryPoints: ['instrumentation/zerox-exit-observer.ts'], outfile: 'dist/zerox-exit-observer.cjs', format: 'cjs' },
  // The report's script: d3 and our code, tree-shaken into one file that viewer/render inlines.
  {
    entryPoints: ['viewer/src/app.ts'],
    outfile: 'viewer/dist/app.js',
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    legalComments: 'none',
    logLevel: 'warning',
  },
];
// While the project is being assembled an entry may not exist yet; TIMESINK_STRICT_BUILD=1 (CI) refuses that.
const missing = targets.filter((t) => !existsSync(t.entryPoints[0]));
if (missing.length && process.env.TIMESINK_STRICT_BUILD) throw new Error(`missing entries: ${missing.map((t) => t.entryPoints[0])}`);
for (const t of missing) console.warn(`[build] skipping ${t.entryPoints[0]} (not written yet)`);
const present = targets.filter((t) => existsSync(t.entryPoints[0]));
const results = await Promise.allSettled(present.map((t) => build({ ...t, metafile: true })));
const failed = results.filter((r) => r.status === 'rejected');
if (failed.length) {
  // Each target fails alone, so one broken entry does not hide the others' errors.
  console.error(`[build] ${failed.length} target(s) failed`);
  process.exitCode = 1;
}
// Test helpers live in testing/ folders (and test/); none of them, and no test, may end up in what ships.
const TEST_CODE = /(^|\/)(testing|test)\/|\.test\.ts$/;
for (const [i, r] of results.entries()) {
  if (r.status !== 'fulfilled') continue;
  const leaked = Object.keys(r.value.metafile.inputs).filter((input) => !input.includes('node_modules/') && TEST_CODE.test(input));
  if (leaked.length) {
    console.error(`[build] ${present[i].outfile} bundles test code: ${leaked.join(', ')}`);
    process.exitCode = 1;
  }
}
