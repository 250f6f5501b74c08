// Small statistics and formatting helpers shared by the benchmark scripts.

export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function max(xs) {
  return xs.filter((x) => Number.isFinite(x)).reduce((a, b) => Math.max(a, b), -Infinity);
}

export const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** A plain-text table (also valid Markdown) from rows of equal-length string arrays. */
export function table(header, rows) {
  const all = [header, ...rows].map((r) => r.map(String));
  const w = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r) => '| ' + r.map((c, i) => c.padEnd(w[i])).join(' | ') + ' |';
  return [line(all[0]), '| ' + w.map((n) => '-'.repeat(n)).join(' | ') + ' |', ...all.slice(1).map(line)].join('\n');
}

export function argValue(args, name, dflt) {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : dflt;
}

export const hasFlag = (args, name) => args.includes(`--${name}`);
