import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { computeDiff } from '../analyzer/diff/diff.js';
import { renderDiff } from './render-diff.js';
import { renderReport } from './render.js';
import { buildAnalysis } from './testing/analysis-fixture.js';
import { launch, openReport } from './testing/browser.js';

/**
 * Regenerates docs/img/*.png from the fixture: `TIMESINK_SCREENSHOTS=1 npx vitest run viewer/screenshots.test.ts`.
 * Off by default so that ordinary test runs do not rewrite binary files in the repo.
 */
const OUT = fileURLToPath(new URL('../docs/img/', import.meta.url));
const enabled = Boolean(process.env.TIMESINK_SCREENSHOTS);

let browser: Browser;
beforeAll(async () => {
  if (!enabled) return;
  browser = await launch();
  mkdirSync(OUT, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function unstick(page: Page): Promise<void> {
  // Element shots scroll the page; a sticky bar would cover their top edge.
  await page.evaluate(() => document.querySelector<HTMLElement>('.topbar')?.style.setProperty('position', 'static'));
}

async function shot(page: Page, selector: string, name: string, maxHeight?: number): Promise<void> {
  const el = page.locator(selector);
  await el.scrollIntoViewIfNeeded();
  const box = (await el.boundingBox())!;
  expect(box.height).toBeGreaterThan(20);
  if (maxHeight && box.height > maxHeight) {
    const top = await el.evaluate((node) => node.getBoundingClientRect().top + window.scrollY);
    await page.screenshot({ path: OUT + name, fullPage: true, clip: { x: box.x, y: top, width: box.width, height: maxHeight } });
  } else await el.screenshot({ path: OUT + name });
}

describe.skipIf(!enabled)('screenshots for docs/img', () => {
  it('report sections, light and dark', async () => {
    const a = buildAnalysis();
    const html = renderReport(a);
    const r = await openReport(browser, html, { width: 1366, height: 900 });
    await r.page.screenshot({ path: OUT + 'report-overview.png' });
    await unstick(r.page);
    await shot(r.page, '#inputs', 'report-header.png');
    await shot(r.page, '#answer', 'report-answer.png');
    await shot(r.page, '#fixes', 'report-fixes.png', 900);
    await shot(r.page, '#endpoints', 'report-endpoints.png');
    const nPlusOne = a.fixes.findIndex((f) => f.detector === 'n-plus-one');
    await r.page.locator('#fixes .fix-card').nth(nPlusOne).locator('.evidence-link').click();
    await r.page.locator('#waterfall .wf-row').nth(1).click();
    await shot(r.page, '#waterfall', 'report-waterfall.png', 900);
    await shot(r.page, '#flamegraph', 'report-flamegraph.png', 900);
    await shot(r.page, '#timelines', 'report-timelines.png', 900);
    const d = await openReport(browser, html, { width: 1366, height: 900, colorScheme: 'dark' });
    await d.page.screenshot({ path: OUT + 'report-dark.png' });
    await unstick(d.page);
    await d.page.locator('#fixes .fix-card').nth(nPlusOne).locator('.evidence-link').click();
    await shot(d.page, '#waterfall', 'report-waterfall-dark.png', 700);
  });

  it('diff page', async () => {
    const before = buildAnalysis();
    const after = buildAnalysis({ slowdown: 0.75, dropFixes: ['n-plus-one'], seed: 11 });
    const r = await openReport(browser, renderDiff(before, after, computeDiff(before, after)), { width: 1366, height: 900 });
    await r.page.screenshot({ path: OUT + 'diff.png', fullPage: true });
  });
});
