import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ingest } from '../index.js';
import type { Profile } from '../../model/profile.js';
import { frameOrigin } from './origin.js';
import { CPUPROFILE } from './fixtures/cpuprofile.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'ts-prof-'));
const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

/** Stacks as readable "a;b;c" strings with total weight, for exact comparisons. */
function folded(p: Profile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of p.samples) {
    const key = p.stacks[s.stack]!.map((f) => p.frames[f]!.name).join(';');
    out[key] = (out[key] ?? 0) + s.weightUs;
  }
  return out;
}


describe('profiles', () => {
  it('reads a V8 .cpuprofile: stacks root first, weights to the next sample, origins', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.cpuprofile'), JSON.stringify(CPUPROFILE));
    const r = await ingest([join(dir, 'x.cpuprofile')]);
    const p = r.profiles[0]!;
    expect(p.format).toBe('cpuprofile');
    expect(p.timed).toBe(false);
    expect(folded(p)).toEqual({ 'main;parse': 200, main: 50, '(garbage collector)': 40 });
    expect(p.samples.every((s) => s.timeUs === undefined)).toBe(true);
    expect(p.samples[3]!.vmState).toBe('gc');
    const parse = p.frames.find((f) => f.name === 'parse')!;
    expect(parse).toEqual({ name: 'parse', file: '/app/node_modules/lib/x.js', line: 1, column: 1, origin: 'dependency' });
    expect(p.frames.find((f) => f.name === 'main')).toMatchObject({ origin: 'app', line: 10 });
    expect(r.files[0]!.format).toBe('cpuprofile');
  });

  it('reads a 0x --collect-only folder (preprocessed V8 tick log), ignoring the raw log', async () => {
    const r = await ingest([join(FIXTURES, '0x')]);
    expect(r.warnings).toEqual([]);
    expect(r.profiles).toHaveLength(1);
    const p = r.profiles[0]!;
    expect(p.format).toBe('0x');
    expect(p.pid).toBe(11194);
    expect(p.samples).toHaveLength(50);
    expect(p.timed).toBe(false);
    // The burn loop ran in "[eval]", under node's internal eval bootstrap.
    const evalFrame = p.frames.findIndex((f) => f.file === '[eval]');
    expect(p.frames[evalFrame]!.origin).toBe('app');
    const withEval = p.samples.filter((s) => p.stacks[s.stack]!.includes(evalFrame));
    expect(withEval.length).toBeGreaterThan(20);
    for (const s of withEval) {
      const root = p.frames[p.stacks[s.stack]![0]!]!;
      expect(root.origin).toBe('runtime');
    }
    expect(new Set(p.samples.map((s) => s.vmState))).toContain('js');
    const total = p.samples.reduce((n, s) => n + s.weightUs, 0);
    expect(total).toBeGreaterThan(200_000); // a 300 ms burn
    expect(total).toBeLessThan(600_000);
  });

  it('reads speedscope sampled and evented profiles', async () => {
    const dir = tmp();
    const doc = {
      $schema: 'https://www.speedscope.app/file-format-schema.json',
      shared: { frames: [{ name: 'main', file: '/srv/app.py', line: 3 }, { name: 'query', file: '/usr/lib/python3/dist-packages/psycopg/cursor.py', line: 80 }, { name: 'sleep', file: '/usr/lib/python3.11/time.py' }] },
      profiles: [
        { type: 'sampled', name: 'MainThread', unit: 'milliseconds', startValue: 0, endValue: 30, samples: [[0, 1], [0, 1], [0, 2]], weights: [10, 10, 5] },
        { type: 'evented', name: 'ev', unit: 'microseconds', startValue: 0, endValue: 100, events: [{ type: 'O', frame: 0, at: 0 }, { type: 'O', frame: 1, at: 10 }, { type: 'C', frame: 1, at: 40 }, { type: 'C', frame: 0, at: 100 }] },
      ],
    };
    writeFileSync(join(dir, 'py.json'), JSON.stringify(doc, null, 1));
    const r = await ingest([join(dir, 'py.json')]);
    expect(r.profiles.map((p) => p.source)).toEqual([`${join(dir, 'py.json')}#MainThread`, `${join(dir, 'py.json')}#ev`]);
    expect(folded(r.profiles[0]!)).toEqual({ 'main;query': 20_000, 'main;sleep': 5_000 });
    expect(folded(r.profiles[1]!)).toEqual({ main: 70, 'main;query': 30 });
    const origins = Object.fromEntries(r.profiles[0]!.frames.map((f) => [f.name, f.origin]));
    expect(origins).toEqual({ main: 'app', query: 'dependency', sleep: 'runtime' });
  });

  it('reads folded stacks and warns about malformed lines', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'out.txt'), 'main (app.py:3);work (app.py:9) 3\nmain (app.py:3);[libc.so] 1\nnot a stack line\n');
    const r = await ingest([join(dir, 'out.txt')]);
    expect(folded(r.profiles[0]!)).toEqual({ 'main;work': 30_000, 'main;[libc.so]': 10_000 });
    expect(r.profiles[0]!.frames.map((f) => f.origin)).toEqual(['app', 'app', 'runtime']);
    expect(r.warnings.find((w) => w.code === 'bad-line')!.message).toContain('line 3');
  });

  it('classifies frame origins', () => {
    expect(frameOrigin('f', '/x/node_modules/pg/lib/client.js')).toBe('dependency');
    expect(frameOrigin('f', '/usr/lib/python3/dist-packages/a.py')).toBe('dependency');
    expect(frameOrigin('f', '/venv/lib/python3.12/site-packages/a.py')).toBe('dependency');
    expect(frameOrigin('f', 'node:internal/timers')).toBe('runtime');
    expect(frameOrigin('f', '/usr/lib/python3.12/json/decoder.py')).toBe('runtime');
    expect(frameOrigin('(program)', undefined)).toBe('runtime');
    expect(frameOrigin('handler', '/srv/app/routes.js')).toBe('app');
  });
});
