import type { Analysis } from '../../analyzer/model/analysis.js';
import type { AnalysisDiff } from '../../analyzer/diff/types.js';

/** What render.ts / render-diff.ts embed in <script type="application/json" id="timesink-data">. */
export type Payload = { kind: 'report'; analysis: Analysis } | { kind: 'diff'; before: Analysis; after: Analysis; diff: AnalysisDiff };

export const DATA_ELEMENT_ID = 'timesink-data';

