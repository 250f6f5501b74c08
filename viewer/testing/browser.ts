import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

/** The system Chromium (Debian package); the tests never download a browser. */
export const CHROMIUM = process.env.TIMESINK_CHROMIUM ?? '/usr/bin/chromium';

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface OpenedReport {
  page: Page;
  url: string;
  /** Every request the page made, including the file itself. */
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** Set when a dialog (alert/confirm/prompt) opened: something executed. */
  dialogs: string[];
  /** ms from navigation start to the report's own "ready" mark. */
  readyMs: number;
}

/** Writes the HTML to a temp file and opens it from file://, as a reader opening an attachment would. */
export async function openReport(browser: Browser, html: string, opts: { width?: number; height?: number; colorScheme?: 'light' | 'dark' } = {}): Promise<OpenedReport> {
  const dir = mkdtempSync(join(tmpdir(), 'timesink-viewer-'));
  const file = join(dir, 'report.html');
  writeFileSync(file, html);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1366, height: opts.height ?? 900 }, colorScheme: opts.colorScheme ?? 'light' });
  const page = await context.newPage();
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  // Anything that is not the file itself is recorded above and refused here, so a test can never leak.
  await context.route(/^(?!file:|data:)/, (route) => route.abort());
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown>;
    w.__xss = 0;
    w.alert = () => {
      w.__xss = 99;
    };
  });
  await page.goto(url);
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  const readyMs = await page.evaluate(() => (window as unknown as { __timesinkReadyMs?: number }).__timesinkReadyMs ?? -1);
  return { page, url, requests, consoleErrors, pageErrors, dialogs, readyMs };
}

/** The page stayed quiet: no request beyond the file itself (and data: URLs), no console or page error, no dialog. */
export function expectQuiet(r: OpenedReport): void {
  expect(r.requests.filter((u) => u !== r.url && !u.startsWith('data:'))).toEqual([]);
  expect(r.consoleErrors).toEqual([]);
  expect(r.pageErrors).toEqual([]);
  expect(r.dialogs).toEqual([]);
}
