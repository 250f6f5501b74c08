// The number formats shared with the terminal and markdown summaries.
export { NOTHING_WORTH_CHANGING, noFixSentence, fmtCount, fmtMs, fmtPct, fmtSignedMs } from '../../format/human.js';

export function fmtTime(epochMs: number): string {
  if (!Number.isFinite(epochMs) || epochMs <= 0) return 'unknown';
  return new Date(epochMs).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/** Axis ticks over a recording: 0 s, 45 s, 1:30, 12:05. */
export function fmtClock(ms: number, domainMs = ms): string {
  // Short recordings need tenths, or every tick would read "1 s".
  if (domainMs < 20_000) return `${(ms / 1000).toFixed(domainMs < 2_000 ? 2 : 1)} s`;
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total} s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
