#!/usr/bin/env node
// Concurrent A/B of recorder builds: every variant runs AT THE SAME TIME, each under its own fixed-rate load, so all
// of them see the same neighbours, CPU frequency and cache pressure; CPU per request per variant (user + system of
// its process group, /proc), ratio to the first variant of the same round. A development tool: with several apps,
// PostgreSQL and the load generators sharing 2 cores, absolute CPU per request is inflated (~2× the saturating
// figure of run.mjs), ratios are what it is for.
//
//   node bench/overhead/concurrent.mjs [--app realistic|empty] [--rate 60] [--secs 8] [--warm 4] [--rounds 3] \
//     none= spans='{"args":["--require","dist/register.cjs"],"env":{"TIMESINK_ONTHREAD":"0","TIMESINK_PROFILER":"none"}}' \
//     full='{"pre":["dist/cli.js","record","--out","/tmp/full","--","node"]}'
// Each variant: name=JSON with optional `cmd` (default: this node), `pre` (arguments before `args`), `args` (node
// arguments before the app) and `env`; relative paths are the repo's. The first variant is the baseline (e.g. none).
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { APPS, groupCpuTicks } from './run.mjs';
import { median } from '../lib/stats.mjs';

const root = resolve(import.meta.dirname, '../..');
const argv = process.argv.slice(2);
const opt = (k, d) => {
  const i = argv.indexOf(`--${k}`);
  return i >= 0 ? argv.splice(i, 2)[1] : d;
};
const rate = Number(opt('rate', 60));
const secs = Number(opt('secs', 8));
const warm = Number(opt('warm', 4));
const rounds = Number(opt('rounds', 3));
const app = APPS[opt('app', 'realistic')];
const abs = (p) => (p.startsWith('dist/') || p.startsWith('bench/') || p.startsWith('node_modules/') ? join(root, p) : p === 'node' ? process.execPath : p);
const variants = argv.map((a) => {
  const i = a.indexOf('=');
  const v = a.length > i + 1 ? JSON.parse(a.slice(i + 1)) : {};
  return { name: a.slice(0, i), cmd: v.cmd ?? process.execPath, pre: (v.pre ?? []).map(abs), args: (v.args ?? []).map(abs), env: v.env ?? {} };
});
const res = Object.fromEntries(variants.map((v) => [v.name, []]));
const WORK = join(root, 'bench/.data/concurrent');

for (let r = 0; r < rounds; r++) {
  const procs = variants.map((v, k) => {
    const port = 3920 + k;
    const dir = join(WORK, v.name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const env = { ...process.env, PORT: String(port), TIMESINK_OUT: dir, PLAIN_OTEL_FILE: join(dir, 'otel-spans.jsonl'), ...v.env };
    const c = spawn(v.cmd, [...v.pre, ...v.args, app.file], { env, cwd: dir, detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
    return { v, c, port };
  });
  for (const p of procs)
    for (let k = 0; k < 300; k++) {
      try {
        await fetch(`http://127.0.0.1:${p.port}/`);
        break;
      } catch {
        await new Promise((w) => setTimeout(w, 100));
      }
    }
  let i = 0;
  const load = (p, d) =>
    autocannon({
      url: `http://127.0.0.1:${p.port}${app.path}`,
      connections: 10,
      duration: d,
      overallRate: rate,
      requests: app.varyPath ? [{ setupRequest: (req) => ({ ...req, path: `${app.path}${(i++ * 7919) % 2000}${app.query ?? ''}` }) }] : undefined,
    });
  await Promise.all(procs.map((p) => load(p, warm)));
  const t0 = procs.map((p) => groupCpuTicks(p.c.pid));
  const ms = await Promise.all(procs.map((p) => load(p, secs)));
  const t1 = procs.map((p) => groupCpuTicks(p.c.pid));
  procs.forEach((p, k) => {
    const n = ms[k].requests.total;
    res[p.v.name].push({ n, user: ((t1[k].user - t0[k].user) * 1e4) / n, sys: ((t1[k].sys - t0[k].sys) * 1e4) / n });
  });
  for (const p of procs) {
    try {
      process.kill(-p.c.pid, 'SIGINT');
    } catch {
      // gone
    }
  }
  await new Promise((w) => setTimeout(w, 1500));
  for (const p of procs) {
    try {
      process.kill(-p.c.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
  console.log(`round ${r + 1}: ` + variants.map((v) => `${v.name} ${res[v.name][r].user.toFixed(0)}+${res[v.name][r].sys.toFixed(0)} µs/req`).join('  '));
}
const base = variants[0].name;
for (const v of variants) {
  const rs = res[v.name];
  const ratio = rs.map((x, k) => (x.user + x.sys) / (res[base][k].user + res[base][k].sys));
  console.log(
    `${v.name.padEnd(16)} user ${median(rs.map((x) => x.user)).toFixed(0).padStart(5)} sys ${median(rs.map((x) => x.sys)).toFixed(0).padStart(4)} µs/req` +
      `  CPU ×${median(ratio).toFixed(2)} [${Math.min(...ratio).toFixed(2)}–${Math.max(...ratio).toFixed(2)}] of ${base}  requests ${rs.map((x) => x.n).join('/')}`,
  );
}
