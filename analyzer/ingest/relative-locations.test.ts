import { describe, expect, it } from 'vitest';
import { ATTR, type ProcessEntry } from '../../format/recording.js';
import type { Profile } from '../model/profile.js';
import { relativizeLocations, underDir } from './relative-locations.js';
import { sid, span } from './testing/spans.js';

const proc = (pid: number, cwd?: string): ProcessEntry => ({
  pid,
  argv: ['node', 'app.js'],
  ...(cwd ? { cwd } : {}),
  nodeVersion: 'v20.20.2',
  startUs: 0,
  clock: { offsetUs: 0, timeOriginMs: 0 },
  files: [],
  droppedSpans: 0,
  spansWritten: 0,
  warnings: [],
});

const profile = (pid: number | undefined, files: (string | undefined)[]): Profile => ({
  source: 'p',
  format: 'cpuprofile',
  ...(pid !== undefined ? { pid } : {}),
  frames: files.map((file, i) => ({ name: `f${i}`, ...(file !== undefined ? { file } : {}), origin: 'app' })),
  stacks: [],
  samples: [],
  timed: false,
});

describe('underDir', () => {
  it('takes the directory off paths and file URLs under it, and only those', () => {
    expect(underDir('/home/alice/shop/orders.js:41:17', '/home/alice/shop')).toBe('orders.js:41:17');
    expect(underDir('/home/alice/shop/lib/db.js', '/home/alice/shop/')).toBe('lib/db.js');
    expect(underDir('file:///home/alice/shop/app.mjs', '/home/alice/shop')).toBe('app.mjs');
    // A sibling directory whose name starts the same is not under it.
    expect(underDir('/home/alice/shop-old/orders.js', '/home/alice/shop')).toBeUndefined();
    expect(underDir('node:internal/timers', '/home/alice/shop')).toBeUndefined();
    expect(underDir('/home/alice/shop', '/home/alice/shop')).toBeUndefined();
  });
});

describe('relativizeLocations', () => {
  it("rewrites span code locations and profile frames of processes with a cwd, leaves the rest", () => {
    const located = span({ spanId: sid(1), startUs: 0, endUs: 10, pid: 10 });
    located.attributes = { [ATTR.location]: '/srv/shop/orders.js:41:17', 'file.path': '/srv/shop/data.json' };
    const outside = span({ spanId: sid(2), startUs: 0, endUs: 10, pid: 10 });
    outside.attributes = { [ATTR.location]: '/opt/other/x.js:1:1' };
    const noCwd = span({ spanId: sid(3), startUs: 0, endUs: 10, pid: 11 });
    noCwd.attributes = { [ATTR.location]: '/srv/shop/orders.js:9:1' };
    const profiles = [profile(10, ['/srv/shop/orders.js', 'node:fs', undefined]), profile(11, ['/srv/shop/orders.js'])];

    relativizeLocations([located, outside, noCwd], profiles, [proc(10, '/srv/shop'), proc(11)]);

    expect(located.attributes[ATTR.location]).toBe('orders.js:41:17');
    expect(located.attributes['file.path']).toBe('/srv/shop/data.json'); // data, not code: untouched
    expect(outside.attributes[ATTR.location]).toBe('/opt/other/x.js:1:1');
    expect(noCwd.attributes[ATTR.location]).toBe('/srv/shop/orders.js:9:1');
    expect(profiles[0]!.frames.map((f) => f.file)).toEqual(['orders.js', 'node:fs', undefined]);
    expect(profiles[1]!.frames[0]!.file).toBe('/srv/shop/orders.js');
  });

  it("gives a profile without a pid the recording's only cwd, and starts at the given indexes", () => {
    const before = span({ spanId: sid(1), startUs: 0, endUs: 10, pid: 10 });
    before.attributes = { [ATTR.location]: '/srv/shop/a.js:1:1' };
    const after = span({ spanId: sid(2), startUs: 0, endUs: 10, pid: 10 });
    after.attributes = { [ATTR.location]: '/srv/shop/b.js:2:2' };
    const profiles = [profile(undefined, ['/srv/shop/old.js']), profile(undefined, ['/srv/shop/new.js'])];
    relativizeLocations([before, after], profiles, [proc(10, '/srv/shop')], { spans: 1, profiles: 1 });
    expect(before.attributes[ATTR.location]).toBe('/srv/shop/a.js:1:1');
    expect(after.attributes[ATTR.location]).toBe('b.js:2:2');
    expect(profiles.map((p) => p.frames[0]!.file)).toEqual(['/srv/shop/old.js', 'new.js']);
  });
});
