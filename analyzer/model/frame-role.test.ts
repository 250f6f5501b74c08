import { describe, expect, it } from 'vitest';
import { appFrameOf, blockedSample, frameRole, packageOf, sampleRole } from './frame-role.js';
import { frame, timedProfile } from '../detectors/testing/profile.js';

/** The one stack of a one-run profile, with its vm state. */
function only(stack: string[], vmState?: string) {
  const p = timedProfile([[0, 1, stack, vmState]]);
  return { p, stack: p.stacks[0], vm: p.samples[0].vmState };
}

const HANDLER = 'handler src/routes/users.js:40';

describe('frame roles', () => {
  it('idle and wait frames are idle, GC is gc, the recorder is the recorder, code is its origin', () => {
    for (const name of ['epoll_pwait', 'epoll_pwait@@GLIBC_2.6', '(idle)', '(program)', 'uv__io_poll', 'pthread_cond_wait@@GLIBC_2.3.2', 'futex_wait_queue'])
      expect(frameRole(frame(name))).toBe('idle');
    expect(frameRole(frame('(garbage collector)'))).toBe('gc');
    for (const spec of [
      'onStart dist/register.mjs:631',
      'patchedRequire node_modules/require-in-the-middle/index.js:200',
      'hook node_modules/import-in-the-middle/hook.mjs:10',
      'wrapped node_modules/shimmer/index.js:50',
      'onEnd node_modules/@opentelemetry/sdk-trace-base/build/src/Span.js:300',
      'attributeEntriesJson /home/a/app/node_modules/timesink/dist/register.cjs:1',
    ])
      expect(frameRole(frame(spec))).toBe('recorder');
    expect(frameRole(frame(HANDLER))).toBe('app');
    expect(frameRole(frame('respond node_modules/koa/lib/application.js:256'))).toBe('dependency');
    expect(frameRole(frame('stringify'))).toBe('runtime');
    // Not the recorder: an app's own dist folder, or a package merely named like one.
    expect(frameRole(frame('main dist/server.js:1'))).toBe('app');
    expect(frameRole(frame('x node_modules/opentelemetry-ish/index.js:1'))).toBe('dependency');
  });

  it('a sample is the recorder only when a recorder frame is the innermost non-runtime frame', () => {
    // The recorder's hook writing a span: recorder cost, runtime work included.
    const hook = only(['listener node:_http_server:1', 'onEnd dist/register.mjs:700', 'writeSync node:fs:900', 'write']);
    expect(sampleRole(hook.p, hook.stack)).toBe('recorder');
    // The app's handler running inside an instrumented listener (OTel's wrapper further out): the app's.
    const wrapped = only(['emit node:events:1', 'patched node_modules/@opentelemetry/instrumentation-http/build/src/http.js:300', HANDLER, 'stringify']);
    expect(sampleRole(wrapped.p, wrapped.stack)).toBeUndefined();
    expect(appFrameOf(wrapped.p, wrapped.stack)).toBe(wrapped.stack[2]);
    // A module loading under require-in-the-middle's patched require is the requiring code's; the hook's own time is the recorder's.
    const load = only([HANDLER, 'patchedRequire node_modules/require-in-the-middle/index.js:152', 'Module._load node:internal/modules/cjs/loader:1002', 'compileFunction']);
    expect(sampleRole(load.p, load.stack)).toBeUndefined();
    const hookSelf = only([HANDLER, 'patchedRequire node_modules/require-in-the-middle/index.js:152']);
    expect(sampleRole(hookSelf.p, hookSelf.stack)).toBe('recorder');
  });

  it('idle and GC samples by leaf or by vm state', () => {
    const idle = only(['(root)', 'epoll_pwait']);
    expect(sampleRole(idle.p, idle.stack)).toBe('idle');
    const gc = only(['(garbage collector)']);
    expect(sampleRole(gc.p, gc.stack)).toBe('gc');
    const gcVm = only([HANDLER], 'gc');
    expect(sampleRole(gcVm.p, gcVm.stack, gcVm.vm)).toBe('gc');
    const busy = only([HANDLER, 'stringify']);
    expect(sampleRole(busy.p, busy.stack)).toBeUndefined();
  });

  it('the package of a dependency file', () => {
    expect(packageOf('node_modules/koa/lib/application.js')).toBe('koa');
    expect(packageOf('/srv/app/node_modules/@prisma/client/runtime/index.js')).toBe('@prisma/client');
    expect(packageOf('node_modules/a/node_modules/pg/lib/client.js')).toBe('pg');
    expect(packageOf('src/app.js')).toBeUndefined();
  });
});

describe('blocked samples', () => {
  it('execSync: the native spawnSync under the app frame is blocked, named by the API the app called', () => {
    // .cpuprofile: the spawnSync wrapper's own time is the native spawn (no separate native frame).
    const s = only([HANDLER, 'execSync node:child_process:954', 'spawnSync node:child_process:832', 'spawnSync node:internal/child_process:1108']);
    expect(blockedSample(s.p, s.stack)).toEqual({ call: 'execSync', site: s.stack[0] });
    // 0x: the same stack, V8 in an external (native) call.
    const z = only([HANDLER, 'execSync node:child_process:954', 'spawnSync node:child_process:832', 'spawnSync node:internal/child_process:1108'], 'external');
    expect(blockedSample(z.p, z.stack, z.vm)).toEqual({ call: 'execSync', site: z.stack[0] });
  });

  it('readFileSync: the whole call is blocked, its own JavaScript (a buffer allocation) included, as a span of it would be', () => {
    const read = only([HANDLER, 'readFileSync node:fs:441', 'tryReadSync node:fs:420', 'readSync node:fs:708', 'read']);
    expect(blockedSample(read.p, read.stack)?.call).toBe('readFileSync');
    const alloc = only([HANDLER, 'readFileSync node:fs:441', 'tryCreateBuffer node:fs:405', 'allocUnsafe node:buffer:404']);
    expect(blockedSample(alloc.p, alloc.stack)?.call).toBe('readFileSync');
    // GC inside the call stays GC; a plain fs function that is not …Sync (an async read's callback) is not blocked.
    const gc = only([HANDLER, 'readFileSync node:fs:441'], 'gc');
    expect(blockedSample(gc.p, gc.stack, gc.vm)).toBeUndefined();
    const cb = only([HANDLER, 'readFileAfterRead node:fs:300']);
    expect(blockedSample(cb.p, cb.stack)).toBeUndefined();
  });

  it('Atomics.wait from its vm state; crypto and zlib …Sync calls compute; the recorder\'s own writes are not the app\'s', () => {
    const w = only([HANDLER], 'atomics-wait');
    expect(blockedSample(w.p, w.stack, w.vm)).toEqual({ call: 'Atomics.wait', site: w.stack[0] });
    const hash = only([HANDLER, 'pbkdf2Sync node:internal/crypto/pbkdf2:60', 'pbkdf2']);
    expect(blockedSample(hash.p, hash.stack)).toBeUndefined();
    const gzip = only([HANDLER, 'gzipSync node:zlib:100', 'zlibBufferSync node:zlib:150', 'writeSync']);
    expect(blockedSample(gzip.p, gzip.stack)).toBeUndefined();
    const own = only([HANDLER, 'flush dist/register.mjs:530', 'writeSync node:fs:900', 'write']);
    expect(blockedSample(own.p, own.stack)).toBeUndefined();
    // A dependency's readFileSync: blocked, charged to the app frame that called the dependency.
    const dep = only([HANDLER, 'render node_modules/ejs/lib/ejs.js:300', 'readFileSync node:fs:441', 'read']);
    expect(blockedSample(dep.p, dep.stack)).toEqual({ call: 'readFileSync', site: dep.stack[0] });
  });
});
