import { describe, expect, it } from 'vitest';
import { buildThreadIndex, busyRunBefore, queuedRunsInWait, type PidTimeline } from './thread-index.js';
import { mkSpan, mkTrace } from '../critical-path/testing/spans.js';
import { emptyRuntime, type GcPause } from '../model/runtime.js';
import type { Slice } from '../model/span.js';

/** One pid: trace "own" runs `mine`, trace "other" runs `theirs`, plus untraced work and GC pauses (µs). */
function timeline(mine: [number, number][], theirs: [number, number][], untraced: [number, number][] = [], gc: [number, number][] = []) {
  const sl = (xs: [number, number][]): Slice[] => xs.map(([a, b]) => ({ startUs: a, endUs: b }));
  const own = mkTrace([mkSpan('o', undefined, 0, 100_000, { pid: 1, onThread: sl(mine) })], 'own');
  const other = mkTrace([mkSpan('x', undefined, 0, 100_000, { pid: 1, onThread: sl(theirs) })], 'other');
  const rt = emptyRuntime();
  rt.untracedBusy.set(1, sl(untraced));
  rt.gc.push(...gc.map(([s, e]): GcPause => ({ pid: 1, startUs: s, durationUs: e - s, kind: 'major' })));
  const index = buildThreadIndex([own, other], rt);
  return { tl: index.pids.get(1) as PidTimeline, ownId: index.traceOrdinal.get('own')! };
}

describe('queuedRunsInWait', () => {
  it('the run of other work right before the final callback', () => {
    // Wait [1000, 20000); other work [5000, 19000); our callback [19000, 19500) stamps the end at 19200.
    const { tl, ownId } = timeline([[19_000, 19_500]], [[5000, 19_000]]);
    expect(queuedRunsInWait(tl, ownId, 1000, 19_200)).toBe(14_000);
  });

  it('sums the runs before every continuation of a multi-step wait', () => {
    // Steps resume at 8000 and 16000 (own), each after other work: [3000,8000) and [10000,16000).
    const { tl, ownId } = timeline(
      [
        [8000, 8100],
        [16_000, 16_100],
      ],
      [
        [3000, 8000],
        [10_000, 16_000],
      ],
    );
    expect(queuedRunsInWait(tl, ownId, 1000, 16_050)).toBe(5000 + 6000);
  });

  it('a GC pause between pieces continues the run; an idle gap over 1 ms breaks it', () => {
    const bridged = timeline([[20_000, 20_100]], [[2000, 10_000]], [[14_000, 20_000]], [[10_000, 14_000]]);
    expect(queuedRunsInWait(bridged.tl, bridged.ownId, 1000, 20_050)).toBe(18_000);
    const idle = timeline([[20_000, 20_100]], [[2000, 10_000]], [[14_000, 20_000]]);
    expect(queuedRunsInWait(idle.tl, idle.ownId, 1000, 20_050)).toBe(6000);
  });

  it('nothing when the wait ended synchronously, inside someone else\'s work, or after < 1 ms of driver code', () => {
    const sync = timeline([[500, 20_000]], [[2000, 3000]]);
    expect(queuedRunsInWait(sync.tl, sync.ownId, 1000, 10_000)).toBe(0);
    const inside = timeline([[30_000, 30_100]], [[2000, 25_000]]);
    expect(queuedRunsInWait(inside.tl, inside.ownId, 1000, 10_000)).toBe(0);
    const driver = timeline([[10_000, 10_400]], [], [[9400, 10_000]]);
    expect(queuedRunsInWait(driver.tl, driver.ownId, 1000, 10_100)).toBe(0);
  });
});

describe('busyRunBefore', () => {
  it('the stretch of other work, untraced work and GC right before a start, own first slice aside', () => {
    // Other work [2000, 6000), untraced [6500, 9000) (a gap under 1 ms), GC [9000, 9800), then our first slice at
    // 10000 (stamped 5 µs early).
    const { tl, ownId } = timeline([[9995, 10_400]], [[2000, 6000]], [[6500, 9000]], [[9000, 9800]]);
    expect(busyRunBefore(tl, ownId, 10_000)).toBe(8000);
  });

  it('an idle gap over 1 ms ends the stretch; an idle loop before the start gives nothing', () => {
    const { tl, ownId } = timeline([[10_000, 10_400]], [[2000, 6000], [7500, 9900]]);
    expect(busyRunBefore(tl, ownId, 10_000)).toBe(2500);
    const idle = timeline([[10_000, 10_400]], [[2000, 6000]]);
    expect(busyRunBefore(idle.tl, idle.ownId, 10_000)).toBe(0);
  });
});

describe('uncontended estimate', () => {
  it('is the lower quartile of the free waits: a few slow ones on a loaded machine do not raise it', () => {
    // Five `fs readFile` waits (1, 2, 3, 4, 20 ms), each in its own trace, on a thread that runs nothing else.
    const ms = [1, 2, 3, 4, 20];
    const traces = ms.map((d, i) => {
      const start = i * 100_000;
      const root = mkSpan('r', undefined, start, start + 50_000, { pid: 1, onThread: [{ startUs: start, endUs: start + 100 }] });
      const wait = mkSpan('w', 'r', start + 100, start + 100 + d * 1000, { pid: 1, name: 'fs readFile', class: 'fs' });
      return mkTrace([root, wait], `t${i}`);
    });
    const index = buildThreadIndex(traces, emptyRuntime());
    // Median: 3 ms. Lower quartile (nearest rank below): 2 ms.
    expect(index.uncontendedUs.get(traces[0].spans[1])).toBe(2000);
  });
});
