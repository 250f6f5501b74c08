import { CATEGORIES, COMPUTE_CATEGORIES, WAIT_CATEGORIES, type Breakdown, type Category } from '../analyzer/model/categories.js';
import type { Analysis, Fix } from '../analyzer/model/analysis.js';
import { noFixSentence, fmtMs, fmtPct, plural } from '../format/human.js';
import { recordingCostLine } from '../format/recording-cost.js';
import { capacityLines, queueSavingNote } from './capacity.js';

/** Plain-words names of the categories, shared by the terminal and markdown summaries. */
export const CATEGORY_LABEL: Record<Category, string> = {
  db: 'database',
  cache: 'cache',
  network: 'network/HTTP',
  dns: 'DNS',
  fs: 'filesystem',
  messaging: 'messaging',
  pool: 'pool wait',
  lock: 'lock wait',
  timer: 'timers/sleeps',
  sync_io: 'blocked in sync I/O',
  uninstrumented_wait: 'uninstrumented wait',
  cpu: 'on-CPU JavaScript',
  gc: 'GC',
  queued: 'queued on the event loop',
  in_process_unattributed: 'in-process, unattributed',
};

/** Shares in summaries carry one decimal: 62.1 %. */
export const pct = (f: number): string => fmtPct(f, 1);

/** The largest categories of a group, as "database 62.1 % · network/HTTP 5.0 %". */
function topParts(b: Breakdown, total: number, members: readonly Category[], max = 3): string {
  return members
    .filter((c) => b[c] > 0)
    .sort((x, y) => b[y] - b[x])
    .slice(0, max)
    .map((c) => `${CATEGORY_LABEL[c]} ${pct(b[c] / total)}`)
    .join(' · ');
}

function bar(fraction: number, width: number): string {
  const n = Math.round(fraction * width);
  return '█'.repeat(n) + '░'.repeat(Math.max(0, width - n));
}

/** Per-request saving: fixes carry the sum over affected traces. */
export function perRequestMs(f: Fix): number {
  return f.affectedTraces > 0 ? f.savingMs / f.affectedTraces : f.savingMs;
}

export function fixLine(f: Fix): string {
  const where = f.endpoint ? ` [${f.endpoint}]` : '';
  return `${f.rank}. ${f.title}${where} — saves ${fmtMs(perRequestMs(f))}/request over ${f.affectedTraces} requests (${pct(f.savingFraction)} of all request time), ${f.confidence} confidence`;
}

/** The one-screen summary printed after `analyze`. Plain text, no colour codes (they go through `style`). */
export function terminalSummary(a: Analysis, opts: { top?: number; reportPath?: string; style?: (s: string, kind: 'head' | 'dim') => string } = {}): string {
  const style = opts.style ?? ((s: string) => s);
  const s = a.summary;
  const lines: string[] = [];
  const files = a.inputs.files.length;
  lines.push(
    style(`timesink: ${plural(s.traces, 'request')}, ${plural(s.spans, 'span')} from ${plural(files, 'input')}`, 'head') +
      style(` (services: ${a.inputs.services.join(', ') || 'none'})`, 'dim'),
  );
  if (a.partial) lines.push('PARTIAL RESULTS: some input could not be read completely (see warnings).');
  if (s.traces === 0) {
    lines.push('No complete requests found in the inputs.');
  } else {
    lines.push(s.verdict);
    lines.push(style(`latency p50 ${fmtMs(s.p50Ms)} · p95 ${fmtMs(s.p95Ms)} · p99 ${fmtMs(s.p99Ms)}`, 'dim'));
    const total = s.criticalPathMs;
    const rows: [string, number, string][] = [
      ['waiting', s.fractions.waiting, topParts(s.breakdown, total, WAIT_CATEGORIES)],
      ['computing', s.fractions.computing, topParts(s.breakdown, total, COMPUTE_CATEGORIES)],
      ['queued', s.fractions.queued, s.fractions.queued > 0 ? 'ready to run, but the event loop was busy with other work' : ''],
      ['unattributed', s.fractions.unattributed, s.fractions.unattributed > 0 ? 'in-process time of traces without runtime data' : ''],
    ];
    for (const [name, f, detail] of rows) {
      if (f === 0 && name === 'unattributed') continue;
      lines.push(`  ${name.padEnd(12)} ${pct(f).padStart(7)}  ${bar(f, 20)}  ${style(detail, 'dim')}`);
    }
    // Outside every share above (before the root spans began): said here, not only among the warnings.
    const before = a.warnings.find((w) => w.code === 'queued-before-first-span');
    if (before?.valueMs !== undefined && before.count) {
      const about = a.saturation?.beforeFirstSpan.bound === 'upper' ? 'at most' : 'about';
      lines.push(style(`  + ${about} ${fmtMs(before.valueMs / before.count)} per request for ${before.count} requests queued before their first span (not in the shares above)`, 'dim'));
    }
    if (a.saturation) {
      for (const l of capacityLines(a.saturation)) lines.push(a.saturation.saturated ? l : style(l, 'dim'));
    }
    if (a.recordingCost) lines.push(style(`  ${recordingCostLine(a.recordingCost)}`, 'dim'));
    // What the spans could not see into (analyzer/aggregate/coverage.ts): said next to the shares it qualifies.
    const blind = a.warnings.find((w) => w.code === 'uninstrumented-library' || w.code === 'uninstrumented-wait');
    if (blind) lines.push(`  Not instrumented: ${blind.message}`);
  }
  const top = a.fixes.slice(0, opts.top ?? 5);
  lines.push('');
  if (top.length === 0) {
    lines.push(noFixSentence(a.saturation?.saturated));
  } else {
    lines.push(style('What to change first:', 'head'));
    for (const f of top) {
      lines.push(`  ${fixLine(f)}`);
      lines.push(style(`     ${f.why}`, 'dim'));
      const loc = f.evidence.find((e) => e.location)?.location;
      if (loc) lines.push(style(`     at ${loc}`, 'dim'));
      const queue = queueSavingNote(f);
      if (queue) lines.push(style(`     ${queue}`, 'dim'));
    }
    if (a.fixes.length > top.length) lines.push(style(`  … and ${a.fixes.length - top.length} more in the report`, 'dim'));
  }
  const warned = a.warnings.length;
  if (warned) lines.push(style(`${warned} warning${warned === 1 ? '' : 's'} (see the report's header or --json).`, 'dim'));
  if (opts.reportPath) lines.push(`Report: ${opts.reportPath}`);
  return lines.join('\n');
}

/** Every category with a non-zero share, largest first: used where all of them are wanted. */
export function nonZeroCategories(b: Breakdown): Category[] {
  return CATEGORIES.filter((c) => b[c] > 0).sort((x, y) => b[y] - b[x]);
}
