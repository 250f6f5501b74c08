import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { computeDiff } from '../analyzer/diff/diff.js';
import { renderDiff } from './render-diff.js';
import { buildAnalysis } from './testing/analysis-fixture.js';
import { expectQuiet, launch, openReport } from './testing/browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('diff page in Chromium', () => {
  it('shows a regression with its reasons, endpoints flagged, and fixes by status', async () => {
    const before = buildAnalysis();
    const after = buildAnalysis({ slowdown: 1.5, seed: 3 });
    const diff = computeDiff(before, after);
    expect(diff.regressed).toBe(true);
    const r = await openReport(browser, renderDiff(before, after, diff));
    const { page } = r;
    expect(await page.textContent('#answer .banner.regressed')).toContain('Regressed.');
    expect(await page.locator('#answer .banner.regressed li').count()).toBe(diff.reasons.length);
    expect(await page.locator('#endpoints tbody tr').count()).toBe(diff.endpoints.length);
    expect(await page.locator('#endpoints .badge.bad').count()).toBe(diff.endpoints.filter((e) => e.regressed).length);
    expect(await page.locator('#categories .sbar').count()).toBe(2);
    expect(await page.locator('#endpoints tbody .sbar').count()).toBe(2 * diff.endpoints.filter((e) => e.presence === 'both').length);
    expect(await page.locator('.fix-still-open li').count()).toBe(diff.fixes.filter((f) => f.status === 'still-open').length);
    // "After" bar is longer than "before" on a shared scale.
    const widths = await page.$$eval('#categories .sbar', (bars) => bars.map((b) => Array.from(b.children).reduce((w, c) => w + (c as HTMLElement).getBoundingClientRect().width, 0)));
    expect(widths[1]!).toBeGreaterThan(widths[0]!);
    expectQuiet(r);
  });

  it('shows an improvement and the resolved fix', async () => {
    const before = buildAnalysis();
    const after = buildAnalysis({ slowdown: 0.7, dropFixes: ['n-plus-one'] });
    const diff = computeDiff(before, after);
    expect(diff.regressed).toBe(false);
    const r = await openReport(browser, renderDiff(before, after, diff));
    const { page } = r;
    expect(await page.textContent('#answer .banner.ok')).toContain('No regression.');
    const resolved = await page.textContent('.fix-resolved');
    expect(resolved).toContain(before.fixes.find((f) => f.detector === 'n-plus-one')!.title);
    expect(await page.locator('#overall td.better').count()).toBeGreaterThan(0);
    expectQuiet(r);
  });

  it('keeps hostile strings inert', async () => {
    const before = buildAnalysis({ hostile: true });
    const after = buildAnalysis({ hostile: true, slowdown: 1.2, dropFixes: ['sequential-io'] });
    const r = await openReport(browser, renderDiff(before, after, computeDiff(before, after)));
    const state = await r.page.evaluate(() => ({
      xss: (window as unknown as { __xss: number }).__xss,
      scripts: document.scripts.length,
      loaders: document.querySelectorAll('img, iframe, link, object, embed, base, form').length,
      text: document.body.innerText,
    }));
    expect(state.xss).toBe(0);
    expect(state.scripts).toBe(2);
    expect(state.loaders).toBe(0);
    expect(state.text).toContain(before.summary.verdict);
    expectQuiet(r);
  });
});
