/**
 * Which I/O libraries of the registry (format/io-libraries.ts) this process has loaded, from the module cache's keys:
 * every CommonJS module, including CommonJS packages an ES module imported (Node loads those through the same cache).
 * Packages that are only ES modules never enter it and are not seen (none of the registry's drivers is ESM-only).
 * Read when the manifest is written, not per require: no hook on module loading. A full scan of 2,375 keys took
 * 0.6 ms at best, an unchanged cache 0.2 ms (bench/scan-loaded-libraries.mjs, docs/coverage.md); the full scan runs
 * only while the cache grows, i.e. mostly at start-up.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { ioLibrary, packageOfPath } from '../format/io-libraries.js';

export class LoadedLibraries {
  private readonly cache: Record<string, unknown>;
  private readonly found = new Set<string>();
  private seenKeys = -1;

  constructor(cache?: Record<string, unknown>) {
    // Any path will do: createRequire only needs an anchor, and `.cache` is the process's one module cache.
    this.cache = cache ?? (createRequire(path.join(process.cwd(), 'timesink-recorder.js')).cache as Record<string, unknown>);
  }

  /** The registry's packages loaded so far, sorted (a package stays listed once loaded, even if evicted later). */
  scan(): string[] {
    const keys = Object.keys(this.cache);
    if (keys.length !== this.seenKeys) {
      this.seenKeys = keys.length;
      let last: string | undefined;
      for (const k of keys) {
        const pkg = packageOfPath(k);
        // Neighbouring keys are mostly files of the same package.
        if (pkg === undefined || pkg === last) continue;
        last = pkg;
        if (ioLibrary(pkg)) this.found.add(pkg);
      }
    }
    return [...this.found].sort();
  }
}
