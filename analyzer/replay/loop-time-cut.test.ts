import { describe, expect, it } from 'vitest';
import { mkSpan, mkTrace } from '../critical-path/testing/spans.js';
import type { Finding } from '../detectors/types.js';
import type { AnalyzedTrace } from '../model/trace.js';
import { emptyBreakdown } from '../model/categories.js';
import type { Change } from './change.js';
import { loopTimeCutUs } from './loop-time-cut.js';

/** Root [0,100) with 10 µs of its own JavaScript; three queries q1..q3 with 4 µs of driver JavaScript each, and
 * q1 has a child (its parse) with 2 µs; a wait span with none. */
function trace(): AnalyzedTrace {
  const js = (a: number, b: number) => [{ startUs: a, endUs: b }];
  const spans = [
    mkSpan('root', undefined, 0, 100, { onThread: js(0, 10) }),
    mkSpan('q1', 'root', 10, 30, { onThread: js(10, 14) }),
    mkSpan('p1', 'q1', 20, 25, { onThread: js(20, 22) }),
    mkSpan('q2', 'root', 30, 50, { onThread: js(30, 34) }),
    mkSpan('q3', 'root', 50, 70, { onThread: js(50, 54) }),
    mkSpan('wait', 'root', 70, 90),
  ];
  return { trace: mkTrace(spans, 'T'), path: [], breakdownUs: emptyBreakdown(), endpoint: 'GET /', service: 'svc' };
}

function finding(changes: Change[], details?: Finding['details']): Finding {
  return {
    detector: 'n-plus-one',
    title: 't',
    why: '',
    confidence: 'high',
    service: 'svc',
    advice: { language: 'nodejs', text: '' },
    evidence: [],
    changes: new Map([['T', changes]]),
    ...(details ? { details } : {}),
  };
}

describe('loopTimeCutUs: the event-loop time a change frees', () => {
  const byId = new Map([['T', trace()]]);
  it('batch: every member but the first, with its subtree', () => {
    expect(loopTimeCutUs(finding([{ type: 'batch', spanIds: ['q2', 'q1', 'q3'], durationUs: 25 }]), byId)).toBe(4 + 4);
    expect(loopTimeCutUs(finding([{ type: 'batch', spanIds: ['q3', 'q2'], durationUs: 25 }]), byId)).toBe(4);
  });
  it('remove: the subtrees, each span once', () => {
    expect(loopTimeCutUs(finding([{ type: 'remove', spanIds: ['q1', 'p1'] }, { type: 'remove', spanIds: ['q1'] }]), byId)).toBe(6);
  });
  it('shorten: at most the span\'s own JavaScript; shortening a wait frees nothing', () => {
    expect(loopTimeCutUs(finding([{ type: 'shorten', spanId: 'root', byUs: 3 }]), byId)).toBe(3);
    expect(loopTimeCutUs(finding([{ type: 'shorten', spanId: 'root', byUs: 50 }]), byId)).toBe(10);
    expect(loopTimeCutUs(finding([{ type: 'shorten', spanId: 'wait', byUs: 20 }]), byId)).toBe(0);
  });
  it('parallelize, cap and unqueue free nothing: the same work runs sooner', () => {
    const none: Change[] = [
      { type: 'parallelize', spanIds: ['q1', 'q2', 'q3'] },
      { type: 'cap', spanId: 'wait', maxUs: 1 },
      { type: 'unqueue', spanId: 'root', byUs: 30 },
    ];
    expect(loopTimeCutUs(finding(none), byId)).toBe(0);
  });
  it('work moved off the loop says so itself (offLoopMs); unknown traces count nothing', () => {
    expect(loopTimeCutUs(finding([{ type: 'unqueue', spanId: 'root', byUs: 30 }], { offLoopMs: 2.5 }), byId)).toBe(2500);
    expect(loopTimeCutUs(finding([{ type: 'remove', spanIds: ['q1'] }]), new Map())).toBe(0);
  });
});
