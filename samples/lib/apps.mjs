// The sample apps and their planted truth (samples/apps/<app>/truth.json).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const APPS = ['orders', 'gateway', 'thumbnails', 'reports', 'files', 'clean', 'quiet', 'feed', 'shell', 'articles', 'catalog', 'saturated'];
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** @returns {import("./apps.mjs").Truth} */
export function loadTruth(app) {
  return JSON.parse(readFileSync(new URL(`../apps/${app}/truth.json`, import.meta.url), 'utf8'));
}

export function serverPath(app) {
  return fileURLToPath(new URL(`../apps/${app}/${loadTruth(app).server}`, import.meta.url));
}
