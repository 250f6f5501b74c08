// The measuring instruments of the benchmarks, checked on inputs whose right answer is known by construction.
// The bench scripts are plain .mjs (run by node, not type-checked), so they are exercised in child processes.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const bench = new URL('.', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bench-harness-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `expr` (an ES module body that prints JSON) with `mod` imported as `m`. */
function evalWith(mod: string, body: string): unknown {
  const src = `import * as m from ${JSON.stringify(pathToFileURL(join(bench, mod)).href)};\n${body}`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', src], { encoding: 'utf8' }));
}

const span = (traceId: string, spanId: string, kind: number): object => ({ traceId, spanId, name: 'x', kind, startTimeUnixNano: '1', endTimeUnixNano: '2' });
const line = (spans: object[]): string => JSON.stringify({ resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 's' }, spans }] }] });

describe('overhead span counting', () => {
  it('counts server spans and all spans across nested files, skips runtime files and a torn last line, and sees duplicates', () => {
    const rec = join(dir, 'rec');
    mkdirSync(join(rec, 'sub'), { recursive: true });
    writeFileSync(join(rec, 'spans-1.jsonl'), [line([span('t1', 'a', 2), span('t1', 'b', 3), span('t1', 'c', 3)]), line([span('t2', 'd', 2)]), '{"resourceSpans":[{"trunc'].join('\n'));
    // The same server span written a second time (t2/d), in another file.
    writeFileSync(join(rec, 'sub', 'spans-2.jsonl'), line([span('t2', 'd', 2), span('t3', 'e', 'SPAN_KIND_SERVER' as unknown as number)]) + '\n');
    writeFileSync(join(rec, 'runtime-1.jsonl'), line([span('t9', 'z', 2)]) + '\n');
    const got = evalWith('overhead/run.mjs', `console.log(JSON.stringify(m.countSpans(${JSON.stringify(rec)})));`);
    expect(got).toEqual({ files: 2, spans: 6, server: 4, uniqueServer: 3 });
  });

  it('finds nothing in a missing folder', () => {
    expect(evalWith('overhead/run.mjs', `console.log(JSON.stringify(m.countSpans(${JSON.stringify(join(dir, 'nope'))})));`)).toEqual({ files: 0, spans: 0, server: 0, uniqueServer: 0 });
  });

  it('reads the CPU time of a process group from /proc', () => {
    // A detached child (its own process group) burns CPU for 600 ms; the group's CPU time is read after 500 ms.
    const body = `
      const { spawn } = await import('node:child_process');
      const c = spawn(process.execPath, ['-e', 'const t = Date.now(); while (Date.now() - t < 600) {}'], { detached: true, stdio: 'ignore' });
      await new Promise((r) => setTimeout(r, 500));
      const busy = m.groupCpuSeconds(c.pid);
      await new Promise((r) => c.on('exit', r));
      console.log(JSON.stringify([busy, m.groupCpuSeconds(c.pid)]));`;
    const [busy, afterExit] = evalWith('overhead/run.mjs', body) as number[];
    expect(busy).toBeGreaterThan(0.02); // at least a few ticks even on a saturated machine
    expect(busy).toBeLessThanOrEqual(0.7); // it cannot have used more than it ran (+ node start-up)
    expect(afterExit).toBe(0); // exited processes are no longer in /proc
  });
});

describe('measure (/usr/bin/time -v)', () => {
  it('reports the peak RSS of a child that holds 300 MB, and its exit code', () => {
    const big = `const b = Buffer.alloc(300 * 1048576, 1); setTimeout(() => process.exit(b[5] === 1 ? 3 : 4), 50);`;
    const got = evalWith('lib/measure.mjs', `const r = await m.measure(process.execPath, ['-e', ${JSON.stringify(big)}]); console.log(JSON.stringify(r));`) as { peakRssMb: number; code: number; wallMs: number };
    expect(got.code).toBe(3);
    expect(got.peakRssMb).toBeGreaterThan(300);
    expect(got.peakRssMb).toBeLessThan(600);
    expect(got.wallMs).toBeGreaterThan(50);
  });
});

describe('stats', () => {
  it('takes medians of odd and even lists, ignoring non-numbers', () => {
    expect(evalWith('lib/stats.mjs', 'console.log(JSON.stringify([m.median([3, 1, 2]), m.median([4, 1, 3, 2]), m.median([NaN, 5]), m.median([])]));')).toEqual([2, 2.5, 5, null]);
  });
});
