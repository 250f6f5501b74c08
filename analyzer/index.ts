/** timesink's library API: read inputs, analyze them, and the types of everything in between. */
export { analyze, type AnalyzeOptions } from './analyze.js';
export { ingest, InputError } from './ingest/index.js';
export type { IngestOptions, IngestResult } from './ingest/types.js';
export { classifySpan, classifyAll } from './classify/classify.js';
export { criticalPath, type PathPiece } from './critical-path/critical-path.js';
export { analyzeTrace } from './accounting/analyze-trace.js';
export { buildThreadIndex, type ThreadIndex } from './accounting/thread-index.js';
export { buildTraces } from './model/build-traces.js';
export * from './model/categories.js';
export type * from './model/analysis.js';
export { SCHEMA_VERSION } from './model/analysis.js';
export type * from './model/span.js';
export type * from './model/trace.js';
export type * from './model/runtime.js';
export type * from './model/profile.js';
