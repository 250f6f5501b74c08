import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { computeDiff } from '../analyzer/diff/diff.js';
import { renderDiff } from './render-diff.js';
import { renderReport } from './render.js';
import { buildAnalysis } from './testing/analysis-fixture.js';
import { XSS_CORPUS } from './testing/xss-corpus.js';

/** The pieces of a rendered page, found with plain string search (no HTML parser needed for our own output). */
function parts(html: string): { csp: string; data: string; script: string; outside: string } {
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1] ?? '';
  const dataOpen = '<script type="application/json" id="timesink-data">';
  const d0 = html.indexOf(dataOpen) + dataOpen.length;
  const d1 = html.indexOf('</script>', d0);
  const s0 = html.indexOf('<script>', d1) + '<script>'.length;
  const s1 = html.indexOf('</script>', s0);
  return { csp: csp.replace(/&#39;/g, "'"), data: html.slice(d0, d1), script: html.slice(s0, s1), outside: html.slice(0, d0) + html.slice(s1) };
}

describe('renderReport', () => {
  it('writes one self-contained page whose CSP allows exactly its inline script and no network', () => {
    const html = renderReport(buildAnalysis());
    const p = parts(html);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    const hash = createHash('sha256').update(p.script, 'utf8').digest('base64');
    expect(p.csp).toContain(`script-src 'sha256-${hash}'`);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    expect(p.csp).toContain(`style-src 'sha256-${createHash('sha256').update(style, 'utf8').digest('base64')}'`);
    expect(p.csp).not.toContain('unsafe');
    expect(p.csp).toContain("default-src 'none'");
    expect(p.csp).toContain("connect-src 'none'");
    expect(p.csp).not.toMatch(/https?:|\*/);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(/<link|src=|@import|url\(http/i.test(p.outside)).toBe(false);
    expect(p.script.length).toBeGreaterThan(10_000);
  });

  it('embeds the analysis so that it parses back unchanged (to µs)', () => {
    const a = buildAnalysis();
    const back = JSON.parse(parts(renderReport(a)).data) as { kind: string; analysis: typeof a };
    expect(back.kind).toBe('report');
    expect(back.analysis.fixes.map((f) => f.title)).toEqual(a.fixes.map((f) => f.title));
    expect(back.analysis.traces[0]!.spans[3]!.durationMs).toBeCloseTo(a.traces[0]!.spans[3]!.durationMs, 3);
  });

  it('keeps hostile strings inside the JSON, escaped, and out of the markup', () => {
    const a = buildAnalysis({ hostile: true });
    const html = renderReport(a);
    const p = parts(html);
    expect(p.data).not.toMatch(/[<>&\u2028\u2029]/);
    // The service names go into <title>: escaped there.
    const title = /<title>(.*)<\/title>/.exec(html)?.[1] ?? '';
    expect(title.startsWith('timesink report — checkout-api &#34;&#62;&#60;img src=x')).toBe(true);
    expect(title).not.toMatch(/[<>"]/);
    for (const s of XSS_CORPUS) {
      if (/[<>]/.test(s)) expect(p.outside.includes(s), s).toBe(false);
    }
    expect(JSON.parse(p.data).analysis.inputs.services).toEqual(a.inputs.services);
  });
});

describe('renderDiff', () => {
  it('embeds both sides and the diff, without the heavy per-trace data', () => {
    const before = buildAnalysis();
    const after = buildAnalysis({ slowdown: 1.5, seed: 3 });
    const diff = computeDiff(before, after);
    const p = parts(renderDiff(before, after, diff));
    const back = JSON.parse(p.data);
    expect(back.kind).toBe('diff');
    expect(back.diff.regressed).toBe(true);
    expect(back.before.traces).toEqual([]);
    expect(back.after.summary.traces).toBe(after.summary.traces);
    expect(p.csp).toContain(`'sha256-${createHash('sha256').update(p.script, 'utf8').digest('base64')}'`);
  });
});

describe('large reports', () => {
  it('gzip the data above 1 MB, and it inflates back to the same JSON', async () => {
    const { gunzipSync } = await import('node:zlib');
    const { jsonForScript } = await import('./embed.js');
    const a = buildAnalysis({ endpointCopies: 3, stepsScale: 20 });
    const html = renderReport(a);
    const m = /<script type="application\/octet-stream" data-encoding="gzip-base64" id="timesink-data">([A-Za-z0-9+/=]+)<\/script>/.exec(html);
    expect(m).not.toBeNull();
    const json = gunzipSync(Buffer.from(m![1]!, 'base64')).toString('utf8');
    expect(json).toBe(jsonForScript({ kind: 'report', analysis: a }));
    expect(json.length).toBeGreaterThan(1_000_000);
    expect(html.length).toBeLessThan(json.length / 3);
  });
});
