import { sequentialIo } from './sequential-io.js';
import { nPlusOne } from './n-plus-one.js';
import { repeatedCall } from './repeated-call.js';
import { eventLoopBlocking } from './event-loop-blocking.js';
import { syncIo } from './sync-io.js';
import { poolExhaustion } from './pool-exhaustion.js';
import { lockContention } from './lock-contention.js';
import { concurrencyLimit } from './concurrency-limit.js';
import { slowQuery } from './slow-query.js';
import { missingTimeout } from './missing-timeout.js';
import { retryStorm } from './retry-storm.js';
import { connectionChurn } from './connection-churn.js';
import { fineGranularity } from './fine-granularity.js';
import { gcPressure } from './gc-pressure.js';
import { hotFunction } from './hot-function.js';

/**
 * Every detector, one line each: the one list the rest follows. Each carries its own name and advice (advice.ts
 * reads the advice from here; fixes carry the name as `detectorName`, so the viewer's bundle needs no copy);
 * registry.test.ts holds what cannot import this to it: the JSON schema's enum, the thresholds' prefixes and
 * docs/detectors.md's table. Adding a detector: its file (id, name, advice, detect), a line here, its test, its docs
 * row (and its id in the schema's enum, which the test asks for).
 * The order is `DETECTOR_IDS`'s (`--fail-on`'s list); ranking ties fall back to the id, never to this order.
 */
export const DETECTORS = [
  sequentialIo,
  nPlusOne,
  repeatedCall,
  eventLoopBlocking,
  syncIo,
  poolExhaustion,
  lockContention,
  concurrencyLimit,
  slowQuery,
  missingTimeout,
  retryStorm,
  connectionChurn,
  fineGranularity,
  gcPressure,
  hotFunction,
] as const;

/** Detector ids are a contract: they appear in `fixes[].detector` and in `--fail-on fix:<id>`. */
export type DetectorId = (typeof DETECTORS)[number]['id'];

export const DETECTOR_IDS: readonly DetectorId[] = DETECTORS.map((d) => d.id);

/** Detectors whose findings are kept with no replayable saving (ranking's exception). */
export const INFORMATIONAL_DETECTORS: ReadonlySet<DetectorId> = new Set(DETECTORS.filter((d) => d.informational).map((d) => d.id));
