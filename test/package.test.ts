import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * What a user gets from npm: pack the package as it would be published, install it into an empty project,
 * then use `timesink/register` (CommonJS and ESM) and the `timesink` bin from there.
 */
const ROOT = join(import.meta.dirname, '..');
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, { cwd, encoding: 'utf8', env: { ...process.env, npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false' } });

// The client speaks raw HTTP over net, so no trace context reaches the server and each request is its own trace.
const APP = `
const http = require('node:http');
const net = require('node:net');
const get = (port, path) => new Promise((done) => {
  const socket = net.connect(port, '127.0.0.1', () => socket.write('GET ' + path + ' HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n\\r\\n'));
  socket.on('data', () => {}).on('close', done);
});
const server = http.createServer((req, res) => setTimeout(() => res.end('ok'), 2)).listen(0, '127.0.0.1', async () => {
  for (let i = 0; i < 3; i++) await get(server.address().port, '/orders/' + i);
  server.close();
});
`;

describe('the published package', () => {
  it('installs, records through timesink/register (require and import) and analyzes with its bin', () => {
    const dir = mkdtempSync(join(tmpdir(), 'timesink-pkg-'));
    npm(['pack', '--pack-destination', dir, '--ignore-scripts'], ROOT);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBeDefined();
    const project = join(dir, 'project');
    execFileSync('mkdir', [project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'user-app', version: '1.0.0', private: true }));
    npm(['install', '--no-package-lock', join(dir, tarball!)], project);

    writeFileSync(join(project, 'app.cjs'), APP);
    writeFileSync(join(project, 'app.mjs'), APP.replace("const http = require('node:http');\nconst net = require('node:net');", "import http from 'node:http';\nimport net from 'node:net';"));
    for (const [flag, app, out] of [['--require', 'app.cjs', 'rec-cjs'], ['--import', 'app.mjs', 'rec-esm']] as const) {
      const run = spawnSync(process.execPath, [flag, 'timesink/register', app], { cwd: project, encoding: 'utf8', env: { ...process.env, TIMESINK_OUT: out } });
      expect(run.stderr).not.toContain('[timesink]');
      expect(run.status).toBe(0);
      const bin = join(project, 'node_modules', '.bin', 'timesink');
      const analysis = spawnSync(bin, ['analyze', out, '--no-html', '--json', '-'], { cwd: project, encoding: 'utf8' });
      expect(analysis.status).toBe(0);
      const a = JSON.parse(analysis.stdout) as { endpoints: { name: string; count: number }[] };
      expect(a.endpoints.find((e) => e.name === 'GET /orders/:id')?.count).toBe(3);
    }
  }, 240_000);
});
