import type { Profile } from '../../model/profile.js';
import { ProfileBuilder } from './builder.js';

/*
 * V8 .cpuprofile (Chrome DevTools / `node --cpu-prof` / inspector Profiler.stop): a call tree of nodes,
 * one node id per sample, timeDeltas between samples in µs on V8's monotonic clock.
 */

interface CallFrame {
  functionName: string;
  url?: string;
  lineNumber?: number;
  columnNumber?: number;
}
interface Node {
  id: number;
  callFrame: CallFrame;
  children?: number[];
  parent?: number;
}
export interface CpuProfileJson {
  nodes: Node[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export function isCpuProfile(v: unknown): v is CpuProfileJson {
  const o = v as Partial<CpuProfileJson> | null;
  return !!o && typeof o === 'object' && Array.isArray(o.nodes) && typeof o.startTime === 'number';
}

/** `offsetUs` maps V8 monotonic µs to epoch µs (manifest clock.profileOffsetUs); without it samples are untimed. */
export function convertCpuProfile(doc: CpuProfileJson, source: string, pid?: number, offsetUs?: number): Profile {
  const b = new ProfileBuilder(source, 'cpuprofile', pid);
  const byId = new Map<number, Node>();
  for (const n of doc.nodes) byId.set(n.id, n);
  const parentOf = new Map<number, number>();
  for (const n of doc.nodes) {
    for (const c of n.children ?? []) parentOf.set(c, n.id);
    if (n.parent !== undefined) parentOf.set(n.id, n.parent);
  }
  // node id → interned stack index (root first, without V8's synthetic "(root)").
  const stackOf = new Map<number, number>();
  const stackFor = (id: number): number => {
    const hit = stackOf.get(id);
    if (hit !== undefined) return hit;
    const frames: number[] = [];
    for (let cur: number | undefined = id; cur !== undefined; cur = parentOf.get(cur)) {
      const n = byId.get(cur);
      if (!n) break;
      const cf = n.callFrame;
      if (cf.functionName === '(root)' && !cf.url) continue;
      const file = cf.url ? cf.url.replace(/^file:\/\//, '') : undefined;
      const line = cf.lineNumber !== undefined && cf.lineNumber >= 0 ? cf.lineNumber + 1 : undefined;
      const col = cf.columnNumber !== undefined && cf.columnNumber >= 0 ? cf.columnNumber + 1 : undefined;
      frames.push(b.frame(cf.functionName || '(anonymous)', file, line, col));
    }
    frames.reverse();
    const s = b.stack(frames);
    stackOf.set(id, s);
    return s;
  };
  const samples = doc.samples ?? [];
  const deltas = doc.timeDeltas ?? [];
  const times: number[] = new Array(samples.length);
  let t = doc.startTime;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    times[i] = t;
  }
  for (let i = 0; i < samples.length; i++) {
    // A sample stands for the time until the next one (DevTools' convention); the last one until endTime.
    const next = i + 1 < samples.length ? times[i + 1]! : Math.max(doc.endTime, times[i]!);
    const vm = stateOf(byId.get(samples[i]!)?.callFrame.functionName);
    b.sample(stackFor(samples[i]!), Math.max(0, next - times[i]!), offsetUs === undefined ? undefined : times[i]! + offsetUs, vm);
  }
  b.profile.timed = offsetUs !== undefined;
  return b.profile;
}

function stateOf(fn: string | undefined): string | undefined {
  if (fn === '(garbage collector)') return 'gc';
  if (fn === '(idle)') return 'idle';
  if (fn === '(program)') return 'other';
  return undefined;
}
