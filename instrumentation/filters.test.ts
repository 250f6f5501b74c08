/** What the recorder chooses not to record: module loading as fs spans, package-manager processes. */
import { describe, expect, it } from 'vitest';
import { fsPathOf, isModuleLoading } from './instrumentations.js';
import { isPackageManager } from './recorder.js';

describe('fs span filter', () => {
  it('recognises module loading but not app file reads', () => {
    expect(isModuleLoading('readFileSync', '/app/node_modules/pg/lib/index.js')).toBe(true);
    expect(isModuleLoading('statSync', '/app/node_modules/pg/package.json')).toBe(true);
    expect(isModuleLoading('readFile', '/app/node_modules/pg/lib/index.js')).toBe(false);
    expect(isModuleLoading('readFileSync', '/app/data/users.json')).toBe(false);
    expect(isModuleLoading('readFileSync', '/app/node_modules/some-pkg/data.csv')).toBe(false);
  });

  it('takes the path from strings, buffers and file URLs but not descriptors', () => {
    expect(fsPathOf('/a')).toBe('/a');
    expect(fsPathOf(Buffer.from('/b'))).toBe('/b');
    expect(fsPathOf(new URL('file:///c/d'))).toBe('/c/d');
    expect(fsPathOf(3)).toBeUndefined();
  });
});

describe('package manager processes', () => {
  it('recognises npm, npx, yarn and pnpm CLIs but not apps', () => {
    for (const script of ['/usr/lib/node_modules/npm/bin/npm-cli.js', '/usr/lib/node_modules/npm/bin/npx-cli.js', '/home/u/.nvm/bin/yarn', '/app/node_modules/pnpm/bin/pnpm.cjs', '/usr/bin/corepack']) {
      expect(isPackageManager(script), script).toBe(true);
    }
    for (const script of ['/app/server.js', '/app/npm-stats.js', '/app/node_modules/.bin/next', undefined]) {
      expect(isPackageManager(script), String(script)).toBe(false);
    }
  });
});
