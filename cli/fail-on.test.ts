import { describe, expect, it } from 'vitest';
import { evaluateGates, GateSyntaxError, parseGates } from './fail-on.js';
import { analysisWith } from '../test/fixtures/analysis.js';

// 10 requests, 1000 ms of critical path: db 600, cpu 150, queued 250.
const a = analysisWith({ db: 600, cpu: 150, queued: 250 }, { traces: 10, p95Ms: 180, fixes: [{ detector: 'n-plus-one', savingFraction: 0.31 }] });

const held = (spec: string): boolean => evaluateGates(a, parseGates([spec]))[0]!.held;

describe('--fail-on gates', () => {
  it('compares shares of request time, for categories and groups', () => {
    expect(held('queued>20%')).toBe(true);
    expect(held('queued>25%')).toBe(false);
    expect(held('queued>=25%')).toBe(true);
    expect(held('waiting>59%')).toBe(true);
    expect(held('computing<10%')).toBe(false);
    expect(held('cache>0%')).toBe(false);
  });

  it('compares mean milliseconds per request', () => {
    expect(held('db>59ms')).toBe(true);
    expect(held('db>60ms')).toBe(false);
    expect(held('waiting>=0.06s')).toBe(true);
  });

  it('compares latency percentiles', () => {
    expect(held('p95>150ms')).toBe(true);
    expect(held('p95>200ms')).toBe(false);
    expect(held('p95>0.1s')).toBe(true);
  });

  it('gates on fixes by detector and by saving', () => {
    expect(held('fix:n-plus-one')).toBe(true);
    expect(held('fix:sequential-io')).toBe(false);
    expect(held('fix:any>30%')).toBe(true);
    expect(held('fix:any>40%')).toBe(false);
    expect(held('fix:n-plus-one>=31%')).toBe(true);
  });

  it('splits comma-separated and repeated flags and reports what it measured', () => {
    const results = evaluateGates(a, parseGates(['queued>20%, p95>300ms', 'fix:n-plus-one']));
    expect(results.map((r) => r.held)).toEqual([true, false, true]);
    expect(results[0]!.actual).toBe('queued is 25.0 % of request time');
  });

  it('rejects what it does not understand with a message that says what it expects', () => {
    expect(() => parseGates(['slow'])).toThrow(GateSyntaxError);
    expect(() => parseGates(['fix:n+1'])).toThrow(/expected e.g./);
    expect(() => parseGates(['fix:made-up'])).toThrow(/unknown detector 'made-up'/);
    expect(() => parseGates(['latency>5ms'])).toThrow(/unknown measure 'latency'/);
    expect(() => parseGates(['db>5'])).toThrow(/give a unit/);
    expect(() => parseGates(['p95>5%'])).toThrow(/not %/);
  });

  it('treats an empty analysis as 0 % everywhere rather than dividing by zero', () => {
    const empty = analysisWith({}, { traces: 0 });
    expect(evaluateGates(empty, parseGates(['queued>0%']))[0]!.held).toBe(false);
  });
});
