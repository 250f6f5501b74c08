/**
 * `timesink record -- cmd` exits as its command did, through the real CLI in its own process: a SIGKILLed app is
 * 137 under every profiler (0x reports no signal of its own), and an app without a SIGTERM handler that gets
 * SIGTERM ends with 143 after the recorder flushed. (0x turns its tick log into ticks after the app ends: tens of
 * seconds on a loaded machine, hence the long timeouts.)
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ATTR } from '../format/recording.js';
import { FIXTURES, REPO, readSpans, tempDir } from './testing/support.js';

const APP = path.join(FIXTURES, 'crash-app.cjs');
const PROFILES: [string, string[]][] = [
  ['0x (default)', []],
  ['the inspector', ['--profiler', 'inspector']],
  ['no profile', ['--no-profile']],
];

interface Recorded {
  code: number | null;
  output: string;
}

/** Runs `timesink record` on crash-app in `mode`; `onReady` gets the wrapper once the app printed "ready". */
function record(out: string, flags: string[], mode: string, onReady?: (kill: (sig: NodeJS.Signals) => void) => void): Promise<Recorded> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // vitest's own
  const rec = spawn(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'record', '--out', out, ...flags, '--', 'node', APP, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  let told = false;
  const onData = (c: Buffer): void => {
    output += c.toString();
    if (!told && output.includes('ready') && onReady) {
      told = true;
      onReady((sig) => rec.kill(sig));
    }
  };
  rec.stdout.on('data', onData);
  rec.stderr.on('data', onData);
  const killer = setTimeout(() => rec.kill('SIGKILL'), 170_000);
  return new Promise((resolve) =>
    rec.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, output });
    }),
  );
}

describe('timesink record exit codes', () => {
  it.each(PROFILES)('exits 137 when the app is killed by SIGKILL (%s)', async (_label, flags) => {
    const r = await record(tempDir(), flags, 'sigkill');
    expect(r.code, r.output).toBe(137);
  }, 180_000);

  it('exits as the app did when it exits with its own code under 0x', async () => {
    const r = await record(tempDir(), [], 'exit-code');
    expect(r.code, r.output).toBe(7);
  }, 180_000);

  it.each(PROFILES)('exits 143 after the flush when an app without a handler gets SIGTERM (%s)', async (_label, flags) => {
    const out = tempDir();
    // A moment after "ready", so the app's recorder has its signal hooks (they are installed before the app runs).
    const r = await record(out, flags, 'wait', (kill) => setTimeout(() => kill('SIGTERM'), 300));
    expect(r.code, r.output).toBe(143);
    // The recorder flushed before the app ended: the span it had open is there, written as unfinished.
    expect(readSpans(out).find((s) => s.name === 'pending-work')?.attrs[ATTR.unfinished]).toBe(true);
  }, 180_000);
});
