import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { computeDiff } from '../../analyzer/diff/diff.js';
import type { AnalysisDiff } from '../../analyzer/diff/types.js';
import { renderDiff } from '../../viewer/render-diff.js';
import { EXIT } from '../exit-codes.js';
import { createProgress } from '../progress.js';
import { fmtMs, fmtSignedMs } from '../../format/human.js';
import { loadSide } from './load-side.js';

export interface DiffFlags {
  output: string;
  html: boolean;
  json?: string;
  failOnRegression?: boolean;
  redact: boolean;
  quiet?: boolean;
}


export function diffSummary(d: AnalysisDiff, reportPath?: string): string {
  const o = d.overall;
  const lines = [
    `timesink diff: ${o.beforeTraces} → ${o.afterTraces} requests`,
    `  p50 ${fmtMs(o.p50.beforeMs)} → ${fmtMs(o.p50.afterMs)} (${fmtSignedMs(o.p50.deltaMs)}) · p95 ${fmtMs(o.p95.beforeMs)} → ${fmtMs(o.p95.afterMs)} (${fmtSignedMs(o.p95.deltaMs)}) · mean ${fmtMs(o.meanMs.beforeMs)} → ${fmtMs(o.meanMs.afterMs)} (${fmtSignedMs(o.meanMs.deltaMs)})`,
  ];
  const moved = o.categories.filter((c) => Math.abs(c.deltaMs) >= 0.05).sort((a, b) => Math.abs(b.deltaMs) - Math.abs(a.deltaMs)).slice(0, 5);
  if (moved.length) lines.push(`  per request: ${moved.map((c) => `${c.category} ${fmtSignedMs(c.deltaMs)}`).join(', ')}`);
  const count = (s: string): number => d.fixes.filter((f) => f.status === s).length;
  lines.push(`  fixes: ${count('resolved')} resolved, ${count('new')} new, ${count('still-open')} still open`);
  for (const r of d.improvements.slice(0, 3)) lines.push(`  better: ${r}`);
  lines.push(d.regressed ? `REGRESSED: ${d.reasons.join(' ')}` : 'No regression.');
  if (reportPath) lines.push(`Report: ${reportPath}`);
  return lines.join('\n');
}

export async function runDiff(beforePath: string, afterPath: string, flags: DiffFlags): Promise<number> {
  const progress = createProgress({ quiet: Boolean(flags.quiet) });
  const options = { redact: flags.redact };
  const before = await loadSide('before', beforePath, options, progress);
  const after = await loadSide('after', afterPath, options, progress);
  progress.done();
  const diff = computeDiff(before, after);
  let reportPath: string | undefined;
  if (flags.html) {
    reportPath = resolve(flags.output);
    await writeFile(reportPath, renderDiff(before, after, diff));
  }
  const jsonToStdout = flags.json === '-';
  if (flags.json !== undefined) {
    const text = JSON.stringify(diff, null, jsonToStdout ? 0 : 2) + '\n';
    if (jsonToStdout) process.stdout.write(text);
    else await writeFile(flags.json, text);
  }
  if (!flags.quiet) (jsonToStdout ? process.stderr : process.stdout).write(diffSummary(diff, reportPath) + '\n');
  return flags.failOnRegression && diff.regressed ? EXIT.regression : EXIT.ok;
}
