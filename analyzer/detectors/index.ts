import type { Fix } from '../model/analysis.js';
import { rankFindings } from '../replay/rank-findings.js';
import { loopTimeCutUs } from '../replay/loop-time-cut.js';
import type { Detector, DetectorContext, Finding } from './types.js';
import { setting } from './support/config.js';
import { DETECTORS, INFORMATIONAL_DETECTORS } from './registry.js';

export { DEFAULTS as DETECTOR_DEFAULTS } from './support/config.js';
export type { Detector, DetectorContext, Finding } from './types.js';
export { DETECTORS, DETECTOR_IDS, INFORMATIONAL_DETECTORS, type DetectorId } from './registry.js';

/** Runs every detector and concatenates their findings (savings are not known yet: ranking replays them). */
export function runDetectors(ctx: DetectorContext, detectors: readonly Detector[] = DETECTORS): Finding[] {
  return detectors.flatMap((d) => d.detect(ctx));
}

/**
 * The ranked fixes of an analysis: every detector's findings, their savings replayed (replay/), ranked by saving,
 * each reporting its marginal saving after the ones above it. `totalCriticalPathUs` is Σ root durations.
 */
export function findFixes(ctx: DetectorContext, totalCriticalPathUs: number, top: number): Fix[] {
  const findings = runDetectors(ctx);
  const fixes = rankFindings(findings, ctx.traces, totalCriticalPathUs, top, {
    minSavingUs: setting(ctx, 'rank.minSavingMs') * 1000,
    minSavingFraction: setting(ctx, 'rank.minSavingFraction'),
    informational: INFORMATIONAL_DETECTORS,
    minSavingPerRequestUs: setting(ctx, 'rank.minSavingMsPerRequest') * 1000,
    minEndpointShare: setting(ctx, 'rank.minEndpointShare'),
    minAffectedShare: setting(ctx, 'rank.minAffectedShare'),
  });
  return withLoopTimeSaved(fixes, findings, ctx).map(withDetectorName);
}

const DETECTOR_NAME: ReadonlyMap<string, string> = new Map(DETECTORS.map((d) => [d.id, d.name]));

/**
 * Each fix carries its detector's display name from the registry, next to its id, so the report shows it without
 * the viewer's bundle importing detector code (or keeping a copy of the names).
 */
function withDetectorName(fix: Fix): Fix {
  const { rank, detector, ...rest } = fix;
  return { rank, detector, detectorName: DETECTOR_NAME.get(detector) ?? detector, ...rest };
}

/** Each fix's freed event-loop time (replay/loop-time-cut.ts): the capacity side of the change, besides its saving. */
function withLoopTimeSaved(fixes: Fix[], findings: readonly Finding[], ctx: DetectorContext): Fix[] {
  const key = (f: { detector: string; title: string; service: string; endpoint?: string }): string => `${f.detector}\u0000${f.title}\u0000${f.service}\u0000${f.endpoint ?? ''}`;
  const byKey = new Map(findings.map((f) => [key(f), f]));
  const byId = new Map(ctx.traces.map((t) => [t.trace.traceId, t]));
  return fixes.map((fix) => {
    const finding = byKey.get(key(fix));
    const cutUs = finding ? loopTimeCutUs(finding, byId) : 0;
    return cutUs > 0 ? { ...fix, loopTimeSavedMs: cutUs / 1000 } : fix;
  });
}
