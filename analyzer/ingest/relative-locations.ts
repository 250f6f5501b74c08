/**
 * Code locations relative to the recorded process's working directory: "orders/server.js:41:17" reads better than
 * "/home/alice/src/shop/orders/server.js:41:17", and a report mailed to a colleague should not carry home
 * directories. Applies to span code locations and profile frames of processes whose manifest entry has a `cwd`;
 * paths outside it (and foreign data) stay as they are.
 */
import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ATTR, type ProcessEntry } from '../../format/recording.js';
import type { Profile } from '../model/profile.js';
import type { Span } from '../model/span.js';

/** `path` with the directory `dir` taken off its front, or undefined when it is not under it. */
export function underDir(path: string, dir: string): string | undefined {
  const abs = path.startsWith('file://') ? safeFileUrlPath(path) : path;
  if (abs === undefined) return undefined;
  const prefix = dir.endsWith(sep) ? dir : dir + sep;
  return abs.startsWith(prefix) && abs.length > prefix.length ? abs.slice(prefix.length) : undefined;
}

function safeFileUrlPath(url: string): string | undefined {
  try {
    return fileURLToPath(url);
  } catch {
    return undefined;
  }
}

/** Rewrites, in place, the locations of `spans` and `profiles` (from the given indexes on) recorded by `processes`. */
export function relativizeLocations(
  spans: readonly Span[],
  profiles: readonly Profile[],
  processes: readonly ProcessEntry[],
  from: { spans: number; profiles: number } = { spans: 0, profiles: 0 },
): void {
  const cwdByPid = new Map<number, string>();
  for (const p of processes) if (p.cwd) cwdByPid.set(p.pid, p.cwd);
  if (cwdByPid.size === 0) return;
  const onlyCwd = cwdByPid.size === 1 ? [...cwdByPid.values()][0] : undefined;

  for (let i = from.spans; i < spans.length; i++) {
    const s = spans[i]!;
    const cwd = s.pid === undefined ? undefined : cwdByPid.get(s.pid);
    if (cwd === undefined) continue;
    const loc = s.attributes[ATTR.location];
    if (typeof loc === 'string') s.attributes[ATTR.location] = underDir(loc, cwd) ?? loc;
    const callers = s.attributes[ATTR.callers];
    if (typeof callers === 'string') s.attributes[ATTR.callers] = callers.split('\n').map((c) => underDir(c, cwd) ?? c).join('\n');
  }
  for (let i = from.profiles; i < profiles.length; i++) {
    const p = profiles[i]!;
    // A profile without a pid (an older 0x recording) belongs to the recording's one process, if it has one.
    const cwd = p.pid !== undefined ? cwdByPid.get(p.pid) : onlyCwd;
    if (cwd === undefined) continue;
    for (const f of p.frames) {
      if (f.file === undefined) continue;
      const rel = underDir(f.file, cwd);
      if (rel !== undefined) f.file = rel;
    }
  }
}
