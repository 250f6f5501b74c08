/**
 * Coverage, end to end against a real MariaDB (127.0.0.1:3306, root, database `test`): the `mysql` driver's queries
 * get spans (CommonJS and ES module apps), Fastify 4 and 5 name their routes on the server span, and the manifest
 * lists the I/O libraries the process loaded.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../analyzer/analyze.js';
import { ingest } from '../analyzer/ingest/index.js';
import { terminalSummary } from '../cli/summary.js';
import { FIXTURES, REGISTER_CJS, REGISTER_MJS, readManifestFile, readSpans, runNode, tempDir } from './testing/support.js';

const APP = path.join(FIXTURES, 'coverage-app.cjs');
const ESM_APP = path.join(FIXTURES, 'coverage-esm-app.mjs');
const MYSQL_SCOPE = '@opentelemetry/instrumentation-mysql';

describe.each(['fastify4', 'fastify5'])('%s on the mysql driver, recorded', (fastify) => {
  it('names routes on the server spans, gives the queries spans, lists mysql as loaded', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, APP], { env: { TIMESINK_OUT: dir, FASTIFY: fastify } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const spans = readSpans(dir);
    const servers = spans.filter((s) => s.kind === 2).map((s) => [s.attrs['url.path'], s.attrs['http.route']]);
    expect(servers.sort()).toEqual([
      ['/api/users/7/orders', '/api/users/:id/orders'],
      ['/articles/first-post', '/articles/:slug'],
      ['/articles/second-post', '/articles/:slug'],
      // Fastify's 404 handler matched no route: nothing is invented.
      ['/nowhere/1', undefined],
    ]);
    const queries = spans.filter((s) => s.scope === MYSQL_SCOPE);
    expect(queries.length).toBeGreaterThanOrEqual(3);
    expect(queries.every((q) => q.attrs['db.system.name'] === 'mysql' || q.attrs['db.system'] === 'mysql')).toBe(true);
    expect(readManifestFile(dir).processes[0]!.ioLibraries).toEqual(['mysql']);

    const a = analyze(await ingest([dir]), { createdAt: 'fixed' });
    expect(a.endpoints.map((e) => e.name).sort()).toEqual(['GET /api/users/:id/orders', 'GET /articles/:slug', 'GET /nowhere/:id']);
    const articles = a.endpoints.find((e) => e.name === 'GET /articles/:slug')!;
    expect(articles.breakdown.db).toBeGreaterThan(0);
    expect(articles.breakdown.uninstrumented_wait).toBeLessThan(articles.breakdown.db);
    // The statement's literal never reaches the analysis; the instrumented driver is not reported as a gap.
    expect(JSON.stringify(a)).not.toContain('secret-literal');
    expect(a.warnings.map((w) => w.code)).not.toContain('uninstrumented-library');
    expect(a.coverage?.loaded).toEqual([expect.objectContaining({ pkg: 'mysql', instrumented: true })]);
  }, 60_000);
});

describe('an ES module app importing the mysql driver', () => {
  it('records its query (default import) and lists it as loaded', async () => {
    const dir = tempDir();
    const run = await runNode(['--import', REGISTER_MJS, ESM_APP], { env: { TIMESINK_OUT: dir } });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const q = readSpans(dir).filter((s) => s.scope === MYSQL_SCOPE);
    expect(q).toHaveLength(1);
    expect(readManifestFile(dir).processes[0]!.ioLibraries).toEqual(['mysql']);
  }, 60_000);
});

describe.each([
  ['hapi', '/articles/{slug}'],
  ['restify', '/articles/:slug'],
  // NestJS on its default Express platform: the Express instrumentation names the route (no Nest-specific hook).
  ['nest', '/articles/:slug'],
])('%s, recorded', (framework, route) => {
  it('names the route on the server spans', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'routes-app.cjs')], { env: { TIMESINK_OUT: dir, FRAMEWORK: framework } });
    expect(run.code, run.stderr).toBe(0);
    const servers = readSpans(dir).filter((s) => s.kind === 2);
    expect(servers.map((s) => [s.attrs['url.path'], s.attrs['http.route']]).sort()).toEqual([
      ['/articles/first-post', route],
      ['/articles/second-post', route],
    ]);
  }, 60_000);
});

describe('an app that loaded a client timesink does not instrument', () => {
  it('is named, with its uninstrumented wait, in the analysis and the terminal summary', async () => {
    const dir = tempDir();
    const run = await runNode(['--require', REGISTER_CJS, path.join(FIXTURES, 'blind-app.cjs')], { env: { TIMESINK_OUT: dir } });
    expect(run.code, run.stderr).toBe(0);
    expect(readManifestFile(dir).processes[0]!.ioLibraries).toEqual(['@grpc/grpc-js']);
    const a = analyze(await ingest([dir]), { createdAt: 'fixed' });
    // Each request waits 30 ms on a timer no span covers: most of its time.
    expect(a.coverage!.uninstrumentedWaitFraction).toBeGreaterThan(0.5);
    const gap = a.warnings.find((w) => w.code === 'uninstrumented-library');
    expect(gap?.message).toMatch(/^The app loaded `@grpc\/grpc-js` \(a gRPC client\/server\), which timesink does not instrument: .* uninstrumented wait is \d+\.\d % of request time — that may be it\.$/);
    expect(terminalSummary(a)).toContain(`  Not instrumented: ${gap!.message}`);
  }, 60_000);
});
