import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { DEFAULTS, setting } from './support/config.js';
import { NO_SINGLE_CHANGE_SATURATED, NOTHING_WORTH_CHANGING } from '../../format/human.js';

describe('detector settings', () => {
  it('every threshold is documented in docs/detectors.md', () => {
    const doc = readFileSync(new URL('../../docs/detectors.md', import.meta.url), 'utf8');
    for (const key of Object.keys(DEFAULTS)) {
      const param = key.split('.')[1];
      expect(doc.includes(`\`${key}\``) || doc.includes(`\`${param}\``), key).toBe(true);
    }
  });

  it('ctx.config overrides a default; junk falls back to it', () => {
    expect(setting({ config: {} }, 'n-plus-one.minCalls')).toBe(5);
    expect(setting({ config: { 'n-plus-one.minCalls': 3 } }, 'n-plus-one.minCalls')).toBe(3);
    expect(setting({ config: { 'n-plus-one.minCalls': Number.NaN } }, 'n-plus-one.minCalls')).toBe(5);
  });

  it('the "nothing worth changing" sentence states the default floors', () => {
    expect(NOTHING_WORTH_CHANGING).toContain(`${DEFAULTS['rank.minSavingMsPerRequest']} ms per request`);
    expect(NOTHING_WORTH_CHANGING).toContain(`${DEFAULTS['rank.minEndpointShare'] * 100} % of the time of its endpoint`);
    expect(NO_SINGLE_CHANGE_SATURATED).toContain(`${DEFAULTS['rank.minSavingMsPerRequest']} ms per request`);
    expect(NO_SINGLE_CHANGE_SATURATED).toContain(`${DEFAULTS['rank.minEndpointShare'] * 100} % of its endpoint`);
  });
});
