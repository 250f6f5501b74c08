import { describe, expect, it } from 'vitest';
import { terminalSummary } from './summary.js';
import { analysisWith } from '../test/fixtures/analysis.js';

describe('terminal summary: what was not instrumented', () => {
  const a = analysisWith({ db: 500, uninstrumented_wait: 75, cpu: 425 }, { traces: 10 });
  it('says the coverage sentence under the shares when analyze warned of it, and only then', () => {
    expect(terminalSummary(a)).not.toContain('Not instrumented');
    const message = 'The app loaded `mysql` (a MySQL driver), which timesink does not instrument: … 7.5 % of request time — that may be it.';
    const gap = { ...a, warnings: [{ code: 'uninstrumented-library', message, count: 1, valueMs: 75 }] };
    const lines = terminalSummary(gap).split('\n');
    const at = lines.findIndex((l) => l.includes('Not instrumented'));
    expect(lines[at]).toBe(`  Not instrumented: ${message}`);
    // Next to the shares, before the fixes.
    expect(at).toBeGreaterThan(lines.findIndex((l) => /^\s+waiting/.test(l)));
  });
});
