import { describe, expect, it } from 'vitest';
import type { FlameNode } from '../../analyzer/model/analysis.js';
import { filterOrigins, matchedMs, selfMs } from './flame-tree.js';

const n = (name: string, origin: FlameNode['origin'], valueMs: number, children: FlameNode[] = []): FlameNode => ({ name, origin, valueMs, children });

// root(100) → tick[runtime](90) → { express[dep](60) → handler[app](50) → parse[dep](20),  timers[runtime](30) → handler[app](25) }
const tree = (): FlameNode =>
  n('(root)', 'runtime', 100, [n('tick', 'runtime', 90, [n('express', 'dependency', 60, [n('handler', 'app', 50, [n('parse', 'dependency', 20)])]), n('timers', 'runtime', 30, [n('handler', 'app', 25)])])]);

describe('filterOrigins', () => {
  it('keeps everything when all origins are kept', () => {
    expect(filterOrigins(tree(), new Set(['app', 'dependency', 'runtime']))).toEqual(tree());
  });

  it('lifts app frames over hidden runtime and dependency frames, merging same-named siblings', () => {
    const app = filterOrigins(tree(), new Set(['app']));
    expect(app.name).toBe('(root)');
    expect(app.valueMs).toBe(100);
    expect(app.children).toHaveLength(1);
    const handler = app.children[0]!;
    expect(handler.name).toBe('handler');
    expect(handler.valueMs).toBe(75);
    expect(handler.children).toEqual([]);
    // Hidden frames' own time stays with the root: 100 − 75.
    expect(selfMs(app)).toBe(25);
  });

  it('does not mutate its input', () => {
    const t = tree();
    filterOrigins(t, new Set(['dependency']));
    expect(t).toEqual(tree());
  });
});

describe('matchedMs', () => {
  it('counts nested matches once', () => {
    const t = n('(root)', 'runtime', 10, [n('a', 'app', 6, [n('a2', 'app', 4)]), n('b', 'app', 3, [n('xa', 'app', 1)])]);
    expect(matchedMs(t, 'a')).toBe(7);
    expect(matchedMs(t, 'zzz')).toBe(0);
    expect(matchedMs(t, '')).toBe(0);
  });
});
