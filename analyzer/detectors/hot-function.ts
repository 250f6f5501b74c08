import type { Profile } from '../model/profile.js';
import type { Change } from '../replay/change.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { bareFinding, findingOf, type Occurrence } from './support/occurrences.js';
import { frameLocation, selfFrame } from './support/profile.js';
import { fmtUs } from './support/stats.js';
import { fmtPct } from '../../format/human.js';

/** What kind of work a hot function is, for the advice: the usual suspects on request paths. */
export function workKind(name: string): string | undefined {
  if (/JSON\.(?:parse|stringify)|\b(?:parse|stringify)\b|json/i.test(name)) return 'JSON';
  if (/RegExp|regex|\bexec\b|\bmatch\b|\breplace\b/i.test(name)) return 'regex';
  if (/crypto|pbkdf2|scrypt|bcrypt|hash|hmac|sha\d|cipher/i.test(name)) return 'crypto';
  if (/render|template|handlebars|ejs|pug|mustache|jinja/i.test(name)) return 'templating';
  return undefined;
}

/**
 * hot-function: the functions with the most self time in the CPU profile (>= minShare of sampled time, top N),
 * with file:line. With a timed profile, samples inside each trace's on-thread critical path are charged to the
 * span that owned that time. Change (informational): those samples' time × speedup — the function made 2× faster.
 */
export const hotFunction: Detector<'hot-function'> = {
  id: 'hot-function',
  name: 'hot function',
  informational: true,
  detect(ctx: DetectorContext): Finding[] {
    const profile = ctx.profile;
    if (!profile || profile.samples.length === 0) return [];
    const top = setting(ctx, 'hot-function.top');
    const minShare = setting(ctx, 'hot-function.minShare');
    const speedup = setting(ctx, 'hot-function.speedup');

    const selfUs = new Map<string, number>();
    const frameOfKey = new Map<string, number>();
    let totalUs = 0;
    const keyOf = (f: number): string => {
      const fr = profile.frames[f];
      return `${fr.name}\u0000${fr.file ?? ''}\u0000${fr.line ?? ''}`;
    };
    // Shares are of on-CPU time: idle and recorder samples count nowhere.
    const sampleKey: (string | undefined)[] = profile.samples.map((s) => {
      const stack = profile.stacks[s.stack];
      if (selfFrame(profile, stack) === undefined) return undefined;
      totalUs += s.weightUs;
      const f = chargedFrame(profile, stack);
      if (f === undefined) return undefined;
      const k = keyOf(f);
      selfUs.set(k, (selfUs.get(k) ?? 0) + s.weightUs);
      if (!frameOfKey.has(k)) frameOfKey.set(k, f);
      return k;
    });
    if (totalUs <= 0) return [];
    const hot = [...selfUs.entries()]
      .filter(([, w]) => w / totalUs >= minShare)
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);

    const findings: Finding[] = [];
    for (const [key, w] of hot) {
      const frame = profile.frames[frameOfKey.get(key)!];
      const location = frameLocation(frame);
      const kind = workKind(frame.name);
      const occs = profile.timed ? onPathOccurrences(ctx, profile, sampleKey, key, speedup) : [];
      // With timestamps we know it never ran on a request's critical path (start-up, background work): not a fix.
      if (profile.timed && occs.length === 0 && ctx.traces.length > 0) continue;
      const text = {
        title: `Make ${frame.name} cheaper${location ? ` (${location})` : ''}`,
        why: `${frame.name}${kind ? ` (${kind})` : ''} has ${fmtPct(w / totalUs)} of the sampled on-CPU time (${fmtUs(w)} self)${occs.length > 0 ? `, on the critical path of ${occs.length} requests` : ''}.`,
        confidence: (profile.timed && occs.length > 0 ? 'medium' : 'low') as Finding['confidence'],
        details: { selfMs: w / 1000, share: Math.round((w / totalUs) * 1000) / 1000, origin: frame.origin, ...(kind ? { kind } : {}) },
        vars: { function: frame.name, location: location ?? 'unknown location' },
      };
      if (occs.length > 0) {
        const f = findingOf('hot-function', occs, text);
        findings.push({ ...f, evidence: f.evidence.map((e) => ({ ...e, location: location ?? e.location })) });
      } else {
        // The profiled process's service, when a trace ran on it.
        const owner = ctx.traces.find((t) => profile.pid === undefined || t.trace.root.pid === profile.pid) ?? ctx.traces[0];
        findings.push(bareFinding('hot-function', owner?.service ?? 'unknown', owner?.trace.root.language ?? 'unknown', text));
      }
    }
    return findings;
  },
};

/** Per trace: the function's samples that fell in the trace's cpu path segments, as shorten changes. */
function onPathOccurrences(ctx: DetectorContext, profile: Profile, sampleKey: (string | undefined)[], key: string, speedup: number): Occurrence[] {
  const times: { t: number; w: number }[] = [];
  profile.samples.forEach((s, i) => {
    if (sampleKey[i] === key && s.timeUs !== undefined) times.push({ t: s.timeUs, w: s.weightUs });
  });
  times.sort((a, b) => a.t - b.t);
  const firstAtOrAfter = (t: number): number => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid].t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const occs: Occurrence[] = [];
  for (const at of ctx.traces) {
    const bySpan = new Map<string, number>();
    for (const seg of at.path) {
      if (seg.category !== 'cpu') continue;
      const span = at.trace.byId.get(seg.spanId);
      if (profile.pid !== undefined && span?.pid !== undefined && span.pid !== profile.pid) continue;
      let w = 0;
      for (let i = firstAtOrAfter(seg.startUs); i < times.length && times[i].t < seg.endUs; i++) w += times[i].w;
      if (w > 0) bySpan.set(seg.spanId, (bySpan.get(seg.spanId) ?? 0) + w);
    }
    if (bySpan.size === 0) continue;
    const changes: Change[] = [...bySpan].map(([spanId, w]) => ({ type: 'shorten', spanId, byUs: w * speedup }));
    occs.push({
      at,
      changes,
      evidence: { traceId: at.trace.traceId, spanIds: [...bySpan.keys()] },
      spentUs: [...bySpan.values()].reduce((s, w) => s + w, 0),
      language: at.trace.root.language,
    });
  }
  return occs;
}

/**
 * The frame a sample's self time is charged to. Runtime internals nobody can change (a libc write, timer
 * bookkeeping) are charged to the nearest app or dependency frame that called them; runtime work worth naming
 * (JSON.parse, RegExp, crypto, templating: workKind) keeps its own name. Pure runtime stacks are charged to nobody.
 */
function chargedFrame(profile: Profile, stack: readonly number[]): number | undefined {
  const leaf = stack[stack.length - 1];
  const f = profile.frames[leaf];
  if (f.origin !== 'runtime' || workKind(f.name) !== undefined) return leaf;
  for (let i = stack.length - 2; i >= 0; i--) if (profile.frames[stack[i]].origin !== 'runtime') return stack[i];
  return undefined;
}
