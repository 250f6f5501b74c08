import type { Manifest } from '../../format/recording.js';
import type { InputSummary } from '../model/analysis.js';
import type { Profile } from '../model/profile.js';
import { emptyRuntime, type RuntimeData } from '../model/runtime.js';
import type { Span } from '../model/span.js';
import { StringInterner } from './intern.js';
import { WarningSink } from './warnings.js';

/** Everything read so far, shared by the readers of all inputs of one ingest() call. */
export interface Accumulator {
  spans: Span[];
  runtime: RuntimeData;
  profiles: Profile[];
  manifests: Manifest[];
  files: InputSummary['files'];
  warnings: WarningSink;
  interner: StringInterner;
  partial: boolean;
  /** Progress: compressed bytes read so far and the total of all planned files. */
  onBytes: (n: number) => void;
}

export function newAccumulator(onBytes: (n: number) => void): Accumulator {
  return {
    spans: [],
    runtime: emptyRuntime(),
    profiles: [],
    manifests: [],
    files: [],
    warnings: new WarningSink(),
    interner: new StringInterner(),
    partial: false,
    onBytes,
  };
}
