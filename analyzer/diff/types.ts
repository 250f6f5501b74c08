import type { Category } from '../model/categories.js';
import type { DetectorId, Fix } from '../model/analysis.js';

/** A number before and after a change. `deltaMs` = after − before; `ratio` = after / before (null when before is 0). */
export interface ValueChange {
  beforeMs: number;
  afterMs: number;
  deltaMs: number;
  ratio: number | null;
}

/** Mean critical-path ms per request in one category, before and after. */
export interface CategoryChange extends ValueChange {
  category: Category;
}

export interface EndpointDiff {
  service: string;
  name: string;
  /** 'both' when the endpoint appears in both analyses; otherwise where it appears. */
  presence: 'both' | 'before-only' | 'after-only';
  beforeCount: number;
  afterCount: number;
  p50?: ValueChange;
  p95?: ValueChange;
  /** Mean critical path per request. */
  meanMs?: ValueChange;
  /** Per category, mean ms per request (only for endpoints present in both). */
  categories: CategoryChange[];
  /** True when this endpoint alone meets the regression rule. */
  regressed: boolean;
}

export type FixStatus = 'resolved' | 'new' | 'still-open';

export interface FixDiff {
  status: FixStatus;
  /** detector + service + endpoint + key detail: what "the same fix" means across two analyses. */
  key: string;
  detector: DetectorId;
  service: string;
  endpoint?: string;
  title: string;
  before?: Fix;
  after?: Fix;
}

export interface DiffThresholds {
  /** Relative worsening that counts (0.10 = 10 %). */
  relative: number;
  /** And absolute worsening in ms, so that 1 ms → 1.2 ms is not a regression. */
  absoluteMs: number;
  /** An endpoint's own p95 counts only with at least this many requests on both sides. */
  minEndpointCount: number;
}

export interface AnalysisDiff {
  overall: {
    beforeTraces: number;
    afterTraces: number;
    p50: ValueChange;
    p95: ValueChange;
    p99: ValueChange;
    /** Mean critical path per request (summary.criticalPathMs / summary.traces). */
    meanMs: ValueChange;
    categories: CategoryChange[];
  };
  endpoints: EndpointDiff[];
  fixes: FixDiff[];
  regressed: boolean;
  /** Sentences saying which rule fired (empty when not regressed). */
  reasons: string[];
  /** Sentences naming what got better (for the verdict line). */
  improvements: string[];
  thresholds: DiffThresholds;
}
