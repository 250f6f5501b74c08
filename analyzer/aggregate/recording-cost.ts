import type { RecordingCost } from '../model/analysis.js';
import { sampleRole } from '../model/frame-role.js';
import type { Profile } from '../model/profile.js';
import type { RuntimeData } from '../model/runtime.js';
import type { Slice } from '../model/span.js';
import type { AnalyzedTrace } from '../model/trace.js';

/** Sorted, disjoint copy of slices. */
function merged(slices: readonly Slice[]): Slice[] {
  const sorted = [...slices].sort((a, b) => a.startUs - b.startUs);
  const out: Slice[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.startUs <= last.endUs) last.endUs = Math.max(last.endUs, s.endUs);
    else out.push({ startUs: s.startUs, endUs: s.endUs });
  }
  return out;
}

/** µs of [a, b) covered by sorted disjoint `slices`. */
function overlapUs(slices: readonly Slice[], a: number, b: number): number {
  let lo = 0;
  let hi = slices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slices[mid].endUs <= a) lo = mid + 1;
    else hi = mid;
  }
  let us = 0;
  for (let i = lo; i < slices.length && slices[i].startUs < b; i++) us += Math.max(0, Math.min(b, slices[i].endUs) - Math.max(a, slices[i].startUs));
  return us;
}

function contains(slices: readonly Slice[], t: number): boolean {
  return overlapUs(slices, t, t + 1) > 0;
}

/**
 * What the recording cost the requests (issue: the recorder owns up to its cost). Two sources, not double counted:
 * the recorder's own accounting of its work outside spans (runtime `busy` lines by the recorder: encoding and writing
 * spans), and, from a timed profile, samples whose innermost non-runtime frame is the recorder's (hooks running inside
 * the app's callbacks) that fall outside those busy slices. Only the requests' time window counts (start-up module
 * hooking is not a per-request cost). On the critical path: recorder samples inside the requests' `cpu` segments, and
 * the requests' `queued` segments that overlap the recorder's busy slices (they waited for the recorder, not for
 * another request). Undefined when neither source has anything (foreign traces, recordings without runtime data).
 */
export function recordingCost(traces: readonly AnalyzedTrace[], runtime: RuntimeData, profile: Profile | undefined): RecordingCost | undefined {
  if (traces.length === 0) return undefined;
  let fromUs = Infinity;
  let toUs = -Infinity;
  let pathUs = 0;
  for (const at of traces) {
    fromUs = Math.min(fromUs, at.trace.root.startUs);
    toUs = Math.max(toUs, at.trace.root.endUs);
    pathUs += at.trace.root.endUs - at.trace.root.startUs;
  }
  const busy = new Map<number, Slice[]>();
  let busyUs = 0;
  for (const [pid, slices] of runtime.recorderBusy) {
    const m = merged(slices);
    busy.set(pid, m);
    busyUs += overlapUs(m, fromUs, toUs);
  }
  const sources: RecordingCost['sources'] = [];
  if (runtime.recorderBusy.size > 0) sources.push('recorder-accounting');

  // Recorder samples in the requests' window, outside the recorder's own busy slices.
  const samples: number[] = [];
  let sampledUs = 0;
  if (profile?.timed) {
    const own = profile.pid !== undefined ? (busy.get(profile.pid) ?? []) : [...busy.values()].flat().sort((a, b) => a.startUs - b.startUs);
    const memo = new Map<string, boolean>();
    for (const s of profile.samples) {
      if (s.timeUs === undefined || s.timeUs < fromUs || s.timeUs >= toUs) continue;
      const key = `${s.stack}:${s.vmState ?? ''}`;
      let isRecorder = memo.get(key);
      if (isRecorder === undefined) memo.set(key, (isRecorder = sampleRole(profile, profile.stacks[s.stack] ?? [], s.vmState) === 'recorder'));
      if (!isRecorder || contains(own, s.timeUs)) continue;
      samples.push(s.timeUs, s.weightUs);
      sampledUs += s.weightUs;
    }
    sources.push('profile');
  }
  if (busyUs <= 0 && sampledUs <= 0) return undefined;

  // On the critical path: recorder samples in cpu segments, queued segments during the recorder's busy slices.
  let onPathUs = 0;
  const sampleAt: { t: number; w: number }[] = [];
  for (let i = 0; i < samples.length; i += 2) sampleAt.push({ t: samples[i], w: samples[i + 1] });
  sampleAt.sort((a, b) => a.t - b.t);
  const firstAtOrAfter = (t: number): number => {
    let lo = 0;
    let hi = sampleAt.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sampleAt[mid].t < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const at of traces) {
    for (const seg of at.path) {
      const pid = at.trace.byId.get(seg.spanId)?.pid;
      if (seg.category === 'cpu' && sampleAt.length > 0 && (profile?.pid === undefined || pid === undefined || pid === profile.pid)) {
        for (let i = firstAtOrAfter(seg.startUs); i < sampleAt.length && sampleAt[i].t < seg.endUs; i++) {
          onPathUs += Math.min(sampleAt[i].w, seg.endUs - sampleAt[i].t);
        }
      } else if (seg.category === 'queued' && pid !== undefined) {
        const slices = busy.get(pid);
        if (slices) onPathUs += overlapUs(slices, seg.startUs, seg.endUs);
      }
    }
  }
  const threadUs = busyUs + sampledUs;
  return {
    requests: traces.length,
    threadMs: threadUs / 1000,
    threadMsPerRequest: threadUs / 1000 / traces.length,
    onCriticalPathMs: onPathUs / 1000,
    criticalPathShare: pathUs > 0 ? onPathUs / pathUs : 0,
    sources,
  };
}
