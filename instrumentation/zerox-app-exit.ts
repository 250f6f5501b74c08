/** How the app 0x ran ended, as the 0x exit observer (zerox-exit-observer.ts) hands it to `record`. */
import fs from 'node:fs';

export const ZEROX_EXIT_ENV = 'TIMESINK_ZEROX_EXIT';

/** What the observer writes. */
export interface ZeroXAppExit {
  pid: number | undefined;
  code: number | null;
  signal: NodeJS.Signals | null;
}

export function readZeroXAppExit(file: string): ZeroXAppExit | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ZeroXAppExit;
  } catch {
    return undefined; // 0x failed before starting the app, or the observer could not write
  }
}
