/**
 * Under `record` with 0x, 0x preloads lib/preload/soft-exit.js into the app: `process.on('SIGINT'|'SIGTERM', () =>
 * process.exit())`. Preloaded before the app, that listener runs first and exits before the app's own shutdown
 * handler can do anything (and with code 0). Its purpose — end the app with a clean exit so V8 closes its --prof log —
 * is kept only for apps that do not handle the signal: we remove 0x's listeners and add one that exits (128+n, the
 * code a death by that signal reports) unless a listener added after the recorder's (the app's) is there to decide.
 */
import { createRequire } from 'node:module';
import os from 'node:os';

const SOFT_EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
const SOFT_EXIT_MODULE = /[\\/]0x[\\/]lib[\\/]preload[\\/]soft-exit\.js$/;

/** 0x's soft-exit listener: its exact source, from a module we know is loaded. */
function isZeroXSoftExit(listener: (...args: unknown[]) => void): boolean {
  return /^\(\)\s*=>\s*process\.exit\(\)$/.test(listener.toString().trim());
}

function zeroXSoftExitLoaded(): boolean {
  // The CommonJS module cache is shared by require() and createRequire(), whichever entry (cjs/mjs) loaded us.
  try {
    return Object.keys(createRequire(`${process.cwd()}/`).cache).some((k) => SOFT_EXIT_MODULE.test(k));
  } catch {
    return false; // no working directory any more: not something 0x started
  }
}

/**
 * Call after the recorder installed its own signal listeners. Returns the signals it took over (empty when 0x's
 * preload is not in this process, e.g. in the app's own child processes).
 */
export function replaceZeroXSoftExit(): NodeJS.Signals[] {
  if (!zeroXSoftExitLoaded()) return [];
  const replaced: NodeJS.Signals[] = [];
  for (const sig of SOFT_EXIT_SIGNALS) {
    const softExits = process.listeners(sig).filter((l) => isZeroXSoftExit(l as (...args: unknown[]) => void));
    if (softExits.length === 0) continue;
    for (const l of softExits) process.removeListener(sig, l);
    // Listeners present now are the recorder's (it flushes); any added later are the app's.
    const before = new Set(process.listeners(sig));
    const exitUnlessHandled = (): void => {
      if (process.listeners(sig).some((l) => l !== exitUnlessHandled && !before.has(l))) return;
      process.exit(128 + (os.constants.signals[sig] ?? 0));
    };
    process.on(sig, exitUnlessHandled);
    replaced.push(sig);
  }
  return replaced;
}
