import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { DETECTORS, DETECTOR_IDS, INFORMATIONAL_DETECTORS, type DetectorId } from './registry.js';
import { DEFAULTS } from './support/config.js';
import { CATALOG } from '../advice/catalog.js';
import { DETECTOR_NAME } from '../../viewer/src/sections/fixes.js';

// What follows the registry but cannot import it (data files, the viewer bundle, the docs) is held to it here.

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

  it('names each detector in the viewer as the registry does', () => {
    expect(DETECTOR_NAME).toEqual(Object.fromEntries(DETECTORS.map((d) => [d.id, d.name])));
  });

  it('has advice for exactly its detectors', () => {
    expect(Object.keys(CATALOG).sort()).toEqual([...DETECTOR_IDS].sort());
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
