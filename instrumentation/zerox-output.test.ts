/**
 * What `record` keeps of 0x's output: the pure compaction and anchor lookup on hand-made logs, then the folder
 * handling on real V8 --prof logs of a process with two isolates (main thread + a worker, like the ES module
 * loader hooks thread under `--import`).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compactPreprocessed, findAnchorInPreprocessed, finishZeroXFolder, type PreprocessedLog } from './zerox-output.js';
import { tempDir } from './testing/support.js';

describe('compactPreprocessed', () => {
  it('keeps only the code entries ticks refer to, renumbered in first-use order, ticks otherwise unchanged', () => {
    const log: PreprocessedLog = {
      code: [
        { name: 'a', type: 'CPP' },
        { name: 'unused', type: 'SHARED_LIB' },
        { name: 'c x.js:1:1', type: 'JS', kind: 'Opt', tm: 5 },
        { name: 'also unused', type: 'JS', kind: 'Unopt', tm: 7 },
      ],
      ticks: [
        { tm: 100, vm: 0, s: [2, 10, 0, 5] },
        { tm: 200, vm: 6, s: [-1, 3, 2, 7, 99, 1] },
      ],
      functions: [{ name: 'c', codes: [2] }],
      scripts: [{ url: 'x.js', source: 'long source' }],
    };
    expect(compactPreprocessed(log)).toEqual({
      code: [
        { name: 'c x.js:1:1', type: 'JS', kind: 'Opt' },
        { name: 'a', type: 'CPP' },
      ],
      ticks: [
        { tm: 100, vm: 0, s: [0, 10, 1, 5] },
        // An index no code entry has becomes -1 (unknown), as the analyzer treats it anyway.
        { tm: 200, vm: 6, s: [-1, 3, 0, 7, -1, 1] },
      ],
      functions: [],
      scripts: [],
    });
  });
});

describe('findAnchorInPreprocessed', () => {
  it("finds the anchor function's code creation time, not a longer name sharing its prefix", () => {
    const code = [
      { name: '__timesink_clock_anchor_123 :3:46', type: 'JS', kind: 'Unopt', tm: 400 },
      { name: 'anchorFunctionName file:///x/register.mjs:603:28', type: 'JS', kind: 'Unopt', tm: 450 },
      { name: '__timesink_clock_anchor_12 :3:46', type: 'JS', kind: 'Unopt', tm: 500 },
      { name: '__timesink_clock_anchor_12 :3:46', type: 'JS', kind: 'Opt', tm: 900 },
    ];
    expect(findAnchorInPreprocessed({ code, ticks: [] }, '__timesink_clock_anchor_12')).toBe(500);
    expect(findAnchorInPreprocessed({ code, ticks: [] }, '__timesink_clock_anchor_7')).toBeUndefined();
  });
});

describe('finishZeroXFolder', () => {
  it("converts the app's main-thread log when 0x picked the worker's, and leaves only its compacted JSON", () => {
    const work = tempDir();
    const zeroX = path.join(work, '0x');
    fs.mkdirSync(zeroX);
    const anchor = '__timesink_clock_anchor_test';
    // Main thread: compiles the anchor and burns CPU in mainBurn; a worker burns in workerBurn.
    const script = `
      const { Worker } = require('node:worker_threads');
      new Function('return function ${anchor}() { return 1; }')()();
      const w = new Worker('function workerBurn(){const e=Date.now()+300;while(Date.now()<e);} workerBurn();', { eval: true });
      function mainBurn() { const e = Date.now() + 300; let x = 0; while (Date.now() < e) x += Math.sqrt(x); return x; }
      mainBurn();
      w.on('exit', () => {});`;
    const r = spawnSync(process.execPath, ['--prof', `--logfile=${work}/%p-v8.log`, '-e', script], { env: { ...process.env, NODE_OPTIONS: '' } });
    expect(r.status).toBe(0);
    const logs = fs.readdirSync(work).filter((f) => f.endsWith('-v8.log'));
    expect(logs).toHaveLength(2);
    const mainLog = logs.find((f) => fs.readFileSync(path.join(work, f), 'utf8').includes(`,${anchor} `))!;
    const workerLog = logs.find((f) => f !== mainLog)!;
    // As 0x leaves it when its listing names the worker's log first: that one moved and converted, plus side files.
    fs.renameSync(path.join(work, workerLog), path.join(zeroX, workerLog));
    fs.writeFileSync(path.join(zeroX, `${workerLog}.json`), JSON.stringify({ code: [{ name: 'workerBurn [eval]:1:1', type: 'JS' }], ticks: [{ tm: 1, vm: 0, s: [0, 0] }] }));
    fs.writeFileSync(path.join(zeroX, 'meta.json'), '{}');
    const pid = Number(/-(\d+)-v8\.log$/.exec(mainLog)![1]);

    const kept = finishZeroXFolder(zeroX, work, pid, anchor);

    expect(kept.ticksFile).toBe(`${mainLog}.json`);
    expect(fs.readdirSync(zeroX)).toEqual([`${mainLog}.json`]);
    expect(fs.readdirSync(work).filter((f) => f.startsWith('isolate-'))).toEqual([]);
    const doc = JSON.parse(fs.readFileSync(path.join(zeroX, kept.ticksFile!), 'utf8')) as PreprocessedLog;
    const names = doc.code.map((c) => c.name);
    expect(names.some((n) => n.startsWith('mainBurn '))).toBe(true);
    expect(names.some((n) => n.startsWith('workerBurn'))).toBe(false);
    expect(doc.ticks.length).toBeGreaterThan(50);
    // Every kept code entry is used by some tick (nothing else is kept).
    const used = new Set(doc.ticks.flatMap((t) => t.s.filter((_, i) => i % 2 === 0)));
    expect(doc.code.every((_, i) => used.has(i))).toBe(true);
    expect(kept.anchorLogUs).toBeGreaterThan(0);
    expect(kept.bytesAfter).toBeLessThan(kept.bytesBefore / 5);
  }, 30_000);
});
