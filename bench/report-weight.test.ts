// The time-to-interactive harness, checked on pages whose answer is known by construction (real headless Chromium).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bench = new URL('.', import.meta.url).pathname;

function tti(page: string): { bytes: number; ttiMs: number } {
  const out = execFileSync(process.execPath, [join(bench, 'report-weight.mjs'), '--html', join(bench, 'fixtures', page), '--reps', '1'], { encoding: 'utf8' });
  return JSON.parse(out) as { bytes: number; ttiMs: number };
}

describe.skipIf(!existsSync('/usr/bin/chromium'))('report-weight time to interactive', () => {
  it('waits for a long task that starts after the load event', () => {
    const r = tti('busy-page.html');
    // 300 ms parse-time script + 500 ms timer + 200 ms task; the load event alone would say ~300 ms.
    expect(r.ttiMs).toBeGreaterThan(950);
    expect(r.ttiMs).toBeLessThan(3000);
    expect(r.bytes).toBeGreaterThan(100);
  });

  it('reports a quiet page as interactive at once', () => {
    expect(tti('quiet-page.html').ttiMs).toBeLessThan(300);
  });
});
