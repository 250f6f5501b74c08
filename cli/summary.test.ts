import { describe, expect, it } from 'vitest';
import { terminalSummary } from './summary.js';
import { markdownSummary, mdEscape } from './markdown.js';
import { analysisWith } from '../test/fixtures/analysis.js';
import type { Analysis, Saturation } from '../analyzer/model/analysis.js';

const a = analysisWith(
  { db: 620, network: 50, cpu: 150, queued: 180 },
  { traces: 10, fixes: [{ title: 'Batch 20 SELECTs', savingMs: 310, savingFraction: 0.31, affectedTraces: 10, evidence: [{ traceId: 't', spanIds: [], location: 'orders.js:41' }] }] },
);

describe('terminal summary', () => {
  const text = terminalSummary(a, { reportPath: '/tmp/r.html' });
  it('gives the split with the largest waits named', () => {
    expect(text).toMatch(/waiting\s+67\.0 %/);
    expect(text).toContain('database 62.0 %');
    expect(text).toMatch(/computing\s+15\.0 %/);
    expect(text).toMatch(/queued\s+18\.0 %/);
  });
  it('lists fixes with the per-request saving, share and code location', () => {
    expect(text).toContain('1. Batch 20 SELECTs [GET /orders] — saves 31.0 ms/request over 10 requests (31.0 % of all request time), high confidence');
    expect(text).toContain('at orders.js:41');
    expect(text).toContain('Report: /tmp/r.html');
  });
  it('adds the queueing before first spans under the shares, per request, and only when analyze warned of it', () => {
    expect(text).not.toContain('before their first span');
    const hidden = { ...a, warnings: [{ code: 'queued-before-first-span', message: '…', count: 8, valueMs: 320 }] };
    expect(terminalSummary(hidden)).toContain('+ about 40.0 ms per request for 8 requests queued before their first span (not in the shares above)');
  });
  it('states the recording\'s own cost in one line, only when the analysis has it', () => {
    expect(text).not.toContain('recording cost');
    const recorded = { ...a, recordingCost: { requests: 10, threadMs: 2, threadMsPerRequest: 0.2, onCriticalPathMs: 40, criticalPathShare: 0.04, sources: ['recorder-accounting' as const] } };
    expect(terminalSummary(recorded)).toContain(
      'recording cost about 0.20 ms of thread time per request, 4.0 % of the critical path (inside the cpu and queued shares; never a fix or a hot function)',
    );
  });
  it('says so when there is nothing to fix, and flags partial results', () => {
    const clean = { ...analysisWith({ cpu: 10 }), partial: true };
    const t = terminalSummary(clean);
    expect(t).toContain('Nothing worth changing: no change found would save at least 1 ms per request');
    expect(t).toContain('PARTIAL RESULTS');
  });
});

describe('markdown summary', () => {
  it('fits a PR comment: a table of the split and one of the fixes', () => {
    const md = markdownSummary(a);
    expect(md).toContain('| waiting | 67.0 % |');
    expect(md).toMatch(/\| 1 \| Batch 20 SELECTs \(`n-plus-one`\) \| GET \/orders \| 31\.0 ms \| 31\.0 % \| high \|/);
  });
  it('neutralises markdown from trace data', () => {
    expect(mdEscape('a|b [x](javascript:alert(1)) <img>')).toBe('a\\|b \\[x\\]\\(javascript:alert\\(1\\)\\) \\<img\\>');
    const evil = analysisWith({ db: 1 }, { fixes: [{ title: '| injected | row |\n## heading', endpoint: '<script>' }] });
    const md = markdownSummary(evil);
    expect(md).not.toContain('<script>');
    expect(md).not.toMatch(/^## heading/m);
  });
});

describe('capacity in the summaries', () => {
  const saturation: Saturation = {
    saturated: true,
    utilization: 0.97,
    queuedShare: 0.7,
    beforeFirstSpan: { requests: 8, totalMs: 320, bound: 'upper' },
    requests: 10,
    windowMs: 100,
    throughputPerSec: 190,
    processes: 1,
    coresAvailable: 8,
    coresUsed: 0.97,
    cpuMsPerRequest: 5,
    outsideSpansMsPerRequest: 0.5,
    saturationPerSec: 200,
    endpoints: [
      { endpoint: 'GET /a', requests: 5, cpuMsPerRequest: 8, cpuShare: 0.8 },
      { endpoint: 'GET /b', requests: 5, cpuMsPerRequest: 2, cpuShare: 0.2 },
    ],
    hotFunctions: [{ name: 'render', location: 'src/render.js:12', selfFraction: 0.5 }],
    projection: { fixRanks: [1], cpuMsPerRequest: 2.5, saturationPerSec: 400, queueSavingMs: 100, queueSavingOpenLoopMs: 150 },
    sentence: '',
  };
  const sat: Analysis = {
    ...a,
    saturation,
    fixes: a.fixes.map((f) => ({ ...f, loopTimeSavedMs: 25, queueSavingMs: 100 })),
    warnings: [{ code: 'queued-before-first-span', message: '…', count: 8, valueMs: 320 }],
  };
  it('a saturated loop: the rate, the ways out, the projection, an upper bound said as such, and what each fix frees', () => {
    const text = terminalSummary(sat);
    expect(text).toContain('Capacity: 5.0 ms of event-loop time per request (GET /a 8.0 ms · GET /b 2.0 ms) → one process saturates at ~200 req/s; served 190 req/s with 1 process, 1.0 of 8 cores busy.');
    expect(text).toContain('Ways out: less CPU per request (where it goes: render src/render.js:12 50 %), or more processes (cluster, worker threads, replicas).');
    expect(text).toContain('With #1, one process saturates at ~400 req/s instead of 200 req/s');
    expect(text).toContain('+ at most 40.0 ms per request');
    expect(text).toContain('frees 25.0 ms of event-loop time; with it requests also queue ~100 ms less in total');
    expect(markdownSummary(sat)).toContain('one process saturates at \\~200 req/s');
  });
  it('with the loop saturated and no fix, says the change is capacity instead of "nothing worth changing"', () => {
    const noFix: Analysis = { ...analysisWith({ cpu: 10 }), saturation };
    const t = terminalSummary(noFix);
    expect(t).not.toContain('Nothing worth changing');
    expect(t).toContain('No single code change clears the floors');
    expect(markdownSummary(noFix)).toContain('with the event loop saturated, the change is capacity');
  });
  it('a loop with room: one quiet line, no ways out', () => {
    const text = terminalSummary({ ...sat, saturation: { ...saturation, saturated: false } });
    expect(text).toContain('Capacity: ');
    expect(text).not.toContain('Ways out');
  });
});
