import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { findFixes } from './index.js';
import { TraceBuilder, analyzeAll, contextOf, t, totalUs, type SpanSpec } from './testing/builder.js';
import { emptyRuntime } from '../model/runtime.js';
import type { SpanClass } from '../model/categories.js';
import type { Profile } from '../model/profile.js';

const CLASSES: SpanClass[] = ['db', 'cache', 'network', 'fs', 'pool', 'lock', 'dns', 'in_process'];
const NAMES = ['SELECT', 'fs readFileSync', 'fs read', 'pg-pool.connect', 'tcp.connect', 'mutex lock', 'GET', 'render item', 'dns.lookup'];
const STATEMENTS = ['SELECT * FROM t WHERE id = 1', 'SELECT * FROM t WHERE id = 2', "SELECT * FROM u WHERE k = 'a' FOR UPDATE", 'INSERT INTO t VALUES (1)', 'SELECT * FROM t WHERE id = $1'];

const spanArb = fc.record({
  parent: fc.nat(),
  a: fc.nat({ max: 100 }),
  b: fc.nat({ max: 100 }),
  cls: fc.constantFrom(...CLASSES),
  name: fc.constantFrom(...NAMES),
  statement: fc.option(fc.constantFrom(...STATEMENTS), { nil: undefined }),
  url: fc.option(fc.constantFrom('http://api.example/users/1', 'http://api.example/users/2', 'http://other.example/x'), { nil: undefined }),
  error: fc.boolean(),
  followsFrom: fc.boolean(),
  unfinished: fc.boolean(),
  busy: fc.nat({ max: 100 }),
});

const traceArb = fc.record({
  start: fc.nat({ max: 300 }),
  len: fc.integer({ min: 1, max: 400 }),
  busy: fc.nat({ max: 100 }),
  spans: fc.array(spanArb, { maxLength: 25 }),
});
const tracesArb = fc.array(traceArb, { minLength: 1, maxLength: 5 });

describe('findFixes on arbitrary traces', () => {
  it('never throws, and never promises more than the total critical path', () => {
    fc.assert(
      fc.property(tracesArb, fc.array(fc.nat({ max: 1000 }), { maxLength: 5 }), fc.boolean(), (specs, gcAt, withProfile) => {
        const built = specs.map((spec) => {
          const b = new TraceBuilder();
          const end = spec.start + spec.len;
          const root = b.root({ name: 'GET /x', route: '/x', start: spec.start, end, onThread: spec.busy > 0 ? [[spec.start, spec.start + (spec.len * spec.busy) / 100]] : undefined });
          const placed: { id: string; start: number; end: number }[] = [{ id: root, start: spec.start, end }];
          for (const s of spec.spans) {
            const p = placed[s.parent % placed.length];
            const len = p.end - p.start;
            const a = p.start + (len * Math.min(s.a, s.b)) / 100;
            const z = p.start + (len * Math.max(s.a, s.b)) / 100;
            const attrs: Record<string, string> = {};
            if (s.statement) attrs['db.statement'] = s.statement;
            if (s.url) Object.assign(attrs, { 'url.full': s.url, 'http.request.method': 'GET' });
            const sp: SpanSpec = {
              name: s.name,
              cls: s.cls,
              start: a,
              end: z,
              attrs,
              status: s.error ? 'error' : 'unset',
              followsFrom: s.followsFrom && s.parent % 3 === 0,
              unfinished: s.unfinished && s.parent % 5 === 0,
              onThread: s.busy > 50 && z > a ? [[a, a + ((z - a) * (s.busy - 50)) / 50]] : undefined,
            };
            placed.push({ id: b.add(p.id, sp), start: a, end: z });
          }
          return b.build();
        });
        const runtime = emptyRuntime();
        runtime.gc = gcAt.map((ms) => ({ pid: 4242, startUs: t(ms), durationUs: 20_000, kind: 'major' as const }));
        const traces = analyzeAll(built, runtime);
        const profile: Profile | undefined = withProfile
          ? {
              source: 'fuzz',
              format: 'cpuprofile',
              pid: 4242,
              frames: [
                { name: 'handler', file: '/app/a.js', line: 1, origin: 'app' },
                { name: 'pbkdf2Sync', origin: 'runtime' },
                { name: 'JSON.parse', origin: 'runtime' },
              ],
              stacks: [[0, 1], [0, 2]],
              samples: Array.from({ length: 200 }, (_, i) => ({ stack: i % 2, weightUs: 1000, timeUs: t(i * 3) })),
              timed: true,
            }
          : undefined;
        const ctx = contextOf(traces, { runtime, profile });
        const total = totalUs(traces);
        const fixes = findFixes(ctx, total, 100);
        let sum = 0;
        const ids = new Set(traces.map((x) => x.trace.traceId));
        fixes.forEach((f, i) => {
          expect(f.rank).toBe(i + 1);
          expect(f.savingMs).toBeGreaterThanOrEqual(0);
          expect(f.savingMs * 1000).toBeLessThanOrEqual(total + 1e-6);
          expect(f.advice.text.length).toBeGreaterThan(0);
          for (const e of f.evidence) if (e.traceId) expect(ids.has(e.traceId)).toBe(true);
          sum += f.savingMs * 1000;
        });
        expect(sum).toBeLessThanOrEqual(total + 1e-6);
      }),
      { numRuns: 150 },
    );
  });
});
