import type { RecordingCost } from '../analyzer/model/analysis.js';
import { fmtMs, fmtPct } from './human.js';

/**
 * The one line the terminal summary and the report give the recording's own cost. Its time is inside the cpu and
 * queued shares (a request's hooks ran in its on-thread time, others queued behind the recorder's writes); what it
 * never is: a fix or a hot function.
 */
export function recordingCostLine(c: RecordingCost): string {
  return (
    `recording cost about ${fmtMs(c.threadMsPerRequest)} of thread time per request, ${fmtPct(c.criticalPathShare, 1)} of the critical path ` +
    '(inside the cpu and queued shares; never a fix or a hot function)'
  );
}
