/**
 * Blocked is waiting, from the recorder alone: samples/apps/shell (each request runs execSync('sleep 0.03') on the
 * event loop) is recorded with `node --require dist/register.cjs` only — no profile — under its truth.json load, and
 * analyzed. The per-span blocked time the recorder measures (timesink.thread.blocked_us, a lower bound) must put most
 * of the app's own timing of its execSync calls in `sync_io`, not `cpu`, and sync-io's fix must rank first.
 * Needs dist/ (the build of test/global-setup.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../../analyzer/model/analysis.js';
import { ROOT } from '../../samples/lib/apps.mjs';
import { CLI, recordApp } from '../../samples/record-all.mjs';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'timesink-blocked-register-'));

describe.skipIf(!existsSync(CLI))('register mode, no profile: an execSync handler reads as waiting (sync_io)', () => {
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('most of the execSync time is sync_io, cpu is the rest, and the sync-io fix ranks first', async () => {
    const out = join(work, 'shell');
    const recorded = await recordApp('shell', { out, mode: 'register' });
    if (recorded.exit.code !== 0) throw new Error(`shell exited ${recorded.exit.code ?? recorded.exit.signal}\n${recorded.exit.output}`);
    // No profile: only the recorder's spans, runtime and manifest.
    expect(readdirSync(out).filter((f) => /profile|cpuprofile|pprof/.test(f))).toEqual([]);
    const blocking = recorded.exit.truthStats?.blocking as { count: number; totalMs: number } | undefined;
    if (!blocking || blocking.count !== 80) throw new Error(`the app did not time its 80 calls: ${JSON.stringify(recorded.exit.truthStats)}`);
    const json = join(work, 'shell.json');
    await run(process.execPath, [CLI, 'analyze', out, '--no-html', '--json', json, '--quiet'], { cwd: ROOT, maxBuffer: 16 << 20 });
    const a = JSON.parse(readFileSync(json, 'utf8')) as Analysis;
    const b = a.summary.breakdown;
    console.log(`[blocked-register] execSync timed by the app ${blocking.totalMs.toFixed(0)} ms; sync_io ${b.sync_io.toFixed(0)} ms, cpu ${b.cpu.toFixed(0)} ms`);
    // A lower bound of the calls' time (the fork's CPU and waits for a CPU are not blocked): at least half of it (the
    // recorder's own test measured 38–114 % of a 50 ms execSync at load 15–24), never more than the calls took.
    expect(b.sync_io).toBeGreaterThan(0.5 * blocking.totalMs);
    expect(b.sync_io).toBeLessThanOrEqual(blocking.totalMs * 1.02);
    // The handler's JavaScript around the call is small: cpu is what is left, less than the blocked time.
    expect(b.cpu).toBeLessThan(b.sync_io);
    expect(a.fixes[0]?.detector).toBe('sync-io');
    expect(a.fixes[0]?.title).toContain('the blocking synchronous call in GET /status');
  }, 120_000);
});
