/**
 * The same app under the same load gives the same top fix: each committed sample recording
 * (samples/recordings/<app>, a steady closed-loop load) is cut in two halves — each endpoint's requests by start
 * time, earlier and later — each half is analyzed on its own, and the two #1 fixes must be the same change (detector and title) — or both halves must have
 * none. Two halves of one run are two recordings of the same app under the same load, without a second run's cost.
 */
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { analyze } from '../analyzer/analyze.js';
import { ingest } from '../analyzer/ingest/index.js';
import { APPS, loadTruth } from '../samples/lib/apps.mjs';
import { existsSync } from 'node:fs';

const RECORDINGS = fileURLToPath(new URL('../samples/recordings/', import.meta.url));
const recorded = APPS.filter((app) => existsSync(`${RECORDINGS}${app}/manifest.json`));

describe('the top fix is stable across two halves of one recording', () => {
  it('at least the original samples are recorded', () => {
    expect(recorded.length).toBeGreaterThanOrEqual(6);
  });

  for (const app of recorded) {
    it(`${app}: both halves name the same #1 fix`, async () => {
      const input = await ingest([`${RECORDINGS}${app}`]);
      const whole = analyze(input, { createdAt: '2026-01-01T00:00:00Z' });
      // Each endpoint's requests split at that endpoint's median start: a load that runs its paths one after the
      // other (gateway: all /dashboard, then all /search) gives each half the same mix.
      const roots = input.spans.filter((s) => s.parentSpanId === undefined && s.kind === 'server');
      expect(roots.length).toBeGreaterThan(10);
      const byEndpoint = new Map<string, typeof roots>();
      for (const r of roots) {
        const key = `${r.attributes['http.route'] ?? r.name}`;
        byEndpoint.set(key, [...(byEndpoint.get(key) ?? []), r]);
      }
      const firstHalf = new Set<string>();
      for (const list of byEndpoint.values()) {
        list.sort((a, b) => a.startUs - b.startUs);
        for (const r of list.slice(0, Math.floor(list.length / 2))) firstHalf.add(r.traceId);
      }
      const half = (inFirst: boolean) => ({ ...input, spans: input.spans.filter((s) => firstHalf.has(s.traceId) === inFirst) });
      const first = analyze(half(true), { createdAt: '2026-01-01T00:00:00Z' });
      const second = analyze(half(false), { createdAt: '2026-01-01T00:00:00Z' });
      const top = (a: typeof whole): string => (a.fixes[0] ? `${a.fixes[0].detector}: ${a.fixes[0].title}` : '(none)');
      expect(top(first)).toBe(top(second));
      expect(top(first)).toBe(top(whole));
      // And it is the planted one (none for the control).
      expect(whole.fixes[0]?.detector ?? null).toBe(loadTruth(app).detector);
    });
  }
});
