import type { Fix } from '../../model/analysis.js';
import type { DetectorContext } from '../types.js';
import { findFixes } from '../index.js';
import { totalUs } from './builder.js';

/** The ranked fixes of a fixture context, all of them. */
export function fixesOf(ctx: DetectorContext): Fix[] {
  return findFixes(ctx, totalUs(ctx.traces), 100);
}

export function fixOf(ctx: DetectorContext, detector: Fix['detector']): Fix | undefined {
  return fixesOf(ctx).find((f) => f.detector === detector);
}
