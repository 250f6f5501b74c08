import type { Analysis } from '../analyzer/model/analysis.js';
import { noFixSentence, fmtMs } from '../format/human.js';
import { CATEGORY_LABEL, nonZeroCategories, pct, perRequestMs } from './summary.js';
import { capacityLines } from './capacity.js';

/** Markdown text from a trace can break a table or inject links: neutralise the characters that matter. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A summary that fits a pull-request comment (GitHub's limit is 65,536 characters; we stay far below). */
export function markdownSummary(a: Analysis, opts: { top?: number } = {}): string {
  const s = a.summary;
  const out: string[] = [];
  out.push(`### timesink: ${mdEscape(s.verdict)}`);
  out.push('');
  out.push(
    `${s.traces.toLocaleString('en')} requests · ${s.spans.toLocaleString('en')} spans · p50 ${fmtMs(s.p50Ms)} · p95 ${fmtMs(s.p95Ms)} · p99 ${fmtMs(s.p99Ms)}`,
  );
  if (a.partial) out.push('', '> **Partial results:** some input could not be read completely.');
  out.push('');
  out.push('| | share of request time |', '|---|---:|');
  out.push(`| waiting | ${pct(s.fractions.waiting)} |`);
  out.push(`| computing | ${pct(s.fractions.computing)} |`);
  out.push(`| queued on the event loop | ${pct(s.fractions.queued)} |`);
  if (s.fractions.unattributed > 0) out.push(`| in-process, unattributed | ${pct(s.fractions.unattributed)} |`);
  const cats = nonZeroCategories(s.breakdown).slice(0, 6);
  if (cats.length && s.criticalPathMs > 0) {
    out.push('', `Largest parts: ${cats.map((c) => `${CATEGORY_LABEL[c]} ${pct(s.breakdown[c] / s.criticalPathMs)}`).join(', ')}.`);
  }
  if (a.saturation) out.push('', ...capacityLines(a.saturation).map((l) => mdEscape(l)).join('  \n').split('\n'));
  const fixes = a.fixes.slice(0, opts.top ?? 5);
  out.push('');
  if (fixes.length === 0) {
    out.push(noFixSentence(a.saturation?.saturated));
  } else {
    out.push('| # | fix | endpoint | saves per request | share | confidence |', '|---:|---|---|---:|---:|---|');
    for (const f of fixes) {
      out.push(
        `| ${f.rank} | ${mdEscape(f.title)} (\`${f.detector}\`) | ${mdEscape(f.endpoint ?? f.service)} | ${fmtMs(perRequestMs(f))} | ${pct(f.savingFraction)} | ${f.confidence} |`,
      );
    }
  }
  if (a.warnings.length) out.push('', `<sub>${a.warnings.length} input warning(s); see the HTML report.</sub>`);
  return out.join('\n') + '\n';
}
