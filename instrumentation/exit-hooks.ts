/**
 * Flush on every way out while keeping the app's own behaviour: exit codes unchanged, uncaught errors still crash
 * with their usual output (we only *monitor* them), and a signal the app does not handle is re-raised after the
 * flush so the process still dies by that signal.
 */
import type { ProcessEntry } from '../format/recording.js';

export type ExitInfo = NonNullable<ProcessEntry['exit']>;

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

export function installExitHooks(flush: () => void, finalize: (exit: ExitInfo) => void): void {
  let reason: ExitInfo['reason'] = 'exit';
  process.on('exit', (code) => finalize({ code, signal: null, reason }));
  process.on('uncaughtExceptionMonitor', (_err, origin) => {
    reason = origin === 'unhandledRejection' ? 'unhandledRejection' : 'uncaughtException';
    flush();
  });
  for (const sig of SIGNALS) {
    const onSignal = (): void => {
      if (process.listenerCount(sig) > 1) {
        // The app handles this signal and decides whether to exit; 'exit' will finalize if it does.
        flush();
        return;
      }
      finalize({ code: null, signal: sig, reason: 'signal' });
      process.removeListener(sig, onSignal);
      process.kill(process.pid, sig);
    };
    process.on(sig, onSignal);
  }
}
