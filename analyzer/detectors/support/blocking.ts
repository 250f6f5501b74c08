import type { Profile } from '../../model/profile.js';
import type { Span } from '../../model/span.js';
import { frameLocation, isRecorderFrame, sampleRole } from './profile.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import { threadRuns, type ThreadRun } from './runs.js';
import type { DetectorContext } from '../types.js';
import { setting } from './config.js';
import { codeLocation } from './spans.js';
import { profiledWindow, spanBlockedStretches, type BlockedStretch } from '../../accounting/blocked.js';

/** readFileSync, execSync, pbkdf2Sync, gunzipSync…: Node's blocking APIs all end in "Sync". */
export const SYNC_CALL = /\b([a-z]\w*Sync)\b/;

/** The blocking API a span stands for, if any (span name or code.function). */
export function syncCallOf(s: Span): string | undefined {
  const fn = s.attributes['code.function.name'] ?? s.attributes['code.function'];
  return syncCallIn(s.name) ?? (typeof fn === 'string' ? syncCallIn(fn) : undefined);
}

// Span names repeat across a million spans: the regex runs once per distinct name (bounded memo; '' = no match).
const SYNC_MEMO_LIMIT = 50_000;
const syncMemo = new Map<string, string>();
function syncCallIn(text: string): string | undefined {
  let hit = syncMemo.get(text);
  if (hit === undefined) {
    hit = SYNC_CALL.exec(text)?.[1] ?? '';
    if (syncMemo.size >= SYNC_MEMO_LIMIT) syncMemo.clear();
    syncMemo.set(text, hit);
  }
  return hit === '' ? undefined : hit;
}

/** A stretch of consecutive profile samples inside a …Sync function: a blocking call no span may record. */
export interface SampledSyncCall {
  call: string;
  /** The app frame that made the call. */
  location?: string;
  startUs: number;
  endUs: number;
}

/**
 * Sync calls seen in a timed profile (crypto.pbkdf2Sync, zlib.gzipSync… have no spans): consecutive samples whose
 * stack holds a …Sync frame, merged while no gap exceeds two sample weights.
 */
export function sampledSyncCalls(profile: Profile | undefined): SampledSyncCall[] {
  if (!profile || !profile.timed) return [];
  const samples = profile.samples.filter((s) => s.timeUs !== undefined).sort((a, b) => a.timeUs! - b.timeUs!);
  const out: SampledSyncCall[] = [];
  let previous: SampledSyncCall | undefined;
  for (const s of samples) {
    const stack = profile.stacks[s.stack];
    let call: string | undefined;
    // The recorder's own writes (its span writer's writeSync) are recording cost, not the app's calls.
    if (sampleRole(profile, stack, s.vmState) === 'recorder') {
      previous = undefined;
      continue;
    }
    let location: string | undefined;
    for (let i = stack.length - 1; i >= 0; i--) {
      const f = profile.frames[stack[i]];
      // The outermost …Sync frame under the caller names the call the code made: execSync, not the spawnSync it uses.
      const m = call === undefined || f.origin === 'runtime' ? SYNC_CALL.exec(f.name) : null;
      if (m && m[1] === f.name.replace(/^.*\./, '')) call = m[1];
      else if (call !== undefined && f.origin === 'app' && !isRecorderFrame(f)) {
        location = frameLocation(f);
        break;
      }
    }
    if (!call) {
      previous = undefined;
      continue;
    }
    // Consecutive samples of one call are one call however far apart: a profiler's ticks thin out while the thread
    // sits in a syscall (0x: 5–15 ms gaps at a 1 ms interval), and nothing else was sampled in between.
    const last = out[out.length - 1];
    if (last && last.call === call && (previous === last || s.timeUs! - last.endUs <= 2 * s.weightUs)) {
      last.endUs = Math.max(last.endUs, s.timeUs! + s.weightUs);
    } else out.push({ call, location, startUs: s.timeUs!, endUs: s.timeUs! + s.weightUs });
    previous = out[out.length - 1];
  }
  return out;
}

/** A span's recorded blocked time inside a run: the thread waited in some synchronous call the recorder cannot name. */
export interface RecordedBlock {
  span: Span;
  call: string;
  /** The span's code location, when the recorder sampled one. */
  location?: string;
  startUs: number;
  endUs: number;
  blockedUs: number;
}

/**
 * Recorded blocked time under this share of its run is not evidence of a synchronous call: the recorder's wall − CPU
 * keeps a few ms of noise on a preempted CPU burn (instrumentation/blocked.test.ts: 0–6 ms of 50–90 ms).
 */
const RECORDED_MIN_SHARE = 0.1;

export interface BlockingRun {
  at: AnalyzedTrace;
  run: ThreadRun;
  /** Synchronous I/O calls made inside the run. */
  syncSpans: Span[];
  /** Synchronous calls the profile saw inside the run. */
  sampled: SampledSyncCall[];
  /**
   * Blocked time the recorder measured in the run's spans where no profile placed any (Span.blockedUs, placed by
   * accounting/blocked.ts spanBlockedStretches): one entry per span, from its first placed stretch to its last.
   */
  recorded: RecordedBlock[];
  /** Whose fix it is: the async API (sync-io) or moving CPU work off the thread (event-loop-blocking). */
  owner: 'sync-io' | 'event-loop-blocking';
}

/**
 * Whether a run is made of a request's synchronous calls: the block from its first call to its last covers most of
 * the run, and in the typical step (a call and the code up to the next call) the call takes at least 10 %. One long
 * stretch between two calls (the OS descheduling the thread mid-block, a GC) does not move the median step, so a
 * stalled block of 100 readFileSync stays sync-io's; a CPU loop that reads a file now and then does not qualify.
 */
export function isSyncCallSequence(calls: readonly Span[], runStartUs: number, runEndUs: number): boolean {
  if (calls.length < 3) return false; // two calls have a single gap: nothing typical about it
  const sorted = [...calls].sort((a, b) => a.startUs - b.startUs);
  const first = Math.max(runStartUs, sorted[0].startUs);
  let last = first;
  for (const c of sorted) last = Math.max(last, Math.min(runEndUs, c.endUs));
  if (last - first < 0.5 * (runEndUs - runStartUs)) return false;
  const callShares: number[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) {
    const call = Math.max(0, sorted[i].endUs - sorted[i].startUs);
    const gap = Math.max(0, sorted[i + 1].startUs - sorted[i].endUs);
    callShares.push(call + gap > 0 ? call / (call + gap) : 1);
  }
  callShares.sort((a, b) => a - b);
  return callShares[(callShares.length - 1) >> 1] >= 0.1;
}

/**
 * Every request's synchronous runs (at least `shortestUs` long), each assigned to exactly one detector so their savings are never counted
 * twice: a run containing synchronous I/O calls is sync-io's — unless it is a long CPU block (>= longRunUs) in which
 * the calls take under 10 % of the time and that is not just one stall inside a sequence of calls
 * (isSyncCallSequence): then moving the work off the thread is the fix.
 */
export function blockingRuns(traces: readonly AnalyzedTrace[], longRunUs: number, profile?: Profile, shortestUs = 0): BlockingRun[] {
  // sync-io and event-loop-blocking both ask, with the same arguments: compute once.
  const hit = blockingCache.get(traces);
  if (hit && hit.longRunUs === longRunUs && hit.profile === profile && hit.shortestUs === shortestUs) return hit.runs;
  const runs = computeBlockingRuns(traces, longRunUs, profile, shortestUs);
  blockingCache.set(traces, { longRunUs, profile, shortestUs, runs });
  return runs;
}

const blockingCache = new WeakMap<readonly AnalyzedTrace[], { longRunUs: number; profile?: Profile; shortestUs: number; runs: BlockingRun[] }>();

/** Runs shorter than this interest neither sync-io nor event-loop-blocking (blockingRuns' `shortestUs`). */
export function shortestBlockingRunUs(ctx: DetectorContext): number {
  return Math.min(setting(ctx, 'sync-io.minMs'), setting(ctx, 'event-loop-blocking.minRunMs')) * 1000;
}

function computeBlockingRuns(traces: readonly AnalyzedTrace[], longRunUs: number, profile: Profile | undefined, shortestUs: number): BlockingRun[] {
  const sampledAll = sampledSyncCalls(profile);
  // The same placement the accounting used (accounting/blocked.ts blockedEvidence), grouped by span.
  const recordedBySpan = new Map<Span, BlockedStretch[]>();
  for (const st of spanBlockedStretches(traces, profiledWindow(profile))) {
    if (!st.span) continue;
    const list = recordedBySpan.get(st.span);
    if (list) list.push(st);
    else recordedBySpan.set(st.span, [st]);
  }
  // Sampled calls are in start order: a run only needs those starting in [run start − longest call, run end).
  let longestCallUs = 0;
  for (const c of sampledAll) longestCallUs = Math.max(longestCallUs, c.endUs - c.startUs);
  const firstStartingAtOrAfter = (t: number): number => {
    let lo = 0;
    let hi = sampledAll.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sampledAll[mid].startUs < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const NONE: never[] = [];
  const out: BlockingRun[] = [];
  for (const at of traces) {
    // The trace's synchronous calls, found once its first long enough run asks (most traces have none: no scan).
    let syncSpans: Span[] | undefined;
    for (const run of threadRuns(at)) {
      if (run.endUs - run.startUs < shortestUs) continue; // a million tiny runs would be kept for nothing
      syncSpans ??= at.trace.spans.filter((s) => syncCallOf(s) !== undefined);
      const inRun =
        syncSpans.length === 0 ? NONE : syncSpans.filter((s) => s.startUs < run.endUs && run.startUs < s.endUs && (s.pid === undefined || s.pid === run.pid));
      const len = run.endUs - run.startUs;
      let sampled: SampledSyncCall[] = NONE;
      if (sampledAll.length > 0 && (profile?.pid === undefined || profile.pid === run.pid)) {
        for (let i = firstStartingAtOrAfter(run.startUs - longestCallUs); i < sampledAll.length && sampledAll[i].startUs < run.endUs; i++) {
          const c = sampledAll[i];
          if (run.startUs < c.endUs) (sampled === NONE ? (sampled = []) : sampled).push(c);
        }
      }
      const clipped = (a: number, b: number): number => Math.max(0, Math.min(run.endUs, b) - Math.max(run.startUs, a));
      let recorded: RecordedBlock[] = NONE;
      if (recordedBySpan.size > 0) {
        let recordedUs = 0;
        const found: RecordedBlock[] = [];
        for (const { span } of run.spans) {
          const stretches = recordedBySpan.get(span);
          if (!stretches) continue;
          let startUs = Infinity;
          let endUs = -Infinity;
          let blockedUs = 0;
          for (const st of stretches) {
            const us = clipped(st.startUs, st.endUs);
            if (us <= 0) continue;
            startUs = Math.min(startUs, Math.max(run.startUs, st.startUs));
            endUs = Math.max(endUs, Math.min(run.endUs, st.endUs));
            blockedUs += us;
          }
          if (blockedUs <= 0) continue;
          found.push({ span, call: syncCallOf(span) ?? stretches[0].call, location: codeLocation(span), startUs, endUs, blockedUs });
          recordedUs += blockedUs;
        }
        if (found.length > 0 && recordedUs >= RECORDED_MIN_SHARE * len) recorded = found;
      }
      const hasSync = inRun.length > 0 || sampled.length > 0 || recorded.length > 0;
      let owner: BlockingRun['owner'] = 'event-loop-blocking';
      if (hasSync) {
        const syncUs =
          inRun.reduce((sum, s) => sum + clipped(s.startUs, s.endUs), 0) +
          sampled.reduce((sum, c) => sum + clipped(c.startUs, c.endUs), 0) +
          recorded.reduce((sum, r) => sum + r.blockedUs, 0);
        if (!(len >= longRunUs && syncUs < 0.1 * len) || isSyncCallSequence(inRun, run.startUs, run.endUs)) owner = 'sync-io';
      }
      out.push({ at, run, syncSpans: inRun, sampled, recorded, owner });
    }
  }
  return out;
}
