import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { replay } from './replay.js';
import type { Change } from './change.js';
import { TraceBuilder, analyzeAll, sql, t } from '../detectors/testing/builder.js';
import type { AnalyzedTrace, Segment } from '../model/trace.js';
import { emptyBreakdown } from '../model/categories.js';

const MS = 1000;

function one(b: TraceBuilder): AnalyzedTrace {
  return analyzeAll([b.build()])[0];
}

/** root [0,100] with three sequential SELECTs [10,30] [30,60] [60,90]. */
function sequential() {
  const b = new TraceBuilder();
  const root = b.root({ name: 'GET /orders', route: '/orders', start: 0, end: 100 });
  const a = b.add(root, sql('SELECT * FROM users WHERE id = 1', 10, 30));
  const c = b.add(root, sql('SELECT * FROM carts WHERE user_id = 1', 30, 60));
  const d = b.add(root, sql('SELECT * FROM prices', 60, 90));
  return { at: one(b), ids: [a, c, d] };
}

describe('replay', () => {
  it('returns the root duration with no changes', () => {
    const { at } = sequential();
    expect(replay(at, [])).toBe(100 * MS);
  });

  it('agrees with the causal critical path (issue 16): the query not awaited before the next one saves nothing alone', () => {
    // root [0,100), q1 [10,40) and q2 [20,50) overlapping, an HTTP call [60,90): the path holds q2 and the call.
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 100 });
    const q1 = b.add(root, sql('SELECT a', 10, 40));
    const q2 = b.add(root, sql('SELECT b', 20, 50));
    b.add(root, { name: 'GET', cls: 'network', start: 60, end: 90 });
    const at = one(b);
    expect(at.path.filter((x) => x.spanId === q1)).toEqual([]);
    expect(at.breakdownUs.db).toBe(30 * MS);
    // Removing q1: the call still waits for q2 (ends 50) + the 10 ms after it.
    expect(replay(at, [{ type: 'remove', spanIds: [q1] }])).toBe(100 * MS);
    // Removing q2: the call waits for q1 instead (ends 40) + 10 ms: 10 ms saved, not q2's 30 on the path.
    expect(replay(at, [{ type: 'remove', spanIds: [q2] }])).toBe(90 * MS);
    expect(replay(at, [{ type: 'remove', spanIds: [q1, q2] }])).toBe(70 * MS);
  });

  it('parallelize saves sum − max of a back-to-back group', () => {
    const { at, ids } = sequential();
    // 10 before + max(20, 30, 30) + 10 after
    expect(replay(at, [{ type: 'parallelize', spanIds: ids }])).toBe(50 * MS);
  });

  it('parallelize keeps each member\'s preparation time, in sequence', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 100 });
    const ids = [b.add(root, sql('SELECT a', 10, 30)), b.add(root, sql('SELECT b', 32, 62)), b.add(root, sql('SELECT c', 64, 94))];
    // launches at 10, 12, 14; ends 30, 42, 44; then the 6 ms tail
    expect(replay(one(b), [{ type: 'parallelize', spanIds: ids }])).toBe(50 * MS);
  });

  it('a later sibling gated on a shrunk child moves earlier; an overlapping one stays where it was', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 100 });
    const long = b.add(root, sql('SELECT slow', 0, 100));
    b.add(root, sql('SELECT overlap', 50, 80));
    // The long query shrinks to 40 ms, but the overlapping one (started at 50, independent of it) still ends at 80.
    expect(replay(one(b), [{ type: 'shorten', spanId: long, byUs: 60 * MS }])).toBe(80 * MS);
  });

  it('batch replaces N calls by one and drops the time between them', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 100 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(b.add(root, sql(`SELECT * FROM items WHERE id = ${i}`, i * 10, i * 10 + 10)));
    b.add(root, sql('SELECT * FROM totals', 50, 60));
    // batch [0,15], totals [15,25], then the 40 ms tail
    expect(replay(one(b), [{ type: 'batch', spanIds: ids, durationUs: 15 * MS }])).toBe(65 * MS);
  });

  it('remove takes a wait out and keeps the self time around it', () => {
    const { at, ids } = sequential();
    expect(replay(at, [{ type: 'remove', spanIds: [ids[1]] }])).toBe(70 * MS);
  });

  it('cap bounds a span at a timeout', () => {
    const { at, ids } = sequential();
    expect(replay(at, [{ type: 'cap', spanId: ids[1], maxUs: 10 * MS }])).toBe(80 * MS);
  });

  it('changes deep in the tree propagate to the root', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 100 });
    const handler = b.add(root, { name: 'handler', start: 5, end: 95 });
    const q = b.add(handler, sql('SELECT deep', 20, 80));
    b.add(root, sql('SELECT after', 95, 100));
    expect(replay(one(b), [{ type: 'shorten', spanId: q, byUs: 50 * MS }])).toBe(50 * MS);
  });

  it('fire-and-forget children never gate the parent end', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 50 });
    b.add(root, sql('INSERT audit', 10, 200, { followsFrom: true }));
    const q = b.add(root, sql('SELECT x', 10, 40));
    expect(replay(one(b), [])).toBe(50 * MS);
    expect(replay(one(b), [{ type: 'remove', spanIds: [q] }])).toBe(20 * MS);
  });

  it('unqueue and shorten take time out of the span\'s self time, clipped to what there is', () => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 100 });
    const tr = b.build();
    const seg = (a: number, z: number, category: Segment['category']): Segment => ({ spanId: root, startUs: t(a), endUs: t(z), category });
    const at: AnalyzedTrace = {
      trace: tr,
      path: [seg(0, 40, 'cpu'), seg(40, 70, 'queued'), seg(70, 100, 'cpu')],
      breakdownUs: emptyBreakdown(),
      endpoint: 'r',
      service: 'orders',
    };
    expect(replay(at, [{ type: 'unqueue', spanId: root, byUs: 30 * MS }])).toBe(70 * MS);
    // Faster code removes at most the 70 ms of on-thread time; the 30 ms queued behind others stays.
    expect(replay(at, [{ type: 'shorten', spanId: root, byUs: 500 * MS }])).toBe(30 * MS);
  });

  it('property: no changes is the identity; shrinking changes never lengthen a trace', () => {
    fc.assert(
      fc.property(randomTrace(), fc.array(fc.nat(), { maxLength: 6 }), fc.nat(), (spec, picks, seed) => {
        const at = one(spec);
        const original = at.trace.root.endUs - at.trace.root.startUs;
        expect(replay(at, [])).toBeCloseTo(original, 6);
        // A change that changes nothing still runs the whole layout: it must land every event where it was.
        expect(replay(at, [{ type: 'cap', spanId: at.trace.root.spanId, maxUs: Number.POSITIVE_INFINITY }])).toBeCloseTo(original, 6);
        const ids = at.trace.spans.map((s) => s.spanId).filter((id) => id !== at.trace.root.spanId);
        if (ids.length === 0) return;
        const changes: Change[] = picks.map((p, i) => {
          const id = ids[(p + seed) % ids.length];
          const siblings = at.trace.children.get(at.trace.byId.get(id)!.parentSpanId!)!.map((s) => s.spanId);
          switch ((p + i) % 5) {
            case 0: return { type: 'parallelize', spanIds: siblings };
            case 1: return { type: 'remove', spanIds: [id] };
            case 2: return { type: 'cap', spanId: id, maxUs: (p % 10) * MS };
            case 3: return { type: 'shorten', spanId: id, byUs: (p % 20) * MS };
            default: return { type: 'unqueue', spanId: at.trace.root.spanId, byUs: (p % 20) * MS };
          }
        });
        const r = replay(at, changes);
        expect(r).toBeGreaterThanOrEqual(0);
        expect(r).toBeLessThanOrEqual(original + 1e-6);
      }),
      { numRuns: 200 },
    );
  });
});

/** Random nested span trees with children inside their parents (some overlapping, some back to back). */
function randomTrace(): fc.Arbitrary<TraceBuilder> {
  return fc.array(fc.tuple(fc.nat(), fc.nat({ max: 100 }), fc.nat({ max: 100 })), { minLength: 0, maxLength: 12 }).map((items) => {
    const b = new TraceBuilder();
    const root = b.root({ name: 'r', start: 0, end: 200 });
    const spans: { id: string; start: number; end: number }[] = [{ id: root, start: 0, end: 200 }];
    for (const [p, x, y] of items) {
      const parent = spans[p % spans.length];
      const len = parent.end - parent.start;
      const a = parent.start + (len * Math.min(x, y)) / 100;
      const z = parent.start + (len * Math.max(x, y)) / 100;
      const id = b.add(parent.id, sql(`SELECT ${spans.length}`, a, z));
      spans.push({ id, start: a, end: z });
    }
    return b;
  });
}
