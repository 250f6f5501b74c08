import type { DetectorId } from '../registry.js';
import type { DetectorContext } from '../types.js';

/**
 * Every threshold a detector uses, with its default. Override any of them through ctx.config with the same key.
 * The reasoning behind each default is in docs/detectors.md. Keys are `<detector id>.<name>` (a registered id: the
 * compiler checks the prefix) or `rank.<name>` for ranking.
 */
export const DEFAULTS = {
  'sequential-io.minCalls': 2,
  'sequential-io.minSavedMs': 10,
  'sequential-io.maxGapMs': 10,
  'n-plus-one.minCalls': 5,
  'n-plus-one.minTotalMs': 10,
  'n-plus-one.perItemFraction': 0.05,
  'repeated-call.minRepeats': 2,
  'repeated-call.minTotalMs': 2,
  'event-loop-blocking.minSliceMs': 50,
  'event-loop-blocking.minRunMs': 5,
  'event-loop-blocking.minCausedShare': 0.05,
  'sync-io.minMs': 1,
  'pool-exhaustion.minWaitMs': 1,
  'lock-contention.minWaitMs': 1,
  'lock-contention.minSerializedCalls': 6,
  'concurrency-limit.minItems': 6,
  'concurrency-limit.maxParallelism': 3,
  'concurrency-limit.minPinnedShare': 0.6,
  'slow-query.absoluteMs': 500,
  'slow-query.peerFactor': 10,
  'slow-query.minMs': 50,
  'missing-timeout.tailRatio': 10,
  'missing-timeout.minP99Ms': 1000,
  'missing-timeout.minCalls': 10,
  'missing-timeout.timeoutFactor': 3,
  'retry-storm.minAttempts': 3,
  'retry-storm.maxBackoffMs': 10,
  'connection-churn.minConnects': 3,
  'connection-churn.minPerRequest': 0.5,
  'fine-granularity.minOps': 20,
  'fine-granularity.maxOpMs': 2,
  'fine-granularity.minShare': 0.3,
  'fine-granularity.perItemFraction': 0.05,
  'gc-pressure.minShare': 0.1,
  'gc-pressure.longPauseMs': 50,
  'gc-pressure.reduction': 0.5,
  'hot-function.top': 5,
  'hot-function.minShare': 0.05,
  'hot-function.speedup': 0.5,
  'rank.minSavingMs': 0.5,
  'rank.minSavingFraction': 0.001,
  'rank.minSavingMsPerRequest': 1,
  'rank.minEndpointShare': 0.01,
  'rank.minAffectedShare': 0.01,
} as const satisfies Record<`${DetectorId | 'rank'}.${string}`, number>;

export type SettingKey = keyof typeof DEFAULTS;

export function setting(ctx: Pick<DetectorContext, 'config'>, key: SettingKey): number {
  const v = ctx.config[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : DEFAULTS[key];
}
