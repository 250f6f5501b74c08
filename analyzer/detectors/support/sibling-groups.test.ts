import { describe, expect, it } from 'vitest';
import { mkSpan, mkTrace } from '../../critical-path/testing/spans.js';
import type { AnalyzedTrace } from '../../model/trace.js';
import { siblingGroups } from './sibling-groups.js';

describe('siblingGroups', () => {
  const trace = mkTrace([
    mkSpan('root', undefined, 0, 100),
    mkSpan('q1', 'root', 10, 20, { class: 'db' }),
    mkSpan('work', 'root', 20, 30, { class: 'in_process' }),
    mkSpan('bg', 'root', 30, 40, { class: 'network', followsFrom: true, status: 'error' }),
    mkSpan('q2', 'root', 40, 50, { class: 'db' }),
    mkSpan('inner', 'work', 21, 29, { class: 'cache' }),
  ]);
  const other = mkTrace([mkSpan('r2', undefined, 0, 10), mkSpan('c2', 'r2', 1, 2, { class: 'db' })], 't2');
  // Only the trace is read: the accounting fields do not matter here.
  const traces = [trace, other].map((t) => ({ trace: t, path: [], endpoint: 'GET /', service: 'svc' }) as unknown as AnalyzedTrace);

  it('lists every parent, traces in order then children-map order, each subset in child order, FOLLOWS_FROM out of the awaited ones', () => {
    const groups = siblingGroups(traces);
    expect(groups.map((g) => g.parentId)).toEqual([...trace.children.keys(), 'r2']);
    expect(groups.map((g) => g.at)).toEqual([traces[0], traces[0], traces[1]]);
    const root = groups.find((g) => g.parentId === 'root')!;
    expect(root.kids.map((s) => s.spanId)).toEqual(['q1', 'work', 'bg', 'q2']);
    expect(root.awaited.map((s) => s.spanId)).toEqual(['q1', 'work', 'q2']);
    expect(root.awaitedIo.map((s) => s.spanId)).toEqual(['q1', 'q2']);
    // The failed child is fire-and-forget: still a failed child of the parent (retry-storm's pre-check).
    expect(root.anyError).toBe(true);
    const work = groups.find((g) => g.parentId === 'work')!;
    expect(work.awaited).toBe(work.kids); // nothing to drop: no copy
    expect(work.anyError).toBe(false);
  });

  it('is built once per set of traces and shared by every caller', () => {
    expect(siblingGroups(traces)).toBe(siblingGroups(traces));
    const root = siblingGroups(traces).find((g) => g.parentId === 'root')!;
    expect(root.awaitedIo).toBe(root.awaitedIo);
  });
});
