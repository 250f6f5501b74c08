import { describe, expect, it } from 'vitest';
import { ATTR } from '../../format/recording.js';
import { pointPastHelpers } from './helper-callers.js';
import { sid, span } from './testing/spans.js';

let n = 0;
const call = (location: string, callers?: string[]) => {
  const s = span({ spanId: sid(++n), startUs: 0, endUs: 10 });
  s.attributes = { [ATTR.location]: location, ...(callers ? { [ATTR.callers]: callers.join('\n') } : {}) };
  return s;
};
const loc = (s: ReturnType<typeof call>) => s.attributes[ATTR.location];

describe('pointPastHelpers', () => {
  it('points the spans of a helper reached from several callers at their callers', () => {
    // db.js:5 wraps pool.query; orders.js calls it in an N+1 loop (line 20) and twice more (30, 31).
    const loop = [call('db.js:5:9', ['orders.js:20:7', 'orders.js:10:3']), call('db.js:5:9', ['orders.js:20:7', 'orders.js:10:3'])];
    const a = call('db.js:5:9', ['orders.js:30:5']);
    const b = call('db.js:5:9', ['orders.js:31:5']);
    pointPastHelpers([...loop, a, b]);
    expect(loop.map(loc)).toEqual(['orders.js:20:7', 'orders.js:20:7']);
    expect([loc(a), loc(b)]).toEqual(['orders.js:30:5', 'orders.js:31:5']);
  });

  it('leaves a location with one caller as it is: a call site, not a helper', () => {
    const s = [call('orders.js:20:7', ['orders.js:10:3']), call('orders.js:20:7', ['orders.js:10:3']), call('x.js:1:1')];
    pointPastHelpers(s);
    expect(s.map(loc)).toEqual(['orders.js:20:7', 'orders.js:20:7', 'x.js:1:1']);
  });

  it('walks past nested helpers as far as the recorded frames reach', () => {
    // repo.js:8 calls db.js:5; both are reached from several places.
    const s = [
      call('db.js:5:9', ['repo.js:8:3', 'orders.js:20:7']),
      call('db.js:5:9', ['repo.js:8:3', 'users.js:4:1']),
      call('db.js:5:9', ['other.js:2:2']),
    ];
    pointPastHelpers(s);
    // repo.js:8 is never a span's own location, but the chains show it called from two places: a helper too.
    expect(s.map(loc)).toEqual(['orders.js:20:7', 'users.js:4:1', 'other.js:2:2']);
  });

  it('starts at the given index', () => {
    const before = call('db.js:5:9', ['a.js:1:1']);
    const s = [before, call('db.js:5:9', ['b.js:1:1']), call('db.js:5:9', ['c.js:1:1'])];
    pointPastHelpers(s, 1);
    expect(s.map(loc)).toEqual(['db.js:5:9', 'b.js:1:1', 'c.js:1:1']);
  });
});
