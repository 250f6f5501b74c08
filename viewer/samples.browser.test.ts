import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { analyze } from '../analyzer/analyze.js';
import { ingest } from '../analyzer/ingest/index.js';
import { renderReport } from './render.js';
import { launch, openReport } from './testing/browser.js';

/** Reports of the bundled sample recordings, analyzed by the real analyzer, opened in Chromium. */
const RECORDINGS = fileURLToPath(new URL('../samples/recordings/', import.meta.url));
const samples = existsSync(RECORDINGS) ? readdirSync(RECORDINGS).filter((d) => existsSync(`${RECORDINGS}${d}/manifest.json`)) : [];

let browser: Browser;
beforeAll(async () => {
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
});

describe('reports of the sample recordings', () => {
  it('there are samples to check', () => {
    expect(samples.length).toBeGreaterThan(0);
  });

  it.each(samples)('%s: renders quietly and every evidence link opens its trace', async (name) => {
    const a = analyze(await ingest([RECORDINGS + name]), { createdAt: '2026-01-01T00:00:00.000Z' });
    const r = await openReport(browser, renderReport(a));
    const { page } = r;
    expect(await page.locator('#fixes .fix-card').count()).toBe(a.fixes.length);
    expect(await page.locator('#endpoints tbody tr').count()).toBe(a.endpoints.length);
    const links = page.locator('.evidence-link');
    for (let i = 0; i < (await links.count()); i++) {
      const traceId = await links.nth(i).getAttribute('data-trace');
      await links.nth(i).click();
      expect(await page.inputValue('#trace-select')).toBe(traceId);
      const trace = a.traces.find((t) => t.traceId === traceId)!;
      const shown = new Set(trace.spans.map((s) => s.spanId));
      const wanted = a.fixes.flatMap((f) => f.evidence).filter((e) => e.traceId === traceId).flatMap((e) => e.spanIds).filter((id) => shown.has(id));
      const hl = await page.$$eval('#waterfall .wf-row.hl', (els) => els.map((e) => e.getAttribute('data-span')));
      for (const id of hl) expect(wanted).toContain(id);
    }
    expect(r.requests.filter((u) => u !== r.url && !u.startsWith('data:'))).toEqual([]);
    expect(r.consoleErrors).toEqual([]);
    expect(r.pageErrors).toEqual([]);
  });
});
