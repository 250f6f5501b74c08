import { describe, expect, it } from 'vitest';
import type { EndpointSummary } from '../../analyzer/model/analysis.js';
import { analysisWith } from '../fixtures/analysis.js';
import { checkCoverage } from './compare.js';
import type { Expected } from './expectations.js';

const base: Expected = { detector: null, fractions: { waiting: 0.6, computingPlusQueued: 0.4 } };

function withEndpoints(names: string[]) {
  const a = analysisWith({ db: 600, cpu: 400 });
  return { ...a, endpoints: names.map((name) => ({ name }) as EndpointSummary) };
}

describe('checkCoverage', () => {
  it('passes exact route names in any order, fails one endpoint per slug', () => {
    const expected = { ...base, endpoints: ['GET /a/:slug', 'GET /a/:slug/c'] };
    const ok: string[] = [];
    checkCoverage(withEndpoints(['GET /a/:slug/c', 'GET /a/:slug']), expected, ok);
    expect(ok).toEqual([]);
    const bad: string[] = [];
    checkCoverage(withEndpoints(['GET /a/x-1', 'GET /a/x-2', 'GET /a/x-3', 'GET /a/x-4', 'GET /a/x-5', 'GET /a/x-6', 'GET /a/x-7']), expected, bad);
    expect(bad).toEqual(['endpoints GET /a/x-1, GET /a/x-2, GET /a/x-3, GET /a/x-4, GET /a/x-5, GET /a/x-6 and 1 more vs expected GET /a/:slug, GET /a/:slug/c']);
  });

  it('checks the database share within 5 points: a wait the driver left uninstrumented fails it', () => {
    const ok: string[] = [];
    checkCoverage(analysisWith({ db: 600, cpu: 400 }), { ...base, dbShare: 0.62 }, ok);
    expect(ok).toEqual([]);
    const bad: string[] = [];
    checkCoverage(analysisWith({ uninstrumented_wait: 600, cpu: 400 }), { ...base, dbShare: 0.6 }, bad);
    expect(bad).toEqual(['database 0.0% vs expected 60.0% (off by 60.0 points, limit 5)']);
  });
});
