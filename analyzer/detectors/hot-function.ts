import type { Profile } from '../model/profile.js';
import type { Change } from '../replay/change.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { bareFinding, findingOf, type Occurrence } from './support/occurrences.js';
import { appFrameOf, frameLocation, isRecorderFrame, packageOf, sampleRole } from './support/profile.js';
import { blockedSample } from '../model/frame-role.js';
import { dependencyAdvice, runtimeAdvice } from './support/dependency-advice.js';
import { fmtUs } from './support/stats.js';
import { codeLocation } from './support/spans.js';
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
 * hot-function: where the app's CPU time goes, charged to code the user owns. A sample's self time goes to its nearest
 * app frame (the call site), together with its cause below that frame: a dependency (named by package and its
 * busiest function) or a runtime function worth naming (JSON, regex, crypto, templating: workKind). Idle and wait
 * samples, GC, the recorder's own work and the thread blocked in a synchronous call (sync-io's) are not CPU the app
 * can cut and count nowhere. Groups with >= minShare of that CPU time, top N, become findings. With a timed profile,
 * samples inside each trace's on-thread critical path are charged to the span that owned that time. Change
 * (informational): those samples' time × speedup — the work made 2× cheaper.
 */
export const hotFunction: Detector<'hot-function'> = {
  id: 'hot-function',
  name: 'hot function',
  informational: true,
  advice: {
    generic: { text: '{function} ({location}) is where the CPU time goes: make it cheaper, call it less, or cache its result.' },
    byLanguage: {
      nodejs: { text: '{function} ({location}) dominates on-CPU time: call it less (cache results), use a faster equivalent (precompiled regex/templates, a streaming JSON parser), or move it to a worker thread.' },
      python: { text: '{function} ({location}) dominates on-CPU time: cache results, use a C-accelerated library (orjson, re2), or move it to a process pool.' },
      go: { text: '{function} ({location}) dominates on-CPU time: profile it with pprof, cut its allocations, cache its result, or precompile what it rebuilds per call (regexp, templates).' },
      java: { text: '{function} ({location}) dominates on-CPU time: cache its result, avoid rebuilding per call what can be reused (Pattern.compile, ObjectMapper), or move it off the request path.' },
    },
  },
  detect(ctx: DetectorContext): Finding[] {
    const profile = ctx.profile;
    if (!profile || profile.samples.length === 0) return [];
    const top = setting(ctx, 'hot-function.top');
    const minShare = setting(ctx, 'hot-function.minShare');
    const speedup = setting(ctx, 'hot-function.speedup');

    const groups = new Map<string, Group>();
    let totalUs = 0;
    const frameKey = (f: number): string => {
      const fr = profile.frames[f];
      return `${fr.name}\u0000${fr.file ?? ''}\u0000${fr.line ?? ''}`;
    };
    const sampleKey: (string | undefined)[] = profile.samples.map((s) => {
      const stack = profile.stacks[s.stack];
      if (!stack || sampleRole(profile, stack, s.vmState) !== undefined) return undefined;
      if (blockedSample(profile, stack, s.vmState) !== undefined) return undefined;
      totalUs += s.weightUs;
      const c = chargeOf(profile, stack);
      if (c === undefined) return undefined;
      const key = `${c.site === undefined ? '' : frameKey(c.site)}\u0001${c.cause ? `${c.cause.kind}:${c.cause.name}` : ''}`;
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { site: c.site, cause: c.cause, us: 0, causeFrames: new Map() }));
      g.us += s.weightUs;
      if (c.causeFrame !== undefined) g.causeFrames.set(c.causeFrame, (g.causeFrames.get(c.causeFrame) ?? 0) + s.weightUs);
      return key;
    });
    if (totalUs <= 0) return [];
    const hot = [...groups.entries()]
      .filter(([, g]) => g.us / totalUs >= minShare)
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top);

    const findings: Finding[] = [];
    for (const [key, g] of hot) {
      const w = g.us;
      const occs = profile.timed ? onPathOccurrences(ctx, profile, sampleKey, key, speedup) : [];
      // With timestamps we know it never ran on a request's critical path (start-up, background work): not a fix.
      if (profile.timed && occs.length === 0 && ctx.traces.length > 0) continue;
      const text = describe(profile, g, w, totalUs, occs);
      if (occs.length > 0) {
        const f = findingOf(hotFunction, occs, text);
        findings.push({ ...f, evidence: f.evidence.map((e) => ({ ...e, location: text.location ?? e.location })) });
      } else {
        // The profiled process's service, when a trace ran on it.
        const owner = ctx.traces.find((t) => profile.pid === undefined || t.trace.root.pid === profile.pid) ?? ctx.traces[0];
        findings.push(bareFinding(hotFunction, owner?.service ?? 'unknown', owner?.trace.root.language ?? 'unknown', text));
      }
    }
    return findings;
  },
};

/** CPU samples charged together: one app call site (if any) and one cause under it (if any). */
interface Group {
  site?: number;
  cause?: Cause;
  us: number;
  /** The cause's frames by weight (the busiest names it: koa's respond). */
  causeFrames: Map<number, number>;
}

interface Cause {
  kind: 'dependency' | 'runtime';
  /** The package (dependency) or the function (runtime). */
  name: string;
}

/**
 * Where a CPU sample's time is charged: the nearest app frame (the user's call site) and what below it the time went
 * to — the innermost dependency frame between the site and the leaf (named by its package), or a runtime leaf worth
 * naming (JSON.parse, a regex…). Runtime internals nobody can change (a libc write, timer bookkeeping) are the
 * site's own cost. A stack with no app frame is charged to its cause alone; a pure runtime stack to nobody.
 */
function chargeOf(profile: Profile, stack: readonly number[]): { site?: number; cause?: Cause; causeFrame?: number } | undefined {
  const site = appFrameOf(profile, stack);
  const siteAt = site === undefined ? -1 : stack.lastIndexOf(site);
  for (let i = stack.length - 1; i > siteAt; i--) {
    const f = profile.frames[stack[i]];
    if (f.origin === 'dependency' && !isRecorderFrame(f)) {
      return { site, cause: { kind: 'dependency', name: packageOf(f.file) ?? f.name }, causeFrame: stack[i] };
    }
  }
  const leaf = stack[stack.length - 1];
  const lf = profile.frames[leaf];
  if (lf.origin === 'runtime' && workKind(lf.name) !== undefined) return { site, cause: { kind: 'runtime', name: lf.name }, causeFrame: leaf };
  if (site !== undefined) return { site };
  return undefined;
}

/** A finding's words: the app call site first, the dependency or runtime cause and the change the user can make. */
function describe(
  profile: Profile,
  g: Group,
  w: number,
  totalUs: number,
  occs: readonly Occurrence[],
): { title: string; why: string; confidence: Finding['confidence']; details: Record<string, string | number>; vars: Record<string, string>; location?: string } {
  const siteFrame = g.site === undefined ? undefined : profile.frames[g.site];
  // No app frame on the stacks (a framework's own callback, koa's respond after the middleware resolved): the app code
  // the spans that owned the time point at, else the endpoint.
  const spanLocation = siteFrame ? undefined : commonSpanLocation(occs);
  const location = siteFrame ? frameLocation(siteFrame) : spanLocation;
  const siteLabel = siteFrame
    ? siteFrame.name === '(anonymous)'
      ? (location ?? siteFrame.name)
      : `${siteFrame.name}${location ? ` (${location})` : ''}`
    : spanLocation;
  const share = fmtPct(w / totalUs);
  const onPath = occs.length > 0 ? `, on the critical path of ${occs.length} requests` : '';
  const confidence: Finding['confidence'] = profile.timed && occs.length > 0 ? 'medium' : 'low';
  const details: Record<string, string | number> = { selfMs: w / 1000, share: Math.round((w / totalUs) * 1000) / 1000, origin: siteFrame?.origin ?? 'dependency' };
  if (location) details.calledFrom = location;
  if (!g.cause) {
    const fn = siteFrame!.name;
    const kind = workKind(fn);
    if (kind) details.kind = kind;
    return {
      title: `Make ${fn} cheaper${location ? ` (${location})` : ''}`,
      why: `${fn}${kind ? ` (${kind})` : ''} has ${share} of the sampled on-CPU time (${fmtUs(w)} self)${onPath}.`,
      confidence,
      details,
      vars: { function: fn, location: location ?? 'unknown location' },
      location,
    };
  }
  let busiest: number | undefined;
  let most = 0;
  for (const [f, us] of g.causeFrames) if (us > most) [busiest, most] = [f, us];
  const fn = busiest === undefined ? g.cause.name : profile.frames[busiest].name;
  const kind = g.cause.kind === 'runtime' ? workKind(fn) : undefined;
  const advice = g.cause.kind === 'dependency' ? dependencyAdvice(g.cause.name, fn) : runtimeAdvice(fn, kind ?? '');
  if (g.cause.kind === 'dependency') details.package = g.cause.name;
  if (kind) details.kind = kind;
  details.function = fn;
  const endpoint = occs[0]?.at.endpoint;
  const from = siteLabel ? ` called from ${siteLabel}` : endpoint ? ` in ${endpoint} (no app frame on its stacks)` : ' (no app frame on its stacks)';
  return {
    title: `${advice.what}${from}: ${advice.change}`,
    why:
      `${advice.what}${from} has ${share} of the sampled on-CPU time (${fmtUs(w)})${onPath}. ` +
      `${g.cause.kind === 'dependency' ? `The code is ${g.cause.name}'s` : 'The code is the runtime\'s'}: the change is at ${siteLabel ? 'the call site' : 'whatever calls it'}.`,
    confidence,
    details,
    vars: { function: `${advice.what}${from}`, location: location ?? 'unknown location' },
    location,
  };
}

/** The code location most of the occurrences' spans carry (the spans that owned the sampled time), if any. */
function commonSpanLocation(occs: readonly Occurrence[]): string | undefined {
  const n = new Map<string, number>();
  for (const o of occs) {
    for (const id of o.evidence.spanIds) {
      const span = o.at.trace.byId.get(id);
      const loc = span ? codeLocation(span) : undefined;
      if (loc) n.set(loc, (n.get(loc) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  for (const [loc, c] of n) if (best === undefined || c > n.get(best)! || (c === n.get(best)! && loc < best)) best = loc;
  return best;
}

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
