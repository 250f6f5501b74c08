import { defineConfig } from 'vitest/config';

/**
 * `npm run test:unit`: the fast loop. The pure analyzer, format, CLI and viewer unit tests, run from the TypeScript
 * sources in seconds: no build, no Node 24 install (test/global-setup.ts is not used), no browser, no child
 * processes. Everything else — tests that run dist/, the browser tests, the recorder (instrumentation/), the
 * accuracy suite, the benchmarks' harness, the package install — runs in `npm test`.
 */
export default defineConfig({
  test: {
    include: ['analyzer/**/*.test.ts', 'format/**/*.test.ts', 'cli/**/*.test.ts', 'viewer/**/*.test.ts'],
    exclude: [
      'node_modules/**',
      'dist/**',
      // The report in a real browser (playwright + chromium).
      'viewer/**/*.browser.test.ts',
      'viewer/screenshots.test.ts',
      // These run the bundled dist/ or viewer/dist/ in a child process or read it.
      'viewer/render.test.ts',
      'analyzer/ingest/split-read.test.ts',
      'analyzer/accounting/recorded-truth.test.ts',
    ],
    testTimeout: 60_000,
    // One worker thread per core that keeps its module cache between files: these tests share no global state,
    // and re-importing the analyzer for every file was most of the loop's time (CPU 38 s with isolated forks,
    // 11 s like this, for the same 383 tests).
    pool: 'threads',
    isolate: false,
  },
});
