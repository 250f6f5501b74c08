/** The recorder's only voice: one `[timesink]` line on stderr per kind of problem, never a throw into the app. */
const said = new Set<string>();

export function warnOnce(kind: string, message: string): void {
  if (said.has(kind)) return;
  said.add(kind);
  try {
    process.stderr.write(`[timesink] ${message}\n`);
  } catch {
    // stderr closed: nothing left to tell.
  }
}

/** Warnings said so far, for the manifest. */
export function warningsSaid(): string[] {
  return [...said];
}
