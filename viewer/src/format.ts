/** Milliseconds for people: 0.42 ms, 12.3 ms, 1.25 s, 2 min 05 s. */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms === 0) return '0 ms';
  const a = Math.abs(ms);
  const sign = ms < 0 ? '−' : '';
  if (a < 1) return `${sign}${a.toFixed(2)} ms`;
  if (a < 100) return `${sign}${a.toFixed(1)} ms`;
  if (a < 1000) return `${sign}${Math.round(a)} ms`;
  if (a < 60_000) return `${sign}${(a / 1000).toFixed(a < 10_000 ? 2 : 1)} s`;
  const min = Math.floor(a / 60_000);
  const s = Math.round((a % 60_000) / 1000);
  return `${sign}${min} min ${String(s).padStart(2, '0')} s`;
}

export function fmtSignedMs(ms: number): string {
  return ms > 0 ? `+${fmtMs(ms)}` : ms < 0 ? fmtMs(ms) : '±0 ms';
}

export function fmtPct(fraction: number, digits = 0): string {
  if (!Number.isFinite(fraction)) return '–';
  const v = fraction * 100;
  const smallest = 10 ** -digits;
  if (v > 0 && v < smallest) return `<${smallest} %`;
  return `${v.toFixed(digits)} %`;
}

export function fmtCount(n: number): string {
  return n.toLocaleString('en-US');
}

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
