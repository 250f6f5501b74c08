#!/usr/bin/env node
// Report weight: HTML size and time to interactive in headless Chromium, for analyses of 10 k / 100 k / 1 M spans.
//
//   node bench/report-weight.mjs [--sizes 10k,100k,1m] [--reps 3] [--json out.json]
//   node bench/report-weight.mjs --html some-report.html        (measure an existing file)
//
// Time to interactive, as Lighthouse defines it in spirit: from navigation start to the end of the last long task
// (> 50 ms on the main thread) after which the page stays quiet for 1 s; never earlier than the load event.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { dataFile, generateTraces, parseCount, DATA_DIR } from './generate-traces.mjs';
import { measure } from './lib/measure.mjs';
import { argValue, fmt, median, table } from './lib/stats.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'dist/cli.js');
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const QUIET_MS = 1000;

export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** Opens the file in a fresh page and measures it. */
export async function timeToInteractive(browser, htmlFile) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e.message ?? e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.addInitScript(() => {
    // Runs before any page script: record every long task.
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) window.__longTasks.push(e.startTime + e.duration);
    }).observe({ type: 'longtask', buffered: true });
  });
  await page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 300_000 });
  const m = await page.evaluate(async (quietMs) => {
    const lastEnd = () => (window.__longTasks.length ? Math.max(...window.__longTasks) : 0);
    // Wait until the main thread has been free of long tasks for quietMs.
    while (performance.now() - Math.max(lastEnd(), performance.timing.loadEventEnd - performance.timeOrigin) < quietMs) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      domContentLoadedMs: nav.domContentLoadedEventEnd,
      loadMs: nav.loadEventEnd,
      ttiMs: Math.max(nav.domContentLoadedEventEnd, lastEnd()),
      longTasks: window.__longTasks.length,
      // Chromium-only, coarse (quantised), but enough to see a 10× jump.
      heapMb: performance.memory ? performance.memory.usedJSHeapSize / 1048576 : NaN,
      domNodes: document.getElementsByTagName('*').length,
    };
  }, QUIET_MS);
  await context.close();
  return { ...m, errors };
}

export function fileWeight(htmlFile) {
  const buf = readFileSync(htmlFile);
  return { bytes: statSync(htmlFile).size, gzipBytes: gzipSync(buf).length };
}

export async function benchReportWeight({ sizes, reps = 3, log = console.log }) {
  if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `node build.mjs` (the CLI is not built yet)');
  const runDir = join(DATA_DIR, 'run-report');
  mkdirSync(runDir, { recursive: true });
  const browser = await launchBrowser();
  const results = [];
  try {
    for (const spans of sizes) {
      const file = dataFile(spans);
      if (!existsSync(file)) await generateTraces({ spans, out: file });
      const html = join(runDir, `report-${spans}.html`);
      const res = await measure(process.execPath, [cli, 'analyze', file, '-o', html, '--quiet'], { cwd: runDir, timeoutMs: 30 * 60_000 });
      if (res.code !== 0) throw new Error(`analyze failed on ${file} (exit ${res.code}):\n${res.stderr.slice(-2000)}`);
      const weight = fileWeight(html);
      const runs = [];
      for (let i = 0; i < reps; i++) runs.push(await timeToInteractive(browser, html));
      const r = {
        spans,
        analyzeMs: res.wallMs,
        ...weight,
        ttiMs: median(runs.map((x) => x.ttiMs)),
        loadMs: median(runs.map((x) => x.loadMs)),
        heapMb: median(runs.map((x) => x.heapMb)),
        domNodes: runs[0].domNodes,
        longTasks: runs[0].longTasks,
        errors: [...new Set(runs.flatMap((x) => x.errors))],
      };
      log(`  ${spans} spans: ${fmt(r.bytes / 1e6, 2)} MB html, TTI ${fmt(r.ttiMs, 0)} ms${r.errors.length ? `, page errors: ${r.errors.join(' | ').slice(0, 300)}` : ''}`);
      results.push(r);
    }
  } finally {
    await browser.close();
    rmSync(runDir, { recursive: true, force: true });
  }
  return results;
}

export function reportTable(results) {
  return table(
    ['spans', 'HTML MB', 'gzip MB', 'load ms', 'TTI ms (median)', 'JS heap MB', 'DOM nodes', 'page errors'],
    results.map((r) => [r.spans.toLocaleString('en'), fmt(r.bytes / 1e6, 2), fmt(r.gzipBytes / 1e6, 2), fmt(r.loadMs, 0), fmt(r.ttiMs, 0), fmt(r.heapMb, 0), String(r.domNodes), String(r.errors.length)]),
  );
}

async function main() {
  const args = process.argv.slice(2);
  const single = argValue(args, 'html');
  const reps = Number(argValue(args, 'reps', '3'));
  if (single) {
    const browser = await launchBrowser();
    try {
      const runs = [];
      for (let i = 0; i < reps; i++) runs.push(await timeToInteractive(browser, resolve(single)));
      console.log(JSON.stringify({ ...fileWeight(single), ttiMs: median(runs.map((r) => r.ttiMs)), runs }, null, 2));
    } finally {
      await browser.close();
    }
    return;
  }
  const sizes = String(argValue(args, 'sizes', '10k,100k,1m')).split(',').map(parseCount);
  const results = await benchReportWeight({ sizes, reps });
  console.log('\n' + reportTable(results));
  const jsonOut = argValue(args, 'json');
  if (jsonOut) writeFileSync(jsonOut, JSON.stringify({ date: new Date().toISOString(), node: process.version, results }, null, 2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
