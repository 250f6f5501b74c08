#!/usr/bin/env node
// Recording overhead under a fixed load, all variants measured in ONE run, interleaved, repeated.
//
//   node bench/overhead/run.mjs [--apps empty,realistic] [--variants none,otel,ts-spans,ts-full] [--peers 0x,clinic]
//                               [--duration 10] [--warmup 3] [--connections 20] [--reps 3] [--rate R] [--rate-empty R]
//                               [--baseline DIST_DIR] [--json out.json]
//   (extra variants, to split the full recording's cost: ts-spans-otel = ts-spans with OpenTelemetry's instrumentations
//    instead of the lean sources; otel-instr-only = timesink's instrumentations on a provider
//    with no span processor (the floor under ts-spans); ts-spans-noloc = ts-spans with TIMESINK_CODE_LOCATIONS=0,
//    ts-onthread = spans + on-thread time + runtime sampler, no profile; ts-inspector = `record --profiler inspector`;
//    ts-full-5ms = ts-full sampling the profile every 5 ms)
//
// --rate R: a fixed load of R requests/s in total on the realistic app (autocannon overallRate; --rate-empty R for the
// empty app) instead of as many as the app can take.
// Below saturation every variant does the same work in the same time, so CPU per request compares like with like
// (at saturation a slower variant also serves fewer requests and queues differently); throughput is then the rate.
// CPU is read as user and system time separately: the system part is mostly the kernel's loopback networking for
// the responses (the same bytes in every variant, but it swings with the neighbours' load), the user part is
// JavaScript, where a recorder's cost lands.
//
// Each measurement starts a fresh app process, warms it up with the same load, then measures throughput (req/s)
// and p99 latency with autocannon; the app is stopped like a user would (Ctrl-C to the process group) and the
// spans it wrote are counted against the requests it received. Variants whose tool is missing are skipped.
// --peers adds other profilers (0x alone, Clinic.js Doctor) to the realistic app's rounds, same run, same load.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { argValue, fmt, median, table } from '../lib/stats.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const node = process.execPath;
const WORK = join(root, 'bench/.data/overhead');
// Clinic.js is not a project dependency: installed for the comparison only, outside the repo.
const CLINIC = process.env.CLINIC_BIN ?? '/tmp/clinic/node_modules/clinic/bin.js';

// TIMESINK_BENCH_PORT_OFFSET moves the apps' ports, for two benches on one shared machine.
const PORT_OFFSET = Number(process.env.TIMESINK_BENCH_PORT_OFFSET ?? 0);
export const APPS = {
  empty: { file: join(here, 'app-empty.cjs'), path: '/', port: 3901 + PORT_OFFSET },
  realistic: { file: join(here, 'app-realistic.cjs'), path: '/items/', query: '?currency=EUR&sort=price', port: 3902 + PORT_OFFSET, varyPath: true },
};

/**
 * Variants: how to start the app. `dir` is a fresh folder for whatever the variant writes.
 * The timesink switches are the recorder's environment variables (instrumentation/settings.ts).
 */
export const VARIANTS = {
  none: { label: '(a) no instrumentation', argv: (app) => [node, app] },
  otel: {
    label: '(b) plain OpenTelemetry',
    argv: (app) => [node, '--require', join(here, 'plain-otel.cjs'), app],
    env: (dir) => ({ PLAIN_OTEL_FILE: join(dir, 'otel-spans.jsonl') }),
    counts: true,
  },
  // For scale: timesink's instrumentations with no span processor at all (nothing recorded): the floor under (c).
  'otel-instr-only': {
    label: '(b′) OpenTelemetry instrumentations, no processor',
    argv: (app) => [node, '--require', join(here, 'instrumentations-only.cjs'), app],
  },
  'ts-spans': {
    label: '(c) timesink spans only',
    needs: () => existsSync(join(root, 'dist/register.cjs')),
    argv: (app) => [node, '--require', join(root, 'dist/register.cjs'), app],
    env: (dir) => ({ TIMESINK_OUT: dir, TIMESINK_ONTHREAD: '0', TIMESINK_PROFILER: 'none' }),
    counts: true,
  },
  // (c) with OpenTelemetry's contrib instrumentations for everything (TIMESINK_INSTRUMENTATIONS=otel): the span
  // source before the lean one, measured in the same rounds.
  'ts-spans-otel': {
    label: '(c‴) timesink spans only, OpenTelemetry instrumentations',
    needs: () => existsSync(join(root, 'dist/register.cjs')),
    argv: (app) => [node, '--require', join(root, 'dist/register.cjs'), app],
    env: (dir) => ({ TIMESINK_OUT: dir, TIMESINK_ONTHREAD: '0', TIMESINK_PROFILER: 'none', TIMESINK_INSTRUMENTATIONS: 'otel' }),
    counts: true,
  },
  // (c) without code locations (TIMESINK_CODE_LOCATIONS=0): what capturing where each client span starts costs.
  'ts-spans-noloc': {
    label: '(c′) timesink spans only, no code locations',
    needs: () => existsSync(join(root, 'dist/register.cjs')),
    argv: (app) => [node, '--require', join(root, 'dist/register.cjs'), app],
    env: (dir) => ({ TIMESINK_OUT: dir, TIMESINK_ONTHREAD: '0', TIMESINK_PROFILER: 'none', TIMESINK_CODE_LOCATIONS: '0' }),
    counts: true,
  },
  // (d) without the profile: spans + on-thread time + runtime sampler, what the recorder itself costs.
  'ts-onthread': {
    label: '(d′) timesink spans + on-thread, no profile',
    needs: () => existsSync(join(root, 'dist/register.cjs')),
    argv: (app) => [node, '--require', join(root, 'dist/register.cjs'), app],
    env: (dir) => ({ TIMESINK_OUT: dir, TIMESINK_PROFILER: 'none' }),
    counts: true,
  },
  'ts-inspector': {
    label: '(d″) timesink full, inspector profiler',
    needs: () => existsSync(join(root, 'dist/cli.js')) && existsSync(join(root, 'dist/register.cjs')),
    argv: (app, dir) => [node, join(root, 'dist/cli.js'), 'record', '--profiler', 'inspector', '--out', dir, '--', node, app],
    env: () => ({}),
    counts: true,
  },
  'ts-full': {
    label: '(d) timesink full (record + 0x)',
    needs: () => existsSync(join(root, 'dist/cli.js')) && existsSync(join(root, 'dist/register.cjs')),
    argv: (app, dir) => [node, join(root, 'dist/cli.js'), 'record', '--out', dir, '--', node, app],
    env: () => ({}),
    counts: true,
  },
  // (d) with the profile sampled every 5 ms instead of V8's 1 ms (TIMESINK_PROFILE_INTERVAL_US): what resolution costs.
  'ts-full-5ms': {
    label: '(d) timesink full, profile every 5 ms',
    needs: () => existsSync(join(root, 'dist/cli.js')) && existsSync(join(root, 'dist/register.cjs')),
    argv: (app, dir) => [node, join(root, 'dist/cli.js'), 'record', '--out', dir, '--', node, app],
    env: () => ({ TIMESINK_PROFILE_INTERVAL_US: '5000' }),
    counts: true,
  },
  '0x': {
    label: '0x --collect-only',
    argv: (app, dir) => [node, join(root, 'node_modules/0x/cmd.js'), '--collect-only', '--output-dir', join(dir, 'prof'), '--', node, app],
  },
  clinic: {
    label: 'Clinic.js Doctor',
    needs: () => existsSync(CLINIC),
    argv: (app, dir) => [node, CLINIC, 'doctor', '--collect-only', '--dest', dir, '--', node, app],
    // Without NO_INSIGHT clinic asks (on no TTY: silently exits) whether it may send usage analytics.
    env: () => ({ NO_INSIGHT: '1', NO_UPDATE_NOTIFIER: '1' }),
  },
};

/**
 * Variants `ts-spans@base`, `ts-onthread@base` and `ts-full@base`: the same as their namesakes with the recorder built
 * elsewhere (`--baseline DIR`, a dist/ folder of another checkout, e.g. `git archive HEAD` + `node build.mjs`), so an
 * earlier recorder and the current one are measured in the same rounds.
 */
export function addBaselineVariants(distDir) {
  const reg = join(resolve(distDir), 'register.cjs');
  const cli = join(resolve(distDir), 'cli.js');
  for (const name of ['ts-spans', 'ts-onthread']) {
    VARIANTS[`${name}@base`] = { ...VARIANTS[name], label: `${VARIANTS[name].label} [baseline]`, needs: () => existsSync(reg), argv: (app) => [node, '--require', reg, app] };
  }
  VARIANTS['ts-full@base'] = {
    ...VARIANTS['ts-full'],
    label: `${VARIANTS['ts-full'].label} [baseline]`,
    needs: () => existsSync(cli) && existsSync(reg),
    argv: (app, dir) => [node, cli, 'record', '--out', dir, '--', node, app],
  };
}

/**
 * CPU seconds (user + system) used so far by the live processes of a process group, from /proc. The app runs in its
 * own group, so wrappers (0x, clinic, timesink record) and the app itself are counted together. CPU per request is
 * far less sensitive than throughput to a noisy neighbour on a shared machine.
 */
export function groupCpuSeconds(pgid) {
  const t = groupCpuTicks(pgid);
  return (t.user + t.sys) / 100; // USER_HZ is 100 on Linux
}

/** User and system CPU ticks (1/100 s) of a process group's live processes, from /proc. */
export function groupCpuTicks(pgid) {
  let user = 0;
  let sys = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // exited while we looked
    }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    if (Number(f[2]) !== pgid) continue;
    user += Number(f[11]); // utime
    sys += Number(f[12]); // stime
  }
  return { user, sys };
}

function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolveP, reject) => {
    const attempt = () => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolveP();
      });
      sock.once('error', () => {
        sock.destroy();
        if (Date.now() > deadline) reject(new Error(`port ${port} not open after ${timeoutMs} ms`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

function load(app, seconds, connections, rate) {
  const url = `http://127.0.0.1:${app.port}${app.path}`;
  let i = 0;
  const opts = { url, connections, duration: seconds };
  if (rate) opts.overallRate = rate;
  // The realistic app gets varying ids so it is not one hot row.
  if (app.varyPath) opts.requests = [{ setupRequest: (req) => ({ ...req, path: `${app.path}${(i++ * 7919) % 2000}${app.query ?? ''}` }) }];
  return autocannon(opts);
}

/** App process groups still running: stopped if the benchmark itself is interrupted, so none is left behind. */
const live = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    for (const child of live) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    process.exit(130);
  });
}

/** Sends Ctrl-C to the whole process group (as a terminal does) and waits; SIGKILL if it hangs. */
function stop(child, graceMs) {
  return new Promise((resolveP) => {
    if (child.exitCode !== null) return resolveP(child.exitCode);
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, graceMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolveP(code);
    });
    try {
      process.kill(-child.pid, 'SIGINT');
    } catch {
      // already gone
    }
  });
}

/** All OTLP JSON Lines files under dir (recursively), counted: total spans and server spans. */
export function countSpans(dir) {
  let spans = 0;
  let server = 0;
  let files = 0;
  const serverIds = new Set();
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.jsonl') && !name.startsWith('runtime')) {
        files++;
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          let data;
          try {
            data = JSON.parse(line);
          } catch {
            continue; // a torn last line: the counts will show the loss
          }
          for (const rs of data.resourceSpans ?? [])
            for (const ss of rs.scopeSpans ?? [])
              for (const s of ss.spans ?? []) {
                spans++;
                if (s.kind === 2 || s.kind === 'SPAN_KIND_SERVER') {
                  server++;
                  serverIds.add(`${s.traceId}/${s.spanId}`);
                }
              }
        }
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  // A span written twice (a flush repeated at exit, say) counts once here: duplicates = server - uniqueServer.
  return { files, spans, server, uniqueServer: serverIds.size };
}

async function measureOnce(appName, variantName, { duration, warmup, connections, rate }) {
  const app = APPS[appName];
  const v = VARIANTS[variantName];
  const dir = join(WORK, `${appName}-${variantName}-${Date.now()}`);
  mkdirSync(dir, { recursive: true });
  const [cmd, ...args] = v.argv(app.file, dir);
  const env = { ...process.env, PORT: String(app.port), ...(v.env ? v.env(dir) : {}) };
  const child = spawn(cmd, args, { cwd: dir, env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(child);
  child.once('close', () => live.delete(child));
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  try {
    await waitForPort(app.port, 60_000);
    const w = await load(app, warmup, connections, rate);
    const cpu0 = groupCpuTicks(child.pid);
    const m = await load(app, duration, connections, rate);
    const cpu1 = groupCpuTicks(child.pid);
    const userSeconds = (cpu1.user - cpu0.user) / 100;
    const sysSeconds = (cpu1.sys - cpu0.sys) / 100;
    const cpuSeconds = userSeconds + sysSeconds;
    const code = await stop(child, 120_000);
    const counted = v.counts ? countSpans(dir) : undefined;
    const requests = w.requests.sent + m.requests.sent;
    const completed = w.requests.total + m.requests.total;
    return {
      app: appName,
      variant: variantName,
      rps: m.requests.average,
      cpuUsPerRequest: (cpuSeconds * 1e6) / m.requests.total,
      userUsPerRequest: (userSeconds * 1e6) / m.requests.total,
      sysUsPerRequest: (sysSeconds * 1e6) / m.requests.total,
      p99: m.latency.p99,
      p50: m.latency.p50,
      errors: m.errors + m.timeouts + m.non2xx,
      requests,
      completed,
      serverSpans: counted?.server,
      duplicateServerSpans: counted ? counted.server - counted.uniqueServer : undefined,
      spans: counted?.spans,
      exitCode: code,
    };
  } catch (e) {
    await stop(child, 10_000);
    throw new Error(`${appName}/${variantName}: ${e.message}\n${stderr}`);
  } finally {
    if (!process.env.BENCH_KEEP) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs reps rounds; in each round every variant once, in a rotated order (so none is always first or last).
 * @returns {Promise<object[]>} one summary per app × variant
 */
export async function benchOverhead({
  apps,
  variants,
  peers = [],
  duration = 10,
  warmup = 3,
  connections = 20,
  reps = 3,
  rate = 0,
  rateEmpty = 0,
  log = console.log,
}) {
  const usableFor = (list) => list.filter((name) => {
    const v = VARIANTS[name];
    if (!v) throw new Error(`unknown variant ${name}`);
    const ok = !v.needs || v.needs();
    if (!ok) log(`skipping ${name} (${v.label}): its tool is not built/installed`);
    return ok;
  });
  const runs = [];
  const variantsOf = {};
  for (const appName of apps) {
    // Peer profilers (0x, Clinic) are compared on the realistic app only: on an empty app they measure nothing real.
    const usable = usableFor(appName === 'realistic' ? [...variants, ...peers] : variants);
    variantsOf[appName] = usable;
    for (let r = 0; r < reps; r++) {
      const order = usable.map((_, i) => usable[(i + r) % usable.length]);
      for (const variantName of order) {
        try {
          const res = { round: r, ...(await measureOnce(appName, variantName, { duration, warmup, connections, rate: appName === 'empty' ? rateEmpty : rate })) };
          runs.push(res);
          log(
            `  ${appName} ${variantName} rep ${r + 1}: ${fmt(res.rps, 0)} req/s p99 ${res.p99} ms cpu ${fmt(res.cpuUsPerRequest, 0)} µs/req (user ${fmt(res.userUsPerRequest, 0)})` +
              (res.serverSpans !== undefined ? `, server spans ${res.serverSpans}/${res.completed} requests (${res.requests} sent, ${res.duplicateServerSpans} duplicates)` : ''),
          );
        } catch (e) {
          log(`  ${appName} ${variantName} rep ${r + 1}: FAILED ${e.message.split('\n').slice(0, 6).join(' | ')}`);
          runs.push({ app: appName, variant: variantName, failed: e.message.slice(0, 2000) });
        }
      }
    }
  }
  return summarize(runs, apps, variantsOf, { empty: rateEmpty, realistic: rate });
}

function summarize(runs, apps, variantsOf, rates = {}) {
  const out = [];
  for (const app of apps) {
    const variants = variantsOf[app];
    const base = runs.filter((r) => r.app === app && r.variant === 'none' && !r.failed);
    const baseRps = median(base.map((r) => r.rps));
    const baseCpu = median(base.map((r) => r.cpuUsPerRequest));
    // Ratio to the (a) run of the same round: rounds are minutes apart, and the neighbours' load drifts.
    const pairs = (rs, key) => rs.map((r) => r[key] / base.find((b) => b.round === r.round)?.[key]).filter(Number.isFinite);
    const paired = (rs, key) => median(pairs(rs, key));
    for (const variant of variants) {
      const rs = runs.filter((r) => r.app === app && r.variant === variant && !r.failed);
      const rps = median(rs.map((r) => r.rps));
      const p99 = median(rs.map((r) => r.p99));
      const withCounts = rs.filter((r) => r.serverSpans !== undefined);
      out.push({
        app,
        variant,
        label: VARIANTS[variant].label,
        rate: rates[app] ?? 0,
        n: rs.length,
        failed: runs.filter((r) => r.app === app && r.variant === variant && r.failed).length,
        rps,
        p99,
        cpuUsPerRequest: median(rs.map((r) => r.cpuUsPerRequest)),
        userUsPerRequest: median(rs.map((r) => r.userUsPerRequest)),
        sysUsPerRequest: median(rs.map((r) => r.sysUsPerRequest)),
        userRatio: paired(rs, 'userUsPerRequest'),
        userRatioRange: [Math.min(...pairs(rs, 'userUsPerRequest')), Math.max(...pairs(rs, 'userUsPerRequest'))],
        // User CPU added per request over (a) of the same round, µs: the recorder's cost in absolute terms.
        userAddedUs: median(rs.map((r) => r.userUsPerRequest - base.find((b) => b.round === r.round)?.userUsPerRequest)),
        rpsRatio: paired(rs, 'rps'),
        rpsRatioRange: [Math.min(...pairs(rs, 'rps')), Math.max(...pairs(rs, 'rps'))],
        cpuRatioRange: [Math.min(...pairs(rs, 'cpuUsPerRequest')), Math.max(...pairs(rs, 'cpuUsPerRequest'))],
        p99Ratio: paired(rs, 'p99'),
        cpuRatio: paired(rs, 'cpuUsPerRequest'),
        rpsRatioOfMedians: rps / baseRps,
        cpuRatioOfMedians: median(rs.map((r) => r.cpuUsPerRequest)) / baseCpu,
        // Server spans vs completed requests over all repetitions: ≥ 1.000 means nothing dropped. It can exceed 1
        // by the requests in flight when the load stopped (the server still finished them), never by more.
        spansPerRequest: withCounts.length ? withCounts.reduce((a, r) => a + r.serverSpans, 0) / withCounts.reduce((a, r) => a + r.completed, 0) : undefined,
        spansWithinSent: withCounts.every((r) => r.serverSpans >= r.completed && r.serverSpans <= r.requests),
        duplicateServerSpans: withCounts.reduce((a, r) => a + (r.duplicateServerSpans ?? 0), 0),
        spansTotal: withCounts.length ? withCounts.reduce((a, r) => a + r.spans, 0) : undefined,
        runs: rs,
      });
    }
  }
  return out;
}

export function overheadTable(summary) {
  return table(
    ['app', 'variant', 'runs', 'req/s', 'req/s vs (a) (range)', 'p99 ms', 'p99 vs (a)', 'CPU µs/req', 'CPU vs (a) (range)', 'user µs/req', 'user vs (a) (range)', 'user +µs/req', 'sys µs/req', 'server spans / request', 'all spans / request'],
    summary.map((s) => [
      s.app,
      s.label,
      s.failed ? `${s.n} (+${s.failed} failed)` : String(s.n),
      fmt(s.rps, 0),
      `${fmt(s.rpsRatio, 2)} (${fmt(s.rpsRatioRange[0], 2)}–${fmt(s.rpsRatioRange[1], 2)})`,
      fmt(s.p99, 0),
      fmt(s.p99Ratio, 2),
      fmt(s.cpuUsPerRequest, 0),
      `${fmt(s.cpuRatio, 2)} (${fmt(s.cpuRatioRange[0], 2)}–${fmt(s.cpuRatioRange[1], 2)})`,
      fmt(s.userUsPerRequest, 0),
      `${fmt(s.userRatio, 2)} (${fmt(s.userRatioRange[0], 2)}–${fmt(s.userRatioRange[1], 2)})`,
      fmt(s.userAddedUs, 0),
      fmt(s.sysUsPerRequest, 0),
      s.spansPerRequest === undefined ? '' : fmt(s.spansPerRequest, 3),
      s.spansTotal === undefined ? '' : fmt(s.spansTotal / s.runs.reduce((a, r) => a + r.completed, 0), 1),
    ]),
  );
}

/** The questions the brief asks, answered from the summary (undefined when a variant did not run). */
export function overheadVerdicts(summary) {
  const get = (app, v) => summary.find((s) => s.app === app && s.variant === v && s.n > 0);
  const out = [];
  for (const app of new Set(summary.map((s) => s.app))) {
    const b = get(app, 'otel');
    const c = get(app, 'ts-spans');
    const d = get(app, 'ts-full');
    // At a fixed rate every variant serves the same requests: throughput says nothing, CPU per request does.
    const fixed = (b ?? c ?? d)?.rate > 0;
    if (b && c && !fixed) {
      out.push({ target: `${app}: timesink spans-only throughput ≥ plain OpenTelemetry`, value: `${fmt(c.rpsRatio, 3)} vs ${fmt(b.rpsRatio, 3)} of (a)`, pass: c.rpsRatio >= b.rpsRatio });
    }
    if (b && c) {
      out.push({ target: `${app}: timesink spans-only CPU per request ≤ plain OpenTelemetry`, value: `${fmt(c.cpuRatio, 2)}× vs ${fmt(b.cpuRatio, 2)}× of (a)`, pass: c.cpuRatio <= b.cpuRatio });
    }
    if (d && app === 'realistic') {
      if (!fixed) out.push({ target: 'realistic: timesink full costs ≤ 15 % throughput', value: `${fmt((1 - d.rpsRatio) * 100, 1)} %`, pass: d.rpsRatio >= 0.85 });
      out.push({ target: 'realistic: timesink full costs ≤ 15 % CPU per request', value: `${fmt((d.cpuRatio - 1) * 100, 1)} %`, pass: d.cpuRatio <= 1.15 });
    }
    for (const s of [b, c, d]) {
      if (s?.spansPerRequest !== undefined)
        out.push({
          target: `${app}: ${s.label} wrote one server span per request (none dropped, none twice)`,
          value: `${fmt(s.spansPerRequest, 3)} per completed request${s.duplicateServerSpans ? `, ${s.duplicateServerSpans} duplicates` : ''}`,
          pass: s.spansWithinSent && !s.duplicateServerSpans,
        });
    }
  }
  return out;
}

async function main() {
  const args = process.argv.slice(2);
  const opts = {
    apps: argValue(args, 'apps', 'empty,realistic').split(','),
    variants: argValue(args, 'variants', 'none,otel,ts-spans,ts-full').split(','),
    peers: argValue(args, 'peers', '').split(',').filter(Boolean),
    duration: Number(argValue(args, 'duration', '10')),
    warmup: Number(argValue(args, 'warmup', '3')),
    connections: Number(argValue(args, 'connections', '20')),
    reps: Number(argValue(args, 'reps', '3')),
    // Fixed load, requests/s (0: saturating).
    rate: Number(argValue(args, 'rate', '0')),
    rateEmpty: Number(argValue(args, 'rate-empty', '0')),
  };
  const baseline = argValue(args, 'baseline');
  if (baseline) addBaselineVariants(baseline);
  console.log(`overhead: ${JSON.stringify({ ...opts, baseline })}`);
  const summary = await benchOverhead(opts);
  console.log('\n' + overheadTable(summary));
  for (const v of overheadVerdicts(summary)) console.log(`${v.pass ? 'PASS' : 'FAIL'}  ${v.target}: ${v.value}`);
  const jsonOut = argValue(args, 'json');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), node: process.version, opts, summary }, null, 2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
