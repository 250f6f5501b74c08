/**
 * `--since` / `--until` values: an ISO date-time ("2026-11-23T17:00:00Z"), epoch milliseconds or seconds,
 * or a time relative to now ("15m", "2h", "1d" ago). Returns epoch microseconds.
 */
const RELATIVE = /^(\d+(?:\.\d+)?)(s|m|h|d)$/;
const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseTimeArg(text: string, nowMs: number = Date.now()): number {
  const t = text.trim();
  const rel = RELATIVE.exec(t);
  if (rel) return (nowMs - Number(rel[1]) * UNIT_MS[rel[2] as keyof typeof UNIT_MS]) * 1000;
  if (/^\d+(\.\d+)?$/.test(t)) {
    const n = Number(t);
    // Epoch seconds are < 1e11 until the year 5138; anything larger is milliseconds.
    return (n < 1e11 ? n * 1000 : n) * 1000;
  }
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new Error(`'${text}' is not a time: use an ISO date-time, epoch ms, or an age like 15m, 2h`);
  return ms * 1000;
}
