import { describe, expect, it } from 'vitest';
import { evidenceOf, MAX_EVIDENCE, type Occurrence } from './occurrences.js';

/** Only what evidenceOf reads: the cost and the evidence. */
function occ(id: number, spentUs: number, location?: string): Occurrence {
  return { spentUs, evidence: { traceId: `t${id}`, spanIds: [`s${id}`], ...(location ? { location } : {}) } } as unknown as Occurrence;
}

describe('evidenceOf', () => {
  it('keeps the costliest occurrences, costliest first', () => {
    const occs = [occ(1, 10), occ(2, 50, 'a.js:1'), occ(3, 30), occ(4, 20), occ(5, 40), occ(6, 5), occ(7, 1)];
    expect(evidenceOf(occs).map((e) => e.traceId)).toEqual(['t2', 't5', 't3', 't4', 't1']);
  });

  it('swaps in the costliest located occurrence when none of the costliest has a location', () => {
    const occs = [occ(1, 90), occ(2, 80), occ(3, 70), occ(4, 60), occ(5, 50), occ(6, 40), occ(7, 30, 'app.js:38'), occ(8, 20, 'app.js:12')];
    const ev = evidenceOf(occs);
    expect(ev).toHaveLength(MAX_EVIDENCE);
    expect(ev.map((e) => e.traceId)).toEqual(['t1', 't2', 't3', 't4', 't7']);
    expect(ev[MAX_EVIDENCE - 1]!.location).toBe('app.js:38');
  });

  it('leaves the evidence unlocated when no occurrence has a location (none is invented)', () => {
    const occs = Array.from({ length: 8 }, (_, i) => occ(i, 100 - i));
    expect(evidenceOf(occs).some((e) => e.location !== undefined)).toBe(false);
  });
});
