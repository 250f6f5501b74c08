import type { Breakdown, Category } from './categories.js';
import type { EpochUs, Span } from './span.js';

/** A trace after hygiene (model/): one root, children sorted by start, every repair counted. */
export interface Trace {
  traceId: string;
  root: Span;
  spans: Span[];
  /** spanId -> children (sorted by startUs). FOLLOWS_FROM children are included and flagged on the span. */
  children: Map<string, Span[]>;
  byId: Map<string, Span>;
}

/** One piece of a critical path: [startUs, endUs) of time attributed to `spanId`, in one category. */
export interface Segment {
  spanId: string;
  startUs: EpochUs;
  endUs: EpochUs;
  category: Category;
}

/** A trace with its accounting done: the input of detectors and aggregation. */
export interface AnalyzedTrace {
  trace: Trace;
  /** Critical path as time-ordered, non-overlapping segments covering [root.startUs, root.endUs]. */
  path: Segment[];
  /** Microseconds per category; sums to the root duration. */
  breakdownUs: Breakdown;
  /** Endpoint name (server span route or name) and service of the root. */
  endpoint: string;
  service: string;
}
