import type { RuntimeLine } from '../../format/recording.js';
import type { RuntimeData } from '../model/runtime.js';
import { parseSlices } from './timesink-attributes.js';

/** Is this parsed JSON line a recording's runtime line? */
export function isRuntimeLine(v: unknown): v is RuntimeLine {
  if (!v || typeof v !== 'object') return false;
  const t = (v as { t?: unknown }).t;
  return (t === 'sample' || t === 'gc' || t === 'busy') && typeof (v as { ts?: unknown }).ts === 'number';
}

/** Add one runtime line to `into`. Returns false when the line is malformed (caller warns). */
export function addRuntimeLine(line: RuntimeLine, into: RuntimeData): boolean {
  switch (line.t) {
    case 'sample': {
      if (!line.loopDelay || typeof line.pid !== 'number') return false;
      const s: RuntimeData['samples'][number] = {
        pid: line.pid,
        timeUs: line.ts,
        loopDelay: line.loopDelay,
        elu: line.elu,
        cpuUserUs: line.cpuUserUs,
        cpuSystemUs: line.cpuSystemUs,
        rssBytes: line.rss,
        heapUsedBytes: line.heapUsed,
        activeHandles: line.handles,
      };
      if (line.openSpans !== undefined) s.openSpans = line.openSpans;
      if (line.profilerActive !== undefined) s.profilerActive = line.profilerActive;
      into.samples.push(s);
      return true;
    }
    case 'gc':
      if (typeof line.durUs !== 'number') return false;
      into.gc.push({ pid: line.pid, startUs: line.ts, durationUs: line.durUs, kind: line.kind ?? 'unknown' });
      return true;
    case 'busy': {
      if (typeof line.slices !== 'string') return false;
      const byPid = line.by === 'recorder' ? into.recorderBusy : into.untracedBusy;
      let list = byPid.get(line.pid);
      if (!list) byPid.set(line.pid, (list = []));
      for (const s of parseSlices(line.slices, line.ts)) list.push(s);
      return true;
    }
    default:
      return false;
  }
}

/** Sort everything by time once all files are read (files from several processes interleave). */
export function finishRuntime(r: RuntimeData): void {
  r.samples.sort((a, b) => a.timeUs - b.timeUs);
  r.gc.sort((a, b) => a.startUs - b.startUs);
  for (const list of r.untracedBusy.values()) list.sort((a, b) => a.startUs - b.startUs);
  for (const list of r.recorderBusy.values()) list.sort((a, b) => a.startUs - b.startUs);
}
