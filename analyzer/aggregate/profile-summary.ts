import type { FlameNode, HotFunction, ProfileSummary } from '../model/analysis.js';
import type { Frame, FrameOrigin, Profile } from '../model/profile.js';
import type { AnalyzedTrace } from '../model/trace.js';
import { appFrameOf, blockedSample, sampleRole } from '../model/frame-role.js';

export const MAX_HOT_FUNCTIONS = 50;
/** Flamegraph nodes below this fraction of the total are dropped (bounds the report). */
export const FLAME_MIN_FRACTION = 0.001;

function locationOf(f: Frame): string | undefined {
  if (!f.file) return undefined;
  return f.line !== undefined ? `${f.file}:${f.line}` : f.file;
}

function frameKey(f: Frame): string {
  return `${f.name}\u0000${f.file ?? ''}\u0000${f.line ?? ''}`;
}

/**
 * Merged [start, end) µs of critical-path cpu time, for one pid when the profile names it. Sorted, disjoint.
 */
function criticalCpuIntervals(traces: readonly AnalyzedTrace[], pid: number | undefined): Float64Array[] {
  const iv: [number, number][] = [];
  for (const t of traces) {
    for (const seg of t.path) {
      if (seg.category !== 'cpu') continue;
      if (pid !== undefined && t.trace.byId.get(seg.spanId)?.pid !== pid) continue;
      iv.push([seg.startUs, seg.endUs]);
    }
  }
  iv.sort((a, b) => a[0] - b[0]);
  const s: number[] = [];
  const e: number[] = [];
  for (const [a, b] of iv) {
    const n = s.length;
    if (n > 0 && a <= e[n - 1]) e[n - 1] = Math.max(e[n - 1], b);
    else {
      s.push(a);
      e.push(b);
    }
  }
  return [Float64Array.from(s), Float64Array.from(e)];
}

function inIntervals(starts: Float64Array, ends: Float64Array, t: number): boolean {
  let lo = 0;
  let hi = starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (starts[mid] <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && t < ends[lo - 1];
}

/**
 * Hot functions (self and total time, by origin) and a pruned flamegraph. Samples split first by whose time they are
 * (model/frame-role.ts): idle or waiting, GC, the recorder, the thread blocked in a synchronous call, or the app's CPU.
 * Only CPU samples make hot functions and the origin split; each non-app hot function names the app frame it was
 * mostly called from. The flamegraph keeps every sample: it is the whole picture. For timed profiles, also the self
 * time of samples that fell inside critical-path cpu segments: the CPU a fix could actually take off requests.
 */
export function summarizeProfile(profile: Profile, traces: readonly AnalyzedTrace[]): ProfileSummary {
  const stackWeight = new Float64Array(profile.stacks.length);
  const stackCpu = new Float64Array(profile.stacks.length);
  const stackOnPath = new Float64Array(profile.stacks.length);
  let totalUs = 0;
  let cpuUs = 0;
  const apart = { idle: 0, gc: 0, recorder: 0, blocked: 0 };
  const roleMemo = new Map<number | string, keyof typeof apart | 'cpu'>();
  const [cs, ce] = profile.timed ? criticalCpuIntervals(traces, profile.pid) : [new Float64Array(0), new Float64Array(0)];
  for (const smp of profile.samples) {
    if (smp.stack < 0 || smp.stack >= stackWeight.length) continue;
    stackWeight[smp.stack] += smp.weightUs;
    totalUs += smp.weightUs;
    // A stack's role depends only on the stack and the vm state: asked once per pair.
    const memoKey = smp.vmState === undefined ? smp.stack : `${smp.stack}:${smp.vmState}`;
    let role = roleMemo.get(memoKey);
    if (role === undefined) {
      const stack = profile.stacks[smp.stack];
      role = sampleRole(profile, stack, smp.vmState) ?? (blockedSample(profile, stack, smp.vmState) ? 'blocked' : 'cpu');
      roleMemo.set(memoKey, role);
    }
    if (role !== 'cpu') {
      apart[role] += smp.weightUs;
      continue;
    }
    cpuUs += smp.weightUs;
    stackCpu[smp.stack] += smp.weightUs;
    if (profile.timed && smp.timeUs !== undefined && inIntervals(cs, ce, smp.timeUs)) stackOnPath[smp.stack] += smp.weightUs;
  }

  const fns = new Map<string, { frame: Frame; self: number; total: number; onPath: number; sites: Map<string, number> }>();
  const byOrigin: Record<FrameOrigin, number> = { app: 0, dependency: 0, runtime: 0 };
  const root: FlameNode = { name: '(root)', origin: 'runtime', valueMs: totalUs / 1000, children: [] };
  const childIndex = new Map<FlameNode, Map<string, FlameNode>>();
  const seen = new Set<string>();

  for (let si = 0; si < profile.stacks.length; si++) {
    const w = stackWeight[si];
    if (w <= 0) continue;
    const cpu = stackCpu[si];
    const stack = profile.stacks[si];
    const site = cpu > 0 ? appFrameOf(profile, stack) : undefined;
    const siteLoc = site === undefined ? undefined : locationOf(profile.frames[site]);
    seen.clear();
    let node = root;
    for (let d = 0; d < stack.length; d++) {
      const f = profile.frames[stack[d]];
      if (!f) continue;
      const key = frameKey(f);
      if (cpu > 0) {
        let fn = fns.get(key);
        if (!fn) fns.set(key, (fn = { frame: f, self: 0, total: 0, onPath: 0, sites: new Map() }));
        // A recursive function counts once per sample in its total.
        if (!seen.has(key)) {
          seen.add(key);
          fn.total += cpu;
        }
        if (d === stack.length - 1) {
          fn.self += cpu;
          fn.onPath += stackOnPath[si];
          byOrigin[f.origin] += cpu / 1000;
          if (siteLoc !== undefined && f.origin !== 'app') fn.sites.set(siteLoc, (fn.sites.get(siteLoc) ?? 0) + cpu);
        }
      }
      let kids = childIndex.get(node);
      if (!kids) childIndex.set(node, (kids = new Map()));
      let child = kids.get(key);
      if (!child) {
        child = { name: f.name, origin: f.origin, valueMs: 0, children: [] };
        const loc = locationOf(f);
        if (loc) child.location = loc;
        kids.set(key, child);
        node.children.push(child);
      }
      child.valueMs += w / 1000;
      node = child;
    }
  }

  const hotFunctions: HotFunction[] = [...fns.values()]
    .filter((f) => f.self > 0)
    .sort((a, b) => b.self - a.self || b.total - a.total)
    .slice(0, MAX_HOT_FUNCTIONS)
    .map((f) => {
      const h: HotFunction = {
        name: f.frame.name,
        origin: f.frame.origin,
        selfMs: f.self / 1000,
        totalMs: f.total / 1000,
        selfFraction: cpuUs > 0 ? f.self / cpuUs : 0,
      };
      const loc = locationOf(f.frame);
      if (loc) h.location = loc;
      if (profile.timed) h.onCriticalPathMs = f.onPath / 1000;
      let best: string | undefined;
      let most = 0;
      for (const [s, w] of f.sites) if (w > most || (w === most && best !== undefined && s < best)) [best, most] = [s, w];
      if (best !== undefined) h.calledFrom = best;
      return h;
    });

  prune(root, (totalUs / 1000) * FLAME_MIN_FRACTION);
  return {
    source: profile.source,
    format: profile.format,
    totalMs: totalUs / 1000,
    timed: profile.timed,
    hotFunctions,
    flamegraph: root,
    byOrigin,
    cpuMs: cpuUs / 1000,
    idleMs: apart.idle / 1000,
    gcMs: apart.gc / 1000,
    recorderMs: apart.recorder / 1000,
    blockedMs: apart.blocked / 1000,
  };
}

function prune(node: FlameNode, minMs: number): void {
  node.children = node.children.filter((c) => c.valueMs >= minMs).sort((a, b) => b.valueMs - a.valueMs);
  for (const c of node.children) prune(c, minMs);
}
