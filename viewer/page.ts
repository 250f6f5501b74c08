import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { escapeHtml, jsonForScript } from './embed.js';
import { DATA_ELEMENT_ID, type Payload } from './src/payload.js';

/**
 * The page machinery shared by the report and the diff: one HTML file with the data, the bundled
 * script and the styles inline, and a Content-Security-Policy that allows only that one script (by hash)
 * and no network access at all.
 */

// This module runs from viewer/ (tests, tsx) or bundled into dist/cli.js; look for the assets from both.
const ASSET_DIRS = ['./dist/', '../viewer/dist/', '../../viewer/dist/'];

function readAsset(name: string): string {
  for (const dir of ASSET_DIRS) {
    const path = fileURLToPath(new URL(dir + name, import.meta.url));
    if (existsSync(path)) return readFileSync(path, 'utf8');
  }
  throw new Error(`viewer asset ${name} not found; run \`node build.mjs\` first`);
}

let cached: { js: string; css: string } | null = null;

function assets(): { js: string; css: string } {
  if (!cached) {
    const js = readAsset('app.js');
    // A literal "</script" in the bundle would end the element early; `<\/` means the same to JS.
    const safeJs = js.replace(/<\/script/gi, '<\\/script').replace(/<!--/g, '<\\!--');
    cached = { js: safeJs, css: readAsset('app.css').replace(/<\/style/gi, '<\\/style') };
  }
  return cached;
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

/**
 * Only the inline script and the inline stylesheet, each by hash. Styles set from script go through the
 * CSSOM (element.style), which CSP does not govern, so no 'unsafe-inline' is needed.
 */
export function cspFor(script: string, style: string): string {
  return [
    "default-src 'none'",
    `script-src 'sha256-${sha256(script)}'`,
    `style-src 'sha256-${sha256(style)}'`,
    'img-src data:',
    "font-src 'none'",
    "connect-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

export function renderPage(title: string, payload: Payload): string {
  const { js, css } = assets();
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(cspFor(js, css))}">`,
    '<meta name="referrer" content="no-referrer">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<noscript><p>This timesink report needs JavaScript to draw its charts; the data is in the page source as JSON.</p></noscript>',
    '<div id="app"></div>',
    dataElement(payload),
    `<script>${js}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** Above this, the data is gzipped: trace JSON compresses ~10×, which keeps big reports within a few MB. */
export const COMPRESS_ABOVE_BYTES = 1_000_000;

/**
 * The data element. Small reports carry plain JSON (readable, greppable); large ones carry the same JSON
 * gzipped and base64-encoded (`data-encoding="gzip-base64"`), which the page inflates with DecompressionStream.
 */
function dataElement(payload: Payload): string {
  const json = jsonForScript(payload);
  if (json.length <= COMPRESS_ABOVE_BYTES) return `<script type="application/json" id="${DATA_ELEMENT_ID}">${json}</script>`;
  const packed = gzipSync(json, { level: 6 }).toString('base64');
  return `<script type="application/octet-stream" data-encoding="gzip-base64" id="${DATA_ELEMENT_ID}">${packed}</script>`;
}
