/**
 * Preloaded into the 0x process under `record` (dist/zerox-exit-observer.cjs): writes how the app 0x runs ended —
 * exit code or signal — to the file named by TIMESINK_ZEROX_EXIT. 0x waits for the app's 'exit' and keeps only the
 * code, which is null when the app was killed by a signal, and then exits 0 itself; the app's own recorder cannot
 * say it either when the signal is SIGKILL (no exit hook runs). Without this a `kill -9`ed or crashed app
 * recorded under 0x looked like success to `timesink record`'s caller.
 */
import childProcess, { type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { ZEROX_EXIT_ENV, type ZeroXAppExit } from './zerox-app-exit.js';

function observe(): void {
  const file = process.env[ZEROX_EXIT_ENV];
  if (!file) return;
  // The app inherits 0x's environment: it must not see the variable (its own children are not 0x's app).
  delete process.env[ZEROX_EXIT_ENV];
  const spawn = childProcess.spawn;
  let seen = false;
  // 0x takes `spawn` from child_process when its platform module loads, after this preload: patched in time.
  childProcess.spawn = function observedSpawn(this: unknown, ...args: unknown[]): ChildProcess {
    const child = (spawn as (...a: unknown[]) => ChildProcess).apply(this, args);
    const argv = Array.isArray(args[1]) ? (args[1] as unknown[]) : [];
    // The app is the first `node --prof …` 0x starts.
    if (!seen && argv.includes('--prof')) {
      seen = true;
      child.once('exit', (code, signal) => {
        try {
          fs.writeFileSync(file, JSON.stringify({ pid: child.pid, code, signal } satisfies ZeroXAppExit));
        } catch {
          // record falls back to what the app's recorder wrote
        }
      });
    }
    return child;
  } as typeof childProcess.spawn;
}

observe();
