import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Analysis } from '../analyzer/model/analysis.js';
import { renderReport } from './render.js';
import { buildAnalysis } from './testing/analysis-fixture.js';
import { expectQuiet, launch, openReport, type OpenedReport } from './testing/browser.js';

/**
 * The report in a real Chromium, opened from file:// like an attachment. Every test checks that nothing
 * left the page and nothing was logged as an error.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

const activeSpan = (page: Page): Promise<string | null> => page.evaluate(() => document.activeElement?.getAttribute('data-span') ?? null);
const highlighted = (page: Page): Promise<string[]> => page.$$eval('#waterfall .wf-row.hl', (els) => els.map((e) => e.getAttribute('data-span') ?? ''));

function firstEvidenceTrace(a: Analysis) {
  const ids = new Set(a.traces.map((t) => t.traceId));
  const fix = [...a.fixes].sort((x, y) => x.rank - y.rank).find((f) => f.evidence.some((e) => ids.has(e.traceId)))!;
  const ev = fix.evidence.find((e) => ids.has(e.traceId))!;
  return { fix, ev, trace: a.traces.find((t) => t.traceId === ev.traceId)! };
}

describe('report in Chromium', () => {
  it('renders every section, with no console error and no request beyond the file', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    expect(await page.textContent('#inputs')).toContain('checkout-api, inventory');
    expect(await page.textContent('#inputs .warnings')).toContain('attached to their trace root');
    // A count the sentence already gives is not repeated; one it does not give is.
    expect(await page.textContent('#inputs .warnings')).not.toContain('(3 times)');
    expect(await page.textContent('#inputs .warnings')).toContain('(11 times)');
    expect(await page.textContent('#answer .verdict')).toBe(a.summary.verdict);
    expect(await page.locator('#answer .before-first-span').count()).toBe(0); // no such warning in this analysis
    const nonZero = Object.values(a.summary.breakdown).filter((v) => v > 0).length;
    expect(await page.locator('#answer > .sbar .seg').count()).toBe(nonZero);
    expect(await page.locator('#fixes .fix-card').count()).toBe(a.fixes.length);
    expect(await page.locator('#fixes .fix-card pre.sketch').count()).toBe(a.fixes.filter((f) => f.advice.sketch).length);
    // Each card names its detector as the analysis does (the registry's name), never by a copy in the viewer.
    const byRank = [...a.fixes].sort((x, y) => x.rank - y.rank);
    expect(byRank.every((f) => f.detectorName)).toBe(true);
    expect(await page.locator('#fixes .fix-card .badge:not(.conf)').allTextContents()).toEqual(byRank.map((f) => f.detectorName));
    expect(await page.locator('#endpoints tbody tr').count()).toBe(a.endpoints.length);
    expect(await page.locator('#endpoints tbody .sbar').count()).toBe(a.endpoints.length);
    // The waterfall opens on the top fix's evidence trace, evidence highlighted.
    const { ev, trace } = firstEvidenceTrace(a);
    expect(await page.inputValue('#trace-select')).toBe(trace.traceId);
    expect(await page.locator('#waterfall .wf-row').count()).toBe(trace.spans.length);
    expect((await highlighted(page)).sort()).toEqual([...ev.spanIds].sort());
    expect(await page.locator('#waterfall .wf-path').count()).toBe(trace.criticalPath.length);
    expect(await page.locator('#trace-select option').count()).toBe(a.traces.length);
    expect(await page.locator('#flamegraph g.frame').count()).toBeGreaterThan(10);
    expect(await page.locator('#flamegraph .hot-table tbody tr').count()).toBe(Math.min(25, a.profile!.hotFunctions.length));
    expect(await page.locator('#timelines figure.chart').count()).toBe(5);
    expect(await page.locator('#timelines path').count()).toBeGreaterThan(5);
    expect(await page.locator('#answer .services-table tbody tr').count()).toBe(a.services.length);
    // On-thread and queued slices are drawn inside their spans.
    const blocking = a.traces.find((t) => t.spans.some((sp) => sp.queued?.length))!;
    await page.selectOption('#trace-select', blocking.traceId);
    const slices = (k: 'onThread' | 'queued'): number => blocking.spans.reduce((n, sp) => n + (sp[k]?.length ?? 0), 0);
    expect(await page.locator('#waterfall rect.wf-queued').count()).toBe(slices('queued'));
    expect(await page.locator('#waterfall rect.wf-onthread').count()).toBe(slices('onThread'));
    expect(slices('queued')).toBeGreaterThan(0);
    expect(r.readyMs).toBeGreaterThan(0);
    expectQuiet(r);
  });

  it('states the queueing before first spans next to the split, which cannot hold it', async () => {
    const a = buildAnalysis();
    a.warnings.push({ code: 'queued-before-first-span', message: '…', count: 150, valueMs: 5910 });
    const r = await openReport(browser, renderReport(a));
    expect(await r.page.textContent('#answer .before-first-span')).toContain('about 39.4 ms per request for 150 requests queued before their first span');
    expectQuiet(r);
  });

  it('states the recording\'s own cost in one line under the split, only when the analysis has it', async () => {
    const a = buildAnalysis();
    delete a.recordingCost;
    const without = await openReport(browser, renderReport(a));
    expect(await without.page.locator('#answer .recording-cost').count()).toBe(0);
    a.recordingCost = { requests: 10, threadMs: 2, threadMsPerRequest: 0.2, onCriticalPathMs: 40, criticalPathShare: 0.04, sources: ['recorder-accounting'] };
    const r = await openReport(browser, renderReport(a));
    expect(await r.page.textContent('#answer .recording-cost')).toContain('recording cost about 0.20 ms of thread time per request, 4.0 % of the critical path');
    expectQuiet(r);
  });

  it('a saturated loop leads the answer with its capacity: per-request loop time, the rate, the ways out and the projection', async () => {
    const a = buildAnalysis();
    a.saturation = {
      saturated: true,
      utilization: 0.98,
      queuedShare: 0.64,
      beforeFirstSpan: { requests: 150, totalMs: 5910, bound: 'upper' },
      requests: 200,
      windowMs: 1000,
      throughputPerSec: 190,
      processes: 1,
      coresAvailable: 8,
      coresUsed: 0.98,
      cpuMsPerRequest: 5,
      outsideSpansMsPerRequest: 0.4,
      saturationPerSec: 200,
      endpoints: [
        { endpoint: 'GET /a', requests: 100, cpuMsPerRequest: 8, cpuShare: 0.8 },
        { endpoint: 'GET /b', requests: 100, cpuMsPerRequest: 2, cpuShare: 0.2 },
      ],
      hotFunctions: [{ name: 'render', location: 'src/render.js:12', selfFraction: 0.5 }],
      projection: { fixRanks: [1, 2], cpuMsPerRequest: 2.5, saturationPerSec: 400, queueSavingMs: 3000, queueSavingOpenLoopMs: 5000 },
      sentence: 'Saturated: …',
    };
    a.warnings.push({ code: 'queued-before-first-span', message: '…', count: 150, valueMs: 5910 });
    const r = await openReport(browser, renderReport(a));
    const text = (await r.page.textContent('#answer .capacity.saturated')) ?? '';
    expect(text).toContain('Saturated: the event loop is the bottleneck');
    expect(text).toContain('~200 req/s');
    expect(text).toContain('GET /a');
    expect(text).toContain('render (src/render.js:12) 50 %');
    expect(text).toContain('cluster, worker threads or replicas (7 more cores on the recording machine)');
    expect(text).toContain('With #1 and #2, one process saturates at ~400 req/s instead of 200 req/s');
    expect(text).toContain('at most 29.6 ms per request');
    expect(await r.page.textContent('#answer .before-first-span')).toContain('at most 39.4 ms per request');
    expectQuiet(r);
  });

  it('an analysis written before fixes carried detectorName names each card by its detector id', async () => {
    const a = buildAnalysis();
    const older: Analysis = { ...a, fixes: a.fixes.map(({ detectorName: _name, ...f }) => f) };
    const r = await openReport(browser, renderReport(older));
    const byRank = [...older.fixes].sort((x, y) => x.rank - y.rank);
    expect(await r.page.locator('#fixes .fix-card .badge:not(.conf)').allTextContents()).toEqual(byRank.map((f) => f.detector));
    expect(r.pageErrors).toEqual([]);
  });

  it('a section that cannot be drawn says so and the others still render', async () => {
    const a = buildAnalysis();
    // A damaged analysis.json: endpoints is not a list, the schema is from the future.
    const broken = { ...a, endpoints: { oops: true }, schemaVersion: 99 } as unknown as Analysis;
    const r = await openReport(browser, renderReport(broken));
    expect(await r.page.textContent('main')).toContain('This section could not be drawn');
    expect(await r.page.textContent('main')).toContain('schema version 99');
    expect(await r.page.locator('#fixes .fix-card').count()).toBe(a.fixes.length);
    expect(await r.page.locator('#waterfall .wf-row').count()).toBeGreaterThan(0);
    expect(r.consoleErrors.join('\n')).toContain('the Endpoints section failed');
    expect(r.pageErrors).toEqual([]);
  });

  it('survives an analysis with nothing in it, and a profile without samples', async () => {
    const full = buildAnalysis({ withTimelines: false });
    const empty: Analysis = {
      ...full,
      summary: { ...full.summary, traces: 0, spans: 0, criticalPathMs: 0, verdict: 'No requests found.' },
      endpoints: [],
      services: [],
      fixes: [],
      traces: [],
      warnings: [],
      profile: { ...full.profile!, totalMs: 0, hotFunctions: [], flamegraph: { name: '(root)', origin: 'runtime', valueMs: 0, children: [] } },
      inputs: { ...full.inputs, files: [], services: [], languages: [] },
    };
    const r = await openReport(browser, renderReport(empty));
    expect(await r.page.textContent('#answer .absent')).toContain('No complete requests');
    expect(await r.page.textContent('#endpoints .absent')).toContain('No endpoints');
    expect(await r.page.textContent('#flamegraph .absent')).toContain('holds no samples');
    expectQuiet(r);
  });

  it('every evidence link opens its trace with exactly the evidence spans highlighted, focused and in view', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    const fixes = [...a.fixes].sort((x, y) => x.rank - y.rank);
    let opened = 0;
    for (let i = 0; i < fixes.length; i++) {
      const ev = fixes[i]!.evidence[0];
      if (!ev) continue;
      // Start from another trace so that the click visibly changes the waterfall.
      const other = a.traces.find((t) => t.traceId !== ev.traceId)!;
      await page.selectOption('#trace-select', other.traceId);
      await page.locator('#fixes .fix-card').nth(i).locator('.evidence-link').first().click();
      expect(await page.inputValue('#trace-select')).toBe(ev.traceId);
      expect((await highlighted(page)).sort()).toEqual([...ev.spanIds].sort());
      const focused = await activeSpan(page);
      expect(ev.spanIds).toContain(focused);
      const box = await page.locator(`#waterfall .wf-row[data-span="${focused}"]`).boundingBox();
      const vp = page.viewportSize()!;
      expect(box!.y).toBeGreaterThanOrEqual(0);
      expect(box!.y + box!.height).toBeLessThanOrEqual(vp.height);
      opened++;
    }
    expect(opened).toBe(fixes.filter((f) => f.evidence.length).length);
    expectQuiet(r);
  });

  it('is keyboard navigable: skip link first, Enter opens evidence, rows answer Enter and arrows, headers sort', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip');
    let tabs = 0;
    while (tabs++ < 300 && !(await page.evaluate(() => document.activeElement?.classList.contains('evidence-link')))) await page.keyboard.press('Tab');
    expect(tabs).toBeLessThan(300);
    // Focus is visible: an outline is drawn.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)).not.toBe('none');
    const traceId = await page.evaluate(() => document.activeElement!.getAttribute('data-trace'));
    const top = [...a.fixes].sort((x, y) => x.rank - y.rank).find((f) => f.evidence.length)!;
    expect(traceId).toBe(top.evidence[0]!.traceId);
    await page.keyboard.press('Enter');
    const focused = await activeSpan(page);
    expect(top.evidence[0]!.spanIds).toContain(focused);
    // The focused row shows it: its background gets the focus stroke.
    expect(await page.evaluate(() => getComputedStyle(document.activeElement!.querySelector('.row-bg')!).strokeWidth)).toBe('3px');
    await page.keyboard.press('Enter');
    const trace = a.traces.find((t) => t.traceId === traceId)!;
    expect(await page.textContent('#waterfall .span-details h3')).toBe(trace.spans.find((s) => s.spanId === focused)!.name);
    await page.keyboard.press('ArrowDown');
    const next = await activeSpan(page);
    expect(next).not.toBe(focused);
    expect(trace.spans.some((s) => s.spanId === next)).toBe(true);
    await page.keyboard.press('End');
    expect(await activeSpan(page)).toBe(await page.getAttribute('#waterfall .wf-row:last-of-type', 'data-span'));
    await page.keyboard.press('Home');
    expect(await activeSpan(page)).toBe(trace.spans[0]!.spanId);
    // The waterfall is a single Tab stop (roving tabindex): one Tab leaves it.
    expect(await page.locator('#waterfall .wf-row[tabindex="0"]').count()).toBe(1);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.classList.contains('wf-row'))).toBe(false);
    // Sorting the endpoint table from the keyboard.
    await page.focus('#endpoints th[data-key="count"] button');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#endpoints th[data-key="count"]', 'aria-sort')).toBe('descending');
    const maxCount = Math.max(...a.endpoints.map((e) => e.count));
    expect(await page.textContent('#endpoints tbody tr:first-child td:nth-child(3)')).toBe(maxCount.toLocaleString('en-US'));
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#endpoints th[data-key="count"]', 'aria-sort')).toBe('ascending');
    expectQuiet(r);
  });

  it('flamegraph: search marks frames, click and Enter zoom, origin filters lift app frames', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    await page.fill('#flame-search', 'renderReport');
    expect(await page.locator('#flamegraph g.frame.match').count()).toBe(1);
    expect(await page.locator('#flamegraph g.frame.dim').count()).toBeGreaterThan(5);
    expect(await page.textContent('#flamegraph [aria-live]')).toContain('renderReport');
    await page.fill('#flame-search', '');
    const width = async (name: string): Promise<number> =>
      page.$$eval('#flamegraph g.frame', (gs, n) => Number(gs.find((g) => g.querySelector('text')?.textContent === n)?.querySelector('rect')?.getAttribute('width') ?? -1), name);
    const before = await width('dailyReport');
    await page.locator('#flamegraph g.frame', { hasText: 'dailyReport' }).click();
    const svgWidth = Number(await page.getAttribute('#flamegraph svg.flame', 'width'));
    expect(before).toBeLessThan(svgWidth * 0.9);
    expect(await width('dailyReport')).toBeGreaterThan(svgWidth - 2);
    await page.click('#flamegraph button:has-text("Reset zoom")');
    expect(await width('dailyReport')).toBeCloseTo(before, 0);
    // Keyboard: one Tab stop, arrows walk the tree, Enter zooms.
    expect(await page.locator('#flamegraph g.frame[tabindex="0"]').count()).toBe(1);
    const focusedFrame = (): Promise<string | null | undefined> => page.evaluate(() => document.activeElement?.querySelector('text')?.textContent);
    await page.locator('#flamegraph g.frame[tabindex="0"]').focus();
    expect(await focusedFrame()).toBe('(root)');
    await page.keyboard.press('ArrowDown');
    expect(await focusedFrame()).toBe('processTicksAndRejections');
    await page.keyboard.press('ArrowRight');
    expect(await focusedFrame()).toBe('(idle)');
    await page.keyboard.press('ArrowUp');
    expect(await focusedFrame()).toBe('(root)');
    await page.locator('#flamegraph g.frame[tabindex]', { hasText: 'renderReport' }).focus();
    await page.keyboard.press('Enter');
    expect(await width('renderReport')).toBeGreaterThan(svgWidth - 2);
    await page.click('#flamegraph button:has-text("Reset zoom")');
    // App code only: no dependency or runtime frame below the root, app frames move up to depth 1.
    await page.uncheck('#origin-dependency');
    await page.uncheck('#origin-runtime');
    expect(await page.locator('#flamegraph g.frame.origin-dependency').count()).toBe(0);
    expect(await page.locator('#flamegraph g.frame.origin-runtime').count()).toBe(1);
    const depthOfDaily = await page.$$eval('#flamegraph g.frame', (gs) => gs.find((g) => g.querySelector('text')?.textContent === 'dailyReport')?.getAttribute('transform'));
    expect(depthOfDaily).toMatch(/,18\)$/);
    // "find" in the hot-function table searches the flamegraph.
    await page.locator('#flamegraph .hot-table button').first().click();
    expect(await page.inputValue('#flame-search')).toBe(a.profile!.hotFunctions[0]!.name);
    expectQuiet(r);
  });

  it('"only the critical path" keeps the spans the path runs through and their ancestors', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    // The inventory endpoint calls cache and pricing in parallel: only the longer one is on the path.
    const t = a.traces.find((x) => x.endpoint.startsWith('GET /inventory'))!;
    const onPath = new Set(t.criticalPath.map((p) => p.spanId));
    const offPath = t.spans.filter((sp) => !onPath.has(sp.spanId) && !t.spans.some((c) => c.parentSpanId === sp.spanId));
    expect(offPath).toHaveLength(1);
    await r.page.selectOption('#trace-select', t.traceId);
    expect(await r.page.locator('#waterfall .wf-row').count()).toBe(t.spans.length);
    await r.page.check('#wf-path-only');
    const shown = await r.page.$$eval('#waterfall .wf-row', (els) => els.map((e) => e.getAttribute('data-span')));
    expect(shown).toHaveLength(t.spans.length - 1);
    expect(shown).not.toContain(offPath[0]!.spanId);
    // Opening evidence turns the filter off so that no evidence is hidden.
    await r.page.locator('.evidence-link').first().click();
    expect(await r.page.isChecked('#wf-path-only')).toBe(false);
    expectQuiet(r);
  });

  it('folds and unfolds subtrees with the caret and the arrow keys', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    const t = a.traces.find((x) => x.endpoint === 'GET /orders/:id')!;
    const handler = t.spans[1]!;
    await page.selectOption('#trace-select', t.traceId);
    expect(await page.locator('#waterfall .wf-row').count()).toBe(t.spans.length);
    const row = page.locator(`#waterfall .wf-row[data-span="${handler.spanId}"]`);
    await row.locator('.wf-caret').click();
    expect(await page.locator('#waterfall .wf-row').count()).toBe(2);
    expect(await row.getAttribute('aria-expanded')).toBe('false');
    expect(await row.locator('.wf-label').textContent()).toBe(`${handler.name} (+${t.spans.length - 2})`);
    expect(await activeSpan(page)).toBe(handler.spanId);
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('#waterfall .wf-row').count()).toBe(t.spans.length);
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('#waterfall .wf-row').count()).toBe(2);
    await page.keyboard.press('ArrowLeft');
    expect(await activeSpan(page)).toBe(t.spans[0]!.spanId);
    expectQuiet(r);
  });

  it('timelines read out the nearest samples under the pointer', async () => {
    const a = buildAnalysis();
    const r = await openReport(browser, renderReport(a));
    const chart = r.page.locator('#timelines figure.chart svg').first();
    expect(await chart.getAttribute('aria-label')).toMatch(/^Event-loop delay \(ms\) over the recording: p99 peaks at [\d.]+, max peaks at [\d.]+$/);
    // Pointer at the first sample's x (48 px margin = t 0): the readout names the first sample's values.
    await chart.hover({ position: { x: 48, y: 40 } });
    const box = (await chart.boundingBox())!;
    const first = a.timelines[0]!.points[0]!;
    const text = await r.page.textContent('#timelines figure.chart text.readout');
    expect(text).toContain(`p99 ${Math.round(first.loopDelayP99Ms * 10) / 10}`);
    await r.page.mouse.move(box.x - 20, box.y - 20);
    expect(await r.page.locator('#timelines figure.chart text.readout').first().isVisible()).toBe(false);
    expectQuiet(r);
  });

  it('the Content-Security-Policy is in force: a planted loader or fetch is refused by the browser itself', async () => {
    const r = await openReport(browser, renderReport(buildAnalysis()));
    const outcome = await r.page.evaluate(async () => {
      const img = document.createElement('img');
      img.src = 'https://example.invalid/pixel.png';
      document.body.appendChild(img);
      const s = document.createElement('script');
      s.textContent = 'window.__xss = 42';
      document.body.appendChild(s);
      const fetched = await fetch('https://example.invalid/beacon').then(
        () => 'sent',
        () => 'refused',
      );
      return { fetched, xss: (window as unknown as { __xss: number }).__xss };
    });
    expect(outcome).toEqual({ fetched: 'refused', xss: 0 });
    const csp = r.consoleErrors.join('\n');
    expect(csp).toContain('connect-src');
    expect(csp).toContain('img-src');
    expect(csp).toContain('script-src');
  });

  it('fits laptop screens without horizontal scrolling', async () => {
    const html = renderReport(buildAnalysis());
    for (const width of [1024, 1280, 1440]) {
      const r = await openReport(browser, html, { width, height: 720 });
      expect(await r.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      expectQuiet(r);
      await r.page.context().close();
    }
  });

  it('follows prefers-color-scheme and the toggle switches theme', async () => {
    const r = await openReport(browser, renderReport(buildAnalysis()), { colorScheme: 'dark' });
    const bg = (): Promise<string> => r.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(await bg()).toBe('rgb(21, 23, 27)');
    await r.page.click('.theme-toggle');
    expect(await bg()).toBe('rgb(255, 255, 255)');
    await r.page.click('.theme-toggle');
    expect(await bg()).toBe('rgb(21, 23, 27)');
    expectQuiet(r);
  });

  it('says so in a sentence when a section has no data, and shows the partial-results banner', async () => {
    const a = { ...buildAnalysis({ withProfile: false, withTimelines: false, partial: true }), fixes: [], traces: [] };
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    expect(await page.textContent('#inputs .banner.partial')).toContain('Partial results');
    expect(await page.textContent('#flamegraph .absent')).toContain('No CPU profile in these inputs — record with timesink record');
    expect(await page.textContent('#timelines .absent')).toContain('No runtime samples');
    expect(await page.textContent('#fixes .absent')).toContain('Nothing worth changing');
    expect(await page.textContent('#waterfall .absent')).toContain('No traces');
    // Endpoints still render, without trace buttons.
    expect(await page.locator('#endpoints tbody tr').count()).toBe(a.endpoints.length);
    expect(await page.locator('#endpoints tbody button').count()).toBe(0);
    expectQuiet(r);
  });

  it('keeps hostile strings inert: shown as text, nothing executes, nothing loads', async () => {
    const a = buildAnalysis({ hostile: true });
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    // Exercise every view that prints data: each trace, each span's details, each evidence link, flamegraph search.
    for (const t of a.traces) {
      await page.selectOption('#trace-select', t.traceId);
      const rows = page.locator('#waterfall .wf-row');
      const n = await rows.count();
      for (let i = 0; i < Math.min(n, 4); i++) await rows.nth(i).click();
    }
    const links = page.locator('.evidence-link');
    for (let i = 0; i < (await links.count()); i++) await links.nth(i).click();
    await page.fill('#flame-search', '<script>');
    const report = await page.evaluate(() => {
      const all = Array.from(document.querySelectorAll('*'));
      return {
        xss: (window as unknown as { __xss: number }).__xss,
        scripts: document.scripts.length,
        loaders: document.querySelectorAll('img, iframe, link, object, embed, audio, video, base, form, meta[http-equiv="refresh"]').length,
        handlers: all.flatMap((el) => Array.from(el.attributes).filter((at) => /^on/i.test(at.name)).map((at) => `${el.tagName}.${at.name}`)),
        hrefs: Array.from(document.querySelectorAll('a[href]')).map((el) => el.getAttribute('href')),
        text: document.body.innerText,
      };
    });
    expect(report.xss).toBe(0);
    expect(report.scripts).toBe(2);
    expect(report.loaders).toBe(0);
    expect(report.handlers).toEqual([]);
    expect(report.hrefs.every((h) => /^#[a-z]+$/.test(h ?? ''))).toBe(true);
    // Shown literally, as the characters they are.
    expect(report.text).toContain(a.inputs.services[0]!);
    expect(report.text).toContain(a.fixes.find((f) => f.title.includes('<'))!.title);
    expect(report.text).toContain(a.warnings[0]!.message);
    expectQuiet(r);
  });

  it('large synthetic analysis: file <= 5 MB, interactive within 2 s', async () => {
    const a = buildAnalysis({ endpointCopies: 8, stepsScale: 40, extraStacks: 6000, timelineSeconds: 3600 });
    const html = renderReport(a);
    const waterfallSpans = a.traces.reduce((n, t) => n + t.spans.length, 0);
    // Best of three loads: the budget is about the page, not about other processes sharing the machine's cores.
    const runs: OpenedReport[] = [];
    for (let i = 0; i < 3; i++) runs.push(await openReport(browser, html));
    const r = runs.reduce((best, x) => (x.readyMs < best.readyMs ? x : best));
    // Interactive: an evidence click redraws and highlights.
    const t0 = Date.now();
    await r.page.locator('.evidence-link').first().click();
    await r.page.waitForSelector('#waterfall .wf-row.hl');
    const clickMs = Date.now() - t0;
    const dataReadMs = await r.page.evaluate(() => performance.getEntriesByName('timesink:data-read')[0]?.startTime ?? -1);
    console.log(
      `[large] endpoints=${a.endpoints.length} traces=${a.traces.length} waterfallSpans=${waterfallSpans} flameNodes~${6000} timelinePoints=${a.timelines[0]!.points.length} ` +
        `html=${(html.length / 1e6).toFixed(2)} MB dataRead=${Math.round(dataReadMs)} ms ready=${Math.round(r.readyMs)} ms (runs ${runs.map((x) => Math.round(x.readyMs)).join('/')}) evidenceClick=${clickMs} ms`,
    );
    expect(waterfallSpans).toBeGreaterThan(10_000);
    expect(Buffer.byteLength(html)).toBeLessThanOrEqual(5 * 1024 * 1024);
    expect(r.readyMs).toBeLessThan(2000);
    for (const x of runs) expectQuiet(x);
  });
});
