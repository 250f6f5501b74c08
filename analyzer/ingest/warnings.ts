import type { Warning } from '../model/analysis.js';

/**
 * Collects warnings, folding repeats of the same code in the same file into one entry with a count, so a
 * million bad spans give one line, not a million. The first message of each kind is kept (it names a line).
 */
export class WarningSink {
  private readonly byKey = new Map<string, Warning>();

  add(code: string, message: string, file?: string, count = 1): void {
    const key = `${code}\u0000${file ?? ''}`;
    const hit = this.byKey.get(key);
    if (hit) hit.count = (hit.count ?? 1) + count;
    else this.byKey.set(key, file === undefined ? { code, message, count } : { code, message, count, file });
  }

  list(): Warning[] {
    return [...this.byKey.values()];
  }
}
