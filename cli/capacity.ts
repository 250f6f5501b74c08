import type { Fix, Saturation } from '../analyzer/model/analysis.js';
import { fmtMs, fmtPct } from '../format/human.js';

const perSec = (x: number): string => (Number.isFinite(x) ? `${Math.round(x).toLocaleString('en-US')} req/s` : 'no limit');

/**
 * The capacity answer as lines, shared by the terminal and markdown summaries: event-loop time per request and the
 * rate it allows; when saturated, the two ways out and the projection with the top fixes.
 */
export function capacityLines(s: Saturation): string[] {
  const eps = s.endpoints.length > 1 ? ` (${s.endpoints.slice(0, 3).map((e) => `${e.endpoint} ${fmtMs(e.cpuMsPerRequest)}`).join(' · ')})` : '';
  const cores = s.coresAvailable !== undefined ? ` of ${s.coresAvailable}` : '';
  const lines = [
    `Capacity: ${fmtMs(s.cpuMsPerRequest)} of event-loop time per request${eps} → one process saturates at ~${perSec(s.saturationPerSec)}; ` +
      `served ${perSec(s.throughputPerSec)} with ${s.processes === 1 ? '1 process' : `${s.processes} processes`}, ${s.coresUsed.toFixed(1)}${cores} cores busy.`,
  ];
  if (!s.saturated) return lines;
  const hot = s.hotFunctions.length ? ` (where it goes: ${s.hotFunctions.map((h) => `${h.name}${h.location ? ` ${h.location}` : ''} ${fmtPct(h.selfFraction)}`).join(' · ')})` : '';
  lines.push(`Ways out: less CPU per request${hot}, or more processes (cluster, worker threads, replicas).`);
  const p = s.projection;
  if (p) {
    const n = Math.max(1, s.requests);
    lines.push(
      `With ${p.fixRanks.map((r) => `#${r}`).join(' and ')}, one process saturates at ~${perSec(p.saturationPerSec)} instead of ${perSec(s.saturationPerSec)}` +
        ` and requests queue ~${fmtMs(p.queueSavingMs / n)} less each (clients that wait for answers; up to ${fmtMs(p.queueSavingOpenLoopMs / n)} at a fixed arrival rate).`,
    );
  }
  return lines;
}

/** "also ~X less queueing per request" for a fix that frees loop time, or nothing. */
export function queueSavingNote(f: Fix): string | undefined {
  if (!f.queueSavingMs || f.queueSavingMs < 0.0005 * Math.max(1, f.affectedTraces)) return undefined;
  const freed = f.loopTimeSavedMs ? `frees ${fmtMs(f.loopTimeSavedMs)} of event-loop time; ` : '';
  return `${freed}with it requests also queue ~${fmtMs(f.queueSavingMs)} less in total (queueing model, docs/accounting.md)`;
}
