import { describe, expect, it } from 'vitest';
import { hotFunction, workKind } from './hot-function.js';
import { TraceBuilder, analyzeAll, contextOf, t } from './testing/builder.js';
import { fixesOf } from './testing/fixes.js';
import type { Profile } from '../model/profile.js';
import { timedProfile } from './testing/profile.js';

const JSON_TITLE = 'JSON.parse called from handler (/app/api.js:10): parse or serialise less: paginate or slim the payload, or cache the serialised form';

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
    expect(findings.map((f) => f.title)).toEqual([JSON_TITLE, 'Make renderRow cheaper (/app/view.js:22)']);
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
    expect(findings.map((f) => f.title)).toEqual([JSON_TITLE, 'Make renderRow cheaper (/app/view.js:22)']);
    expect(findings[0].details?.share).toBeCloseTo(0.6, 6);
  });

  it('runtime internals are charged to the app code that called them; JSON.parse keeps its name', () => {
    const p = profile(false);
    p.frames.push({ name: '__write@@GLIBC_2.2.5', origin: 'runtime' }, { name: 'flushLog', file: '/app/log.js', line: 5, origin: 'app' });
    p.stacks.push([4, 3]);
    for (let i = 0; i < 100; i++) p.samples.push({ stack: 2, weightUs: 1000 });
    const titles = hotFunction.detect(contextOf(analyzeAll([request()]), { profile: p })).map((f) => f.title);
    expect(titles).toContain('Make flushLog cheaper (/app/log.js:5)');
    expect(titles).toContain(JSON_TITLE);
    expect(titles.some((x) => x.includes('__write'))).toBe(false);
  });
});

describe('hot-function: fixes name code the user owns', () => {
  /** One request on the thread for [0, 100), and a timed profile of it. */
  function detect(runs: Parameters<typeof timedProfile>[0]) {
    return hotFunction.detect(contextOf(analyzeAll([request()]), { profile: timedProfile(runs) }));
  }
  const LOGIN = 'login src/routes/users.js:12';

  it('a dependency under an app frame: the app call site, the dependency as the cause, the change the user can make', () => {
    const findings = detect([
      [0, 60, [LOGIN, 'hash node_modules/bcryptjs/dist/bcrypt.js:100', '_encipher node_modules/bcryptjs/dist/bcrypt.js:500']],
      [60, 90, ['handle node_modules/koa-compose/index.js:30', 'route src/routes/articles.js:40', 'respond node_modules/koa/lib/application.js:256', 'stringify']],
      [90, 100, [LOGIN]],
    ]);
    expect(findings.map((f) => f.title)).toEqual([
      'bcryptjs hashing called from login (src/routes/users.js:12): lower the cost factor or move hashing to a worker thread (the native bcrypt package hashes off the event loop)',
      "responses serialised by koa's respond called from route (src/routes/articles.js:40): paginate or slim the payload (fewer rows, fewer fields)",
      'Make login cheaper (src/routes/users.js:12)',
    ]);
    expect(findings[0].details).toMatchObject({ package: 'bcryptjs', function: '_encipher', calledFrom: 'src/routes/users.js:12' });
    expect(findings[0].evidence[0].location).toBe('src/routes/users.js:12');
    // The same package from two call sites is two changes.
    const two = detect([
      [0, 50, [LOGIN, '_encipher node_modules/bcryptjs/dist/bcrypt.js:500']],
      [50, 100, ['signup src/routes/users.js:30', '_encipher node_modules/bcryptjs/dist/bcrypt.js:500']],
    ]);
    expect(two.map((f) => f.details?.calledFrom).sort()).toEqual(['src/routes/users.js:12', 'src/routes/users.js:30']);
  });

  it('an unknown package gets the generic phrasing; no app frame on the stacks is said, with the endpoint or the span\'s code location', () => {
    const findings = detect([[0, 100, ['tick node_modules/left-pad/index.js:3', 'pad node_modules/left-pad/index.js:9']]]);
    expect(findings.map((f) => f.title)).toEqual(["left-pad's pad in GET /list (no app frame on its stacks): call left-pad less often or with less data, or cache its result"]);
    const untimed = timedProfile([[0, 100, ['pad node_modules/left-pad/index.js:9']]]);
    untimed.timed = false;
    expect(hotFunction.detect(contextOf(analyzeAll([request()]), { profile: untimed })).map((f) => f.title)).toEqual([
      "left-pad's pad (no app frame on its stacks): call left-pad less often or with less data, or cache its result",
    ]);
    // The span that owned the time has a code location: the fix points there.
    const b = new TraceBuilder();
    const root = b.root({ name: 'GET /articles', route: '/articles', start: 0, end: 100, onThread: [[0, 1]] });
    b.add(root, { name: 'render', start: 1, end: 100, onThread: [[1, 100]], attrs: { 'timesink.code_location': 'src/routes/articles.js:40:5' } });
    const located = hotFunction.detect(contextOf(analyzeAll([b.build()]), { profile: timedProfile([[1, 100, ['respond node_modules/koa/lib/application.js:256', 'stringify']]]) }));
    expect(located.map((f) => f.title)).toEqual([
      "responses serialised by koa's respond called from src/routes/articles.js:40: paginate or slim the payload (fewer rows, fewer fields)",
    ]);
  });

  it('idle, GC, the recorder and blocked sync calls are never a hot function and not in the shares', () => {
    const findings = detect([
      [0, 45, ['(root)', 'epoll_pwait@@GLIBC_2.6']],
      [45, 55, ['(garbage collector)']],
      [55, 70, [LOGIN, 'patchedRequire node_modules/require-in-the-middle/index.js:200']],
      [70, 80, ['emit node:events:1', 'onStart dist/register.mjs:631']],
      [80, 95, [LOGIN, 'execSync node:child_process:954', 'spawnSync node:child_process:832', 'spawnSync node:internal/child_process:1108']],
      [95, 100, ['renderRow /app/view.js:22']],
    ]);
    // Only renderRow is the app's CPU: 5 ms, 100 % of the shares.
    expect(findings.map((f) => f.title)).toEqual(['Make renderRow cheaper (/app/view.js:22)']);
    expect(findings[0].details?.share).toBe(1);
  });
});
