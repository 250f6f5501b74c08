import { describe, expect, it } from 'vitest';
import { mergeChangeGroups } from './change-groups.js';
import type { Finding } from '../detectors/types.js';

function finding(title: string, group: string | undefined, changes: [string, string[]][], confidence: Finding['confidence'] = 'high'): Finding {
  return {
    detector: 'n-plus-one',
    title,
    why: `why ${title}`,
    confidence,
    service: 's',
    endpoint: 'GET /feed',
    advice: { language: 'nodejs', text: '' },
    evidence: changes.map(([traceId, spanIds]) => ({ traceId, spanIds })),
    changes: new Map(changes.map(([traceId, spanIds]) => [traceId, [{ type: 'remove' as const, spanIds }]])),
    ...(group ? { changeGroup: { key: group, title: `loop ${group}`, why: `one loop ${group}` } } : {}),
  };
}

describe('mergeChangeGroups', () => {
  it('members of one group become one finding holding all their changes per trace, where the first member was', () => {
    const a = finding('a', 'L', [['t1', ['a1']], ['t2', ['a2']]]);
    const x = finding('x', undefined, [['t1', ['x1']]]);
    const b = finding('b', 'L', [['t1', ['b1']], ['t3', ['b3']]], 'medium');
    const out = mergeChangeGroups([a, x, b]);
    expect(out.map((f) => f.title)).toEqual(['loop L', 'x']);
    const merged = out[0];
    expect(merged.why).toBe('one loop L');
    expect(merged.confidence).toBe('medium');
    expect([...merged.changes].map(([t, c]) => [t, c.flatMap((ch) => ('spanIds' in ch ? ch.spanIds : []))])).toEqual([
      ['t1', ['a1', 'b1']],
      ['t2', ['a2']],
      ['t3', ['b3']],
    ]);
    // Evidence in turn from each member.
    expect(merged.evidence.map((e) => e.spanIds[0])).toEqual(['a1', 'b1', 'a2', 'b3']);
    expect(merged.details).toEqual({ mergedFindings: 2 });
    // The inputs are not changed.
    expect(a.changes.get('t1')).toHaveLength(1);
  });

  it('a group of one keeps its own title; different keys and no key never merge', () => {
    const a = finding('a', 'L', [['t1', ['a1']]]);
    const b = finding('b', 'M', [['t1', ['b1']]]);
    const c = finding('c', undefined, [['t1', ['c1']]]);
    const d = finding('d', undefined, [['t1', ['d1']]]);
    expect(mergeChangeGroups([a, b, c, d]).map((f) => f.title)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('evidence stays bounded', () => {
    const many = Array.from({ length: 4 }, (_, i) => finding(`f${i}`, 'L', [1, 2, 3].map((k) => [`t${k}`, [`s${i}-${k}`]] as [string, string[]])));
    expect(mergeChangeGroups(many)[0].evidence).toHaveLength(5);
  });
});
