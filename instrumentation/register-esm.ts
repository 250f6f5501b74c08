/**
 * `node --import timesink/register app.mjs`: the import-in-the-middle loader hook (limited to the packages we
 * instrument, so every other module loads untouched) and then the same recorder as the CommonJS entry.
 */
import { register } from 'node:module';
import { inheritNodeOptions } from './inherit.js';
import { ESM_HOOKED_MODULES } from './instrumentations.js';
import { startRecorder } from './recorder.js';
import { warnOnce } from './warn.js';
import { replaceZeroXSoftExit } from './zerox-soft-exit.js';

try {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, { data: { include: ESM_HOOKED_MODULES } });
} catch (err) {
  warnOnce('esm-hook', `cannot hook ES module imports (${(err as Error).message}); only require()d modules are instrumented`);
}
inheritNodeOptions();
startRecorder();
// Under `record` with 0x: let the app's own SIGINT/SIGTERM handlers run (after the recorder's flush).
replaceZeroXSoftExit();
