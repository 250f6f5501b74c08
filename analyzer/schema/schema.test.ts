import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { analyze } from '../analyze.js';
import { sceneInput } from '../aggregate/testing/scene.js';
import { CATEGORIES } from '../model/categories.js';

const schema = JSON.parse(readFileSync(new URL('./analysis.schema.json', import.meta.url), 'utf8')) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(schema);
}

describe('analysis.schema.json', () => {
  it('accepts real analyze output (runtime data, profile, fixes, waterfalls), after a JSON round trip', () => {
    const validate = validator();
    const a = JSON.parse(JSON.stringify(analyze(sceneInput())));
    const ok = validate(a);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
    expect(a.traces.length).toBeGreaterThan(0);
    expect(a.profile).toBeDefined();
    expect(a.saturation).toBeDefined();
  });

  it('holds the saturation section to its contract: a bound other than estimate/upper, or an unknown field, is rejected', () => {
    const validate = validator();
    const good = JSON.parse(JSON.stringify(analyze(sceneInput())));
    expect(validate(good)).toBe(true);
    const bound = structuredClone(good);
    bound.saturation.beforeFirstSpan.bound = 'lower';
    expect(validate(bound)).toBe(false);
    const extra = structuredClone(good);
    extra.saturation.surprise = 1;
    expect(validate(extra)).toBe(false);
    const share = structuredClone(good);
    share.saturation.utilization = 1.5;
    expect(validate(share)).toBe(false);
  });

  it('accepts the empty analysis', () => {
    const input = sceneInput();
    input.spans = [];
    input.profiles = [];
    const validate = validator();
    expect(validate(JSON.parse(JSON.stringify(analyze(input))))).toBe(true);
  });

  it('rejects what breaks the contract: a missing category, an unknown field, a wrong version', () => {
    const validate = validator();
    const good = JSON.parse(JSON.stringify(analyze(sceneInput())));
    const missing = structuredClone(good);
    delete missing.summary.breakdown.queued;
    expect(validate(missing)).toBe(false);
    const extra = structuredClone(good);
    extra.summary.surprise = 1;
    expect(validate(extra)).toBe(false);
    const version = structuredClone(good);
    version.schemaVersion = 2;
    expect(validate(version)).toBe(false);
  });

  it('lists exactly the categories of the model', () => {
    const defs = schema.definitions as Record<string, { enum?: string[]; required?: string[] }>;
    expect(defs.Category.enum).toEqual([...CATEGORIES]);
    expect(defs.Breakdown.required).toEqual([...CATEGORIES]);
  });
});
