// What the recorder's scan for loaded I/O libraries (instrumentation/loaded-libraries.ts) costs on the app's thread:
// loads a dozen real packages, then times a full scan of the module cache and a scan of an unchanged one, 50 times each.
//   node bench/scan-loaded-libraries.mjs
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(join(root, 'bench.js'));
for (const m of ['express', 'pg', 'mysql', 'mysql2', 'ioredis', 'fastify5', '@hapi/hapi', 'restify', '@nestjs/core', '@opentelemetry/sdk-node']) require(m);
const dir = mkdtempSync(join(tmpdir(), 'timesink-scan-'));
const out = join(dir, 'loaded-libraries.mjs');
await build({ entryPoints: [join(root, 'instrumentation/loaded-libraries.ts')], bundle: true, platform: 'node', format: 'esm', outfile: out, logLevel: 'warning' });
const { LoadedLibraries } = await import(pathToFileURL(out).href);
rmSync(dir, { recursive: true, force: true });

const full = [];
const same = [];
let found = [];
for (let i = 0; i < 50; i++) {
  const l = new LoadedLibraries();
  let t0 = process.hrtime.bigint();
  found = l.scan();
  full.push(Number(process.hrtime.bigint() - t0) / 1e6);
  t0 = process.hrtime.bigint();
  l.scan();
  same.push(Number(process.hrtime.bigint() - t0) / 1e6);
}
const q = (a) => {
  a.sort((x, y) => x - y);
  return `min ${a[0].toFixed(3)} ms, median ${a[a.length >> 1].toFixed(3)} ms`;
};
console.log(`${Object.keys(require.cache).length} modules in the cache; found ${found.join(', ')}`);
console.log(`full scan: ${q(full)}; cache unchanged: ${q(same)}`);
