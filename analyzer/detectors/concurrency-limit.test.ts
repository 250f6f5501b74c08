import { describe, expect, it } from 'vitest';
import { concurrencyLimit } from './concurrency-limit.js';
import { TraceBuilder, analyzeAll, contextOf, http } from './testing/builder.js';
import { fixesOf } from './testing/fixes.js';

/** 8 identical 20 ms calls run `par` at a time from 0, then a 20 ms tail. */
function limited(par: number) {
  const b = new TraceBuilder();
  const waves = Math.ceil(8 / par);
  const root = b.root({ name: 'GET /feed', route: '/feed', start: 0, end: waves * 20 + 20 });
  for (let i = 0; i < 8; i++) {
    const s = Math.floor(i / par) * 20;
    b.add(root, http('GET', `http://thumbs.internal/img/${i + 1}`, s, s + 20));
  }
  return b.build();
}

describe('concurrency-limit', () => {
  it('8 items 2 at a time: running them together saves 60 ms', () => {
    const ctx = contextOf(analyzeAll([limited(2)]));
    const [f] = concurrencyLimit.detect(ctx);
    expect(f.title).toContain('(2 at a time)');
    const fixes = fixesOf(ctx);
    expect(fixes[0].detector).toBe('concurrency-limit');
    expect(fixes[0].savingMs).toBeCloseTo(60, 6);
    // n-plus-one fires on the same calls but adds nothing on top (batch estimate 27 ms > 20 ms in parallel).
    expect(fixes.find((x) => x.detector === 'n-plus-one')?.savingMs ?? 0).toBe(0);
  });

  it('pool checkouts one at a time are not work items', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /feed', route: '/feed', start: 0, end: 100 });
    for (let i = 0; i < 8; i++) b.add(root, { name: 'pg-pool.connect', cls: 'pool', start: i * 10, end: i * 10 + 5 });
    expect(concurrencyLimit.detect(contextOf(analyzeAll([b.build()])))).toHaveLength(0);
  });

  it('in-process work items one at a time are limited too', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /feed', route: '/feed', start: 0, end: 100 });
    for (let i = 0; i < 8; i++) b.add(root, { name: 'render item', start: i * 10, end: i * 10 + 10 });
    const [f] = concurrencyLimit.detect(contextOf(analyzeAll([b.build()])));
    expect(f.details?.parallelism).toBe(1);
  });

  it('does not fire when all items already run together', () => {
    expect(concurrencyLimit.detect(contextOf(analyzeAll([limited(8)])))).toHaveLength(0);
  });

  it('does not fire on strictly sequential I/O (that is n-plus-one)', () => {
    expect(concurrencyLimit.detect(contextOf(analyzeAll([limited(1)])))).toHaveLength(0);
  });
});
