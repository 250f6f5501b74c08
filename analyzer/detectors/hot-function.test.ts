import { describe, expect, it } from 'vitest';
import { hotFunction, workKind } from './hot-function.js';
import { TraceBuilder, analyzeAll, contextOf, t } from './testing/builder.js';
import { fixesOf } from './testing/fixes.js';
import type { Profile } from '../model/profile.js';

/** 1 ms samples over [0,100): JSON.parse for the first 60, renderRow for the last 40. */
function profile(timed: boolean): Profile {
  const samples = [];
  for (let ms = 0; ms < 100; ms++) samples.push({ stack: ms < 60 ? 0 : 1, weightUs: 1000, ...(timed ? { timeUs: t(ms) + 500 } : {}) });
  return {
    source: 'test',
    format: 'cpuprofile',
    pid: 4242,
    frames: [
      { name: 'handler', file: '/app/api.js', line: 10, origin: 'app' },
      { name: 'JSON.parse', origin: 'runtime' },
      { name: 'renderRow', file: '/app/view.js', line: 22, origin: 'app' },
    ],
    stacks: [[0, 1], [0, 2]],
    samples,
    timed,
  };
}

function request() {
  const b = new TraceBuilder();
  b.root({ name: 'GET /list', route: '/list', start: 0, end: 100, onThread: [[0, 100]] });
  return b.build();
}

describe('hot-function', () => {
  it('ranks functions by self time; a timed profile replays a 2× speed-up on the request path', () => {
    const ctx = contextOf(analyzeAll([request()]), { profile: profile(true) });
    const findings = hotFunction.detect(ctx);
    expect(findings.map((f) => f.title)).toEqual(['Make JSON.parse cheaper', 'Make renderRow cheaper (/app/view.js:22)']);
    expect(findings[0].details?.kind).toBe('JSON');
    const fixes = fixesOf(ctx).filter((f) => f.detector === 'hot-function');
    expect(fixes.map((f) => f.savingMs)).toEqual([30, 20]);
  });

  it('an untimed profile still names the hot functions, with no saving', () => {
    const ctx = contextOf(analyzeAll([request()]), { profile: profile(false) });
    const fixes = fixesOf(ctx).filter((f) => f.detector === 'hot-function');
    expect(fixes).toHaveLength(2);
    expect(fixes.every((f) => f.savingMs === 0 && f.confidence === 'low')).toBe(true);
  });

  it('no profile, no finding; small functions stay out', () => {
    expect(hotFunction.detect(contextOf(analyzeAll([request()])))).toHaveLength(0);
    expect(hotFunction.detect(contextOf(analyzeAll([request()]), { profile: profile(false), config: { 'hot-function.minShare': 0.7 } }))).toHaveLength(0);
  });

  it('classifies the usual suspects', () => {
    expect(workKind('pbkdf2Sync')).toBe('crypto');
    expect(workKind('renderTemplate')).toBe('templating');
    expect(workKind('RegExp.prototype.exec')).toBe('regex');
    expect(workKind('computeTotals')).toBeUndefined();
  });
});

describe('hot-function: what is not CPU time', () => {
  it('idle waits and the recorder itself are neither hot nor part of the total', () => {
    const p = profile(false);
    p.frames.push({ name: 'epoll_pwait@@GLIBC_2.6', origin: 'runtime' }, { name: 'sample', file: '/x/node_modules/timesink/dist/register.mjs', line: 9, origin: 'dependency' });
    p.stacks.push([3], [4]);
    for (let i = 0; i < 1000; i++) p.samples.push({ stack: 2, weightUs: 1000 }, { stack: 3, weightUs: 1000 });
    const findings = hotFunction.detect(contextOf(analyzeAll([request()]), { profile: p }));
    expect(findings.map((f) => f.title)).toEqual(['Make JSON.parse cheaper', 'Make renderRow cheaper (/app/view.js:22)']);
    expect(findings[0].details?.share).toBeCloseTo(0.6, 6);
  });

  it('runtime internals are charged to the app code that called them; JSON.parse keeps its name', () => {
    const p = profile(false);
    p.frames.push({ name: '__write@@GLIBC_2.2.5', origin: 'runtime' }, { name: 'flushLog', file: '/app/log.js', line: 5, origin: 'app' });
    p.stacks.push([4, 3]);
    for (let i = 0; i < 100; i++) p.samples.push({ stack: 2, weightUs: 1000 });
    const titles = hotFunction.detect(contextOf(analyzeAll([request()]), { profile: p })).map((f) => f.title);
    expect(titles).toContain('Make flushLog cheaper (/app/log.js:5)');
    expect(titles).toContain('Make JSON.parse cheaper');
    expect(titles.some((x) => x.includes('__write'))).toBe(false);
  });
});
