/**
 * "Never break the app": every hook a lean instrumentation puts into the app's calls runs inside try/catch, and a
 * failure says one `[timesink]` line per instrumentation and leaves the call to the app as if unobserved.
 */
import { warnOnce } from '../warn.js';

export function hookFailed(instrumentation: string, err: unknown): void {
  warnOnce(`lean-${instrumentation}`, `the ${instrumentation} instrumentation failed (${(err as Error)?.message ?? String(err)}); its spans may be missing`);
}
