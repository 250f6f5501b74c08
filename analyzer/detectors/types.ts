import type { Advice, DetectorId, Evidence, Fix } from '../model/analysis.js';
import type { Profile } from '../model/profile.js';
import type { RuntimeData } from '../model/runtime.js';
import type { AnalyzedTrace } from '../model/trace.js';
import type { Change } from '../replay/change.js';
import type { DetectorAdvice } from '../advice/types.js';

/** Thresholds; defaults and their reasoning live in docs/detectors.md. */
export type DetectorConfig = Record<string, number>;

export interface DetectorContext {
  traces: AnalyzedTrace[];
  runtime: RuntimeData;
  profile?: Profile;
  config: DetectorConfig;
}

/**
 * What a detector found: a problem and the change that would fix it, per affected trace.
 * The saving is never stated by the detector: ranking replays `changes` (replay/) and measures it.
 */
export interface Finding {
  detector: DetectorId;
  title: string;
  why: string;
  confidence: Fix['confidence'];
  service: string;
  endpoint?: string;
  advice: Advice;
  evidence: Evidence[];
  /** traceId -> the changes that fix this finding in that trace. */
  changes: Map<string, Change[]>;
  details?: Record<string, string | number | boolean>;
  /**
   * Findings that one edit removes together (the different queries of one loop) declare the same group; ranking
   * merges them into one fix and replays all their changes together, so the fix carries their joint saving.
   */
  changeGroup?: ChangeGroup;
}

/** One edit in the user's code: every finding with the same `key` is part of it. */
export interface ChangeGroup {
  /** Equal keys merge: the detector builds it from what makes it one edit (endpoint, parent span, the loop). */
  key: string;
  /** Title and why of the merged fix (members of one group carry the same text). */
  title: string;
  why: string;
}

/**
 * One detector: its file exports one of these, and the registry (index.ts) lists it. `Id` is the detector's own id
 * as a literal type, so that `DetectorId` is the union of the registered ids.
 */
export interface Detector<Id extends string = DetectorId> {
  id: Id;
  /** What the report calls it (the fix card's badge; docs/detectors.md's table). */
  name: string;
  /** Its findings are shown even when no saving can be replayed (a profile without timing, GC off every path). */
  informational?: boolean;
  /** What to change, per language, with a sketch; `{placeholders}` are filled from the finding's vars. */
  advice: DetectorAdvice;
  detect(ctx: DetectorContext): Finding[];
}
