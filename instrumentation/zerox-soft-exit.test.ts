/**
 * 0x's soft-exit preload, as 0x puts it on the app's command line, with and without the recorder replacing it:
 * real node processes, real signals.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, REGISTER_CJS, runNode, tempDir, type RunResult } from './testing/support.js';

const SOFT_EXIT = createRequire(import.meta.url).resolve('0x/lib/preload/soft-exit.js');

/** Runs `node <preloads> <app> <args>` and sends it SIGTERM once it printed `ready`. */
function runAndTerminate(preloads: string[], app: string, args: string[] = []): Promise<RunResult> {
  return runNode([...preloads.flatMap((p) => ['-r', p]), path.join(FIXTURES, app), ...args], {
    env: { TIMESINK_OUT: tempDir(), TIMESINK_PROFILER: 'none' },
    onStdout: (text, child) => {
      if (text.includes('ready')) child.kill('SIGTERM');
    },
  });
}

describe('replaceZeroXSoftExit', () => {
  it("without the recorder, 0x's preload exits before the app's shutdown handler runs (the problem)", async () => {
    const r = await runAndTerminate([SOFT_EXIT], 'graceful-server.cjs');
    expect(r.stdout).not.toContain('shutting down');
    expect(r.code).toBe(0);
  });

  it("with the recorder, the app's own handler runs and its exit code stands", async () => {
    const r = await runAndTerminate([SOFT_EXIT, REGISTER_CJS], 'graceful-server.cjs');
    expect(r.stdout).toContain('shutting down (SIGTERM)');
    expect(r.stdout).toContain('graceful-server stopped');
    expect(r.code).toBe(5);
  });

  it('an app without a handler still exits cleanly (not killed, so V8 closes its log), with 128+15', async () => {
    const r = await runAndTerminate([SOFT_EXIT, REGISTER_CJS], 'crash-app.cjs', ['wait']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(143);
  });

  it('leaves processes without 0x alone: an unhandled SIGTERM still kills', async () => {
    const r = await runAndTerminate([REGISTER_CJS], 'crash-app.cjs', ['wait']);
    expect(r.signal).toBe('SIGTERM');
  });
});
