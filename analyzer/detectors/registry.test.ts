import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DETECTORS, DETECTOR_IDS, INFORMATIONAL_DETECTORS, type DetectorId } from './registry.js';
import { DEFAULTS } from './support/config.js';
import { ADVICE, ADVISED_LANGUAGES } from '../advice/advice.js';
import { analyze } from '../analyze.js';
import { ingest } from '../ingest/index.js';

// What follows the registry but cannot import it (data files, the docs) is held to it here.

const repoFile = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

// @ts-expect-error DetectorId is the union of the registered ids, not any string: an unknown id does not compile.
const notAnId: DetectorId = 'not-a-detector';

describe('the detector registry', () => {
  it('lists each detector once, under the id its file is named after, with its own test file', () => {
    expect(new Set(DETECTOR_IDS).size).toBe(DETECTORS.length);
    expect(DETECTOR_IDS).not.toContain(notAnId);
    for (const d of DETECTORS) {
      expect(d.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(existsSync(new URL(`./${d.id}.ts`, import.meta.url)), `${d.id}.ts`).toBe(true);
      expect(existsSync(new URL(`./${d.id}.test.ts`, import.meta.url)), `${d.id}.test.ts`).toBe(true);
      expect(d.name.trim().length, d.id).toBeGreaterThan(0);
    }
  });

  it('is what the JSON schema allows in fixes[].detector', () => {
    const schema = JSON.parse(repoFile('analyzer/schema/analysis.schema.json')) as {
      definitions: { Fix: { properties: { detector: { enum: string[] } } } };
    };
    expect(schema.definitions.Fix.properties.detector.enum).toEqual([...DETECTOR_IDS]);
  });

  it('allows each fix its detector\'s display name, an optional string', () => {
    const schema = JSON.parse(repoFile('analyzer/schema/analysis.schema.json')) as {
      definitions: { Fix: { required: string[]; properties: { detectorName?: { type: string } } } };
    };
    expect(schema.definitions.Fix.properties.detectorName?.type).toBe('string');
    expect(schema.definitions.Fix.required).not.toContain('detectorName');
  });

  it('names every fix of a real analysis as the registry names its detector (the report shows that name)', async () => {
    const input = await ingest([fileURLToPath(new URL('../../samples/recordings/orders', import.meta.url))]);
    const { fixes } = analyze(input, { createdAt: '2026-01-01T00:00:00Z' });
    expect(fixes.length).toBeGreaterThan(0);
    const nameOf = new Map(DETECTORS.map((d) => [d.id, d.name]));
    for (const f of fixes) expect(f.detectorName, `${f.rank} ${f.detector}`).toBe(nameOf.get(f.detector));
  });

  it('carries each detector\'s own advice: generic text, and text for every advised language', () => {
    expect([...ADVICE.keys()]).toEqual([...DETECTOR_IDS]);
    for (const d of DETECTORS) {
      expect(d.advice.generic.text.trim().length, d.id).toBeGreaterThan(0);
      for (const l of ADVISED_LANGUAGES) expect(d.advice.byLanguage[l]?.text, `${d.id} / ${l}`).toBeTruthy();
    }
  });

  it('owns every threshold: each key is <detector id>.<name> (or rank.<name>, the ranking)', () => {
    const owners = new Set<string>([...DETECTOR_IDS, 'rank']);
    for (const key of Object.keys(DEFAULTS)) expect(owners.has(key.split('.')[0]), key).toBe(true);
  });

  it('has a row in docs/detectors.md per detector, in registry order, with its name, and a section of its own', () => {
    const doc = repoFile('docs/detectors.md');
    const table = doc.slice(doc.indexOf('## The detectors'), doc.indexOf('## The replay model'));
    const rows = [...table.matchAll(/^\| `([^`]+)` \| ([^|]+?) \|/gm)].map((m) => [m[1], m[2]]);
    expect(rows).toEqual(DETECTORS.map((d) => [d.id, d.name]));
    for (const d of DETECTORS) {
      // "### gc-pressure (informational)": the docs say which detectors ranking keeps with no saving.
      const heading = new RegExp(`^### ${d.id}( \\(informational\\))?$`, 'm').exec(doc);
      expect(heading, `### ${d.id}`).not.toBeNull();
      expect(heading?.[1] !== undefined, `${d.id} informational`).toBe(INFORMATIONAL_DETECTORS.has(d.id));
    }
  });
});
