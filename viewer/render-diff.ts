import type { Analysis } from '../analyzer/model/analysis.js';
import type { AnalysisDiff } from '../analyzer/diff/types.js';
import { renderPage } from './page.js';

/** The self-contained HTML page comparing two analyses (computeDiff's result plus both sides). */
export function renderDiff(before: Analysis, after: Analysis, diff: AnalysisDiff): string {
  // The diff page shows summaries, not waterfalls or flamegraphs: leave the heavy parts out of the file.
  const slim = (a: Analysis): Analysis => ({ ...a, traces: [], timelines: [], profile: undefined });
  return renderPage(`timesink diff${diff.regressed ? ' — regressed' : ''}`, { kind: 'diff', before: slim(before), after: slim(after), diff });
}
