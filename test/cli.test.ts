import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Analysis } from '../analyzer/model/analysis.js';
import type { Span } from '../analyzer/model/span.js';
import { sid, span } from '../analyzer/ingest/testing/spans.js';
import { toOtlpJson, writeAllFormats } from '../analyzer/ingest/testing/write-formats.js';

/** The built CLI, run as a user would: exit codes and messages are the contract here. */
const CLI = join(import.meta.dirname, '..', 'dist', 'cli.js');

/**
 * The CLI's input: a small two-service trace with a database call, written as Zipkin v2 JSON by the project's own
 * format writer (no file from outside the repository), and the same trace as one OTLP JSON document for collect.
 */
function fixtureTrace(): Span[] {
  const t0 = 1_700_000_000_000_000;
  return [
    span({ spanId: sid(1), name: 'GET /orders', kind: 'server', service: 'shop', startUs: t0, endUs: t0 + 50_000, attributes: { 'http.route': '/orders', 'http.method': 'GET' } }),
    span({ spanId: sid(2), parentSpanId: sid(1), name: 'SELECT orders', kind: 'client', service: 'shop', startUs: t0 + 2_000, endUs: t0 + 32_000, attributes: { 'db.system': 'postgresql', 'db.statement': 'SELECT * FROM orders WHERE customer = ?' } }),
    span({ spanId: sid(3), parentSpanId: sid(1), name: 'GET /stock', kind: 'client', service: 'shop', startUs: t0 + 33_000, endUs: t0 + 48_000, attributes: { 'http.method': 'GET', 'server.address': 'stock' } }),
    span({ spanId: sid(4), parentSpanId: sid(3), name: 'GET /stock', kind: 'server', service: 'stock', startUs: t0 + 34_000, endUs: t0 + 47_000 }),
  ];
}

function timesink(args: string[], cwd: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, CI: 'true' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_STACK = /\n\s+at .+\(.*:\d+:\d+\)/;

describe('timesink CLI', () => {
  let dir: string;
  let ZIPKIN_DB: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'timesink-cli-'));
    ZIPKIN_DB = writeAllFormats(dir, fixtureTrace(), 'shop').zipkin;
  });

  it('documents its exit codes in --help', () => {
    const r = timesink(['--help'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3   analyze --fail-on: a gate condition held');
    for (const cmd of ['record', 'analyze', 'diff', 'collect']) expect(r.stdout).toContain(cmd);
  });

  it('names a missing input and exits 2 without a stack trace', () => {
    const r = timesink(['analyze', 'nope.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('nope.json');
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('says what an unknown file looked like', () => {
    writeFileSync(join(dir, 'page.json'), '<html><body>502 Bad Gateway</body></html>');
    const r = timesink(['analyze', 'page.json'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/page\.json: not OTLP, Jaeger or Zipkin JSON(, nor a profile)?: starts with '<html>/);
    expect(r.stderr).not.toMatch(NO_STACK);
  });

  it('rejects a malformed --fail-on before reading anything, with exit 1', () => {
    const r = timesink(['analyze', ZIPKIN_DB, '--fail-on', 'slow'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("--fail-on 'slow'");
  });

  it('rejects a --profile-interval that is not a whole number of µs >= 100, with exit 1, before running anything', () => {
    for (const bad of ['50', '1.5', 'fast']) {
      const r = timesink(['record', '--profile-interval', bad, '--out', join(dir, 'never'), '--', 'node', '-e', ''], dir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`--profile-interval is a whole number of µs, at least 100, not '${bad}'`);
      expect(r.stderr).not.toMatch(NO_STACK);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    }
  });

  it('analyzes a foreign trace into a report, analysis.json and a markdown summary', () => {
    const r = timesink(['analyze', ZIPKIN_DB, '-o', 'r.html', '--json', 'a.json', '--markdown', 's.md'], dir);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/timesink: \d+ requests?, \d+ spans/);
    expect(r.stdout).toContain('Report: ');
    const a = JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')) as Analysis;
    expect(a.schemaVersion).toBe(1);
    expect(a.summary.spans).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'r.html'), 'utf8')).toMatch(/^<!doctype html>/i);
    expect(readFileSync(join(dir, 's.md'), 'utf8')).toContain('### timesink:');
  });

  it('writes analysis.json to stdout with --json - and keeps the summary off stdout', () => {
    const r = timesink(['analyze', ZIPKIN_DB, '--no-html', '--json', '-'], dir);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as Analysis;
    expect(a.schemaVersion).toBe(1);
    expect(r.stderr).toMatch(/timesink: \d+ requests?, \d+ spans/);
  });

  it('exits 3 when a --fail-on gate holds, naming it', () => {
    const r = timesink(['analyze', ZIPKIN_DB, '--no-html', '--quiet', '--fail-on', 'p50>=0ms'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain("--fail-on 'p50>=0ms' held");
    expect(timesink(['analyze', ZIPKIN_DB, '--no-html', '--quiet', '--fail-on', 'p50>100000s'], dir).code).toBe(0);
  });

  it('diffs an analysis against itself without a regression', () => {
    timesink(['analyze', ZIPKIN_DB, '--no-html', '--quiet', '--json', 'same.json'], dir);
    const r = timesink(['diff', 'same.json', 'same.json', '-o', 'd.html', '--fail-on-regression'], dir);
    expect(r.stderr).not.toMatch(NO_STACK);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No regression.');
    expect(existsSync(join(dir, 'd.html'))).toBe(true);
  });

  it('collects OTLP/HTTP until Ctrl-C, then the recording analyzes', async () => {
    const child = spawn(process.execPath, [CLI, 'collect', '--port', '0', '--out', 'collected'], { cwd: dir });
    let err = '';
    const url = await new Promise<string>((found, failed) => {
      child.stderr.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /on (http:\/\/127\.0\.0\.1:\d+\/v1\/traces)/.exec(err);
        if (m) found(m[1]!);
      });
      child.on('exit', () => failed(new Error(`collect exited early: ${err}`)));
    });
    const body = JSON.stringify(toOtlpJson(fixtureTrace()));
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(res.status).toBe(200);
    const code = await new Promise<number | null>((done) => {
      child.on('exit', (c) => done(c));
      child.kill('SIGINT');
    });
    expect(code).toBe(0);
    expect(err).toContain('recording closed');
    const r = timesink(['analyze', 'collected', '--no-html', '--json', '-'], dir);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as Analysis).summary.spans).toBeGreaterThan(0);
  });
});
