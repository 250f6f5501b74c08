import { describe, expect, it } from 'vitest';
import { gcPressure } from './gc-pressure.js';
import { TraceBuilder, analyzeAll, contextOf, t } from './testing/builder.js';
import { fixOf } from './testing/fixes.js';
import { emptyRuntime, type RuntimeData } from '../model/runtime.js';

function runtimeWith(pauses: [number, number][]): RuntimeData {
  const rt = emptyRuntime();
  rt.gc = pauses.map(([a, b]) => ({ pid: 4242, startUs: t(a), durationUs: (b - a) * 1000, kind: 'major' }));
  return rt;
}

/** One request on the thread for its whole 100 ms. */
function busy() {
  const b = new TraceBuilder();
  b.root({ name: 'POST /import', route: '/import', start: 0, end: 100, onThread: [[0, 100]] });
  return b.build();
}

describe('gc-pressure', () => {
  it('20 ms of GC in 100 ms of CPU: halving it saves 10 ms', () => {
    const runtime = runtimeWith([[20, 40]]);
    const ctx = contextOf(analyzeAll([busy()], runtime), { runtime });
    const [f] = gcPressure.detect(ctx);
    expect(f.details?.share).toBeCloseTo(0.2, 6);
    expect(f.why).toContain('20 %');
    expect(fixOf(ctx, 'gc-pressure')!.savingMs).toBeCloseTo(10, 6);
  });

  it('does not fire on 1 ms of GC', () => {
    const runtime = runtimeWith([[20, 21]]);
    expect(gcPressure.detect(contextOf(analyzeAll([busy()], runtime), { runtime }))).toHaveLength(0);
  });

  it('GC heavy but off every request path is found, but saves 0 ms: not a fix', () => {
    const runtime = runtimeWith([[500, 530]]);
    const ctx = contextOf(analyzeAll([busy()], runtime), { runtime });
    const [finding] = gcPressure.detect(ctx);
    expect(finding.changes.size).toBe(0);
    expect(finding.advice.text).toMatch(/allocate less/i);
    expect(fixOf(ctx, 'gc-pressure')).toBeUndefined();
  });
});
