/**
 * Every way out of a process: the app's behaviour (exit code, signal, crash output) must be what it is without
 * timesink, and the recording on disk must hold the finished spans plus the open one marked unfinished.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { FIXTURES, REGISTER_CJS, readManifestFile, readSpans, runNode, tempDir, type RunResult } from './testing/support.js';

const APP = path.join(FIXTURES, 'crash-app.cjs');

async function both(mode: string): Promise<{ plain: RunResult; recorded: RunResult; dir: string }> {
  const dir = tempDir();
  const [plain, recorded] = await Promise.all([runNode([APP, mode]), runNode(['--require', REGISTER_CJS, APP, mode], { env: { TIMESINK_OUT: dir } })]);
  return { plain, recorded, dir };
}

/** The crash report without lines that name a pid or the recorder's own frames. */
function crashText(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => !l.includes('register.cjs') && !l.includes('node_modules'))
    .join('\n');
}

function expectUnfinishedPending(dir: string): void {
  const spans = readSpans(dir);
  expect(spans.find((s) => s.name === 'finished-work')?.attrs[ATTR.unfinished]).toBeUndefined();
  const pending = spans.find((s) => s.name === 'pending-work');
  expect(pending?.attrs[ATTR.unfinished]).toBe(true);
  expect(pending!.attrs[ATTR.durationUs] as number).toBeGreaterThan(30_000);
}

describe('crash safety', () => {
  it.each([
    ['throw', 'uncaughtException'],
    ['reject', 'unhandledRejection'],
    ['exit-code', 'exit'],
  ])('keeps the app behaviour and flushes on %s', async (mode, reason) => {
    const { plain, recorded, dir } = await both(mode);
    expect(recorded.code).toBe(plain.code);
    expect(recorded.signal).toBe(plain.signal);
    expect(recorded.stdout).toBe(plain.stdout);
    expect(crashText(recorded.stderr)).toBe(crashText(plain.stderr));
    expect(recorded.stderr).not.toContain('[timesink]');
    expectUnfinishedPending(dir);
    const p = readManifestFile(dir).processes[0]!;
    expect(p.exit).toMatchObject({ code: plain.code, reason });
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('re-raises %s after flushing when the app has no handler', async (sig) => {
    const signalOnReady = (text: string, child: ChildProcess): void => {
      if (text.includes('ready')) setTimeout(() => child.kill(sig), 100);
    };
    const dir = tempDir();
    const [plain, recorded] = await Promise.all([
      runNode([APP, 'wait'], { onStdout: signalOnReady }),
      runNode(['--require', REGISTER_CJS, APP, 'wait'], { env: { TIMESINK_OUT: dir }, onStdout: signalOnReady }),
    ]);
    expect(plain.signal).toBe(sig);
    expect(recorded.signal).toBe(sig);
    expect(recorded.code).toBe(null);
    expectUnfinishedPending(dir);
    expect(readManifestFile(dir).processes[0]!.exit).toMatchObject({ signal: sig, reason: 'signal' });
  });

  it("leaves SIGTERM to the app's own handler", async () => {
    const { plain, recorded, dir } = await both('sigterm-handled');
    expect(plain.code).toBe(3);
    expect(recorded.code).toBe(3);
    expect(recorded.stdout).toBe(plain.stdout);
    expectUnfinishedPending(dir);
    expect(readManifestFile(dir).processes[0]!.exit).toMatchObject({ code: 3 });
  });

  it('loses at most the last second on SIGKILL', async () => {
    const dir = tempDir();
    let killedAt = 0;
    const run = await runNode(['--require', REGISTER_CJS, APP, 'hang'], {
      env: { TIMESINK_OUT: dir },
      onStdout: (text, child) => {
        if (text.includes('ready')) setTimeout(() => ((killedAt = Date.now()), child.kill('SIGKILL')), 2500);
      },
    });
    expect(run.signal).toBe('SIGKILL');
    const ticks = readSpans(dir).filter((s) => s.name === 'tick');
    // One tick per 100 ms for 2.5 s; a flush at least every second keeps all but the last second's.
    expect(ticks.length).toBeGreaterThanOrEqual(13);
    const lastEndMs = Math.max(...ticks.map((s) => Number(BigInt(s.endTimeUnixNano) / 1_000_000n)));
    expect(killedAt - lastEndMs).toBeLessThan(1200);
    // The manifest written at start survives; it has no exit because there was none to record.
    const p = readManifestFile(dir).processes[0]!;
    expect(p.pid).toBe(run.pid);
    expect(p.exit).toBeUndefined();
  });
});

describe('internal failures never break the app', () => {
  it('says one line and runs on when the directory cannot be created', async () => {
    const plain = await runNode([APP, 'exit-code']);
    const run = await runNode(['--require', REGISTER_CJS, APP, 'exit-code'], { env: { TIMESINK_OUT: '/dev/full/recording' } });
    expect(run.code).toBe(plain.code);
    expect(run.stdout).toBe(plain.stdout);
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('[timesink]'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot create \/dev\/full\/recording/);
  });

  it('says one line, counts the lost spans and runs on when the disk is full', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'cjs-app.cjs')], {
      env: { TIMESINK_OUT: dir, FIXTURE_PARTS: 'burn,http,fs' },
      // The data files are opened on first flush (≥ 1 s away): point them at /dev/full, where writes fail ENOSPC.
      onSpawn: (child) => {
        fs.symlinkSync('/dev/full', path.join(dir, `spans-${child.pid}.jsonl`));
        fs.symlinkSync('/dev/full', path.join(dir, `runtime-${child.pid}.jsonl`));
      },
    });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toHaveProperty('burnUs');
    const lines = run.stderr.split('\n').filter((l) => l.startsWith('[timesink]'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/No space left on device|ENOSPC/);
    const p = readManifestFile(dir).processes[0]!;
    expect(p.droppedSpans).toBeGreaterThan(5);
    expect(p.spansWritten).toBe(0);
    expect(p.warnings.length).toBe(1);
  });
});
