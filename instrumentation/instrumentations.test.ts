import { describe, expect, it } from 'vitest';
import { InstrumentationBase } from '@opentelemetry/instrumentation';
import { createInstrumentations, ESM_HOOKED_MODULES, INSTRUMENTATIONS, PRELOADED_BUILTINS } from './instrumentations.js';

describe('the instrumentations list', () => {
  it("names, for each instrumentation, every module it patches (so that the ESM hook lets it see them)", () => {
    const made = createInstrumentations();
    try {
      expect(made).toHaveLength(INSTRUMENTATIONS.length);
      made.forEach((instrumentation, i) => {
        const [name, modules] = INSTRUMENTATIONS[i];
        // One that patches no module (Fastify's route names come from its diagnostics channel) needs no ESM hook.
        if (modules.length === 0) {
          expect(instrumentation, name).not.toBeInstanceOf(InstrumentationBase);
          return;
        }
        expect(instrumentation).toBeInstanceOf(InstrumentationBase);
        const patched = (instrumentation as InstrumentationBase).getModuleDefinitions().map((d) => d.name);
        for (const m of patched) expect(modules, `${name} patches ${m}`).toContain(m);
      });
    } finally {
      for (const i of made) i.disable();
    }
  });

  it('hooks ES module imports of exactly the listed modules, once each', () => {
    expect(ESM_HOOKED_MODULES).toEqual([...new Set(INSTRUMENTATIONS.flatMap(([, modules]) => modules))]);
    expect(new Set(ESM_HOOKED_MODULES).size).toBe(ESM_HOOKED_MODULES.length);
    expect(new Set(INSTRUMENTATIONS.map(([name]) => name)).size).toBe(INSTRUMENTATIONS.length);
  });

  it('preloads only core modules that an instrumentation patches', () => {
    for (const m of PRELOADED_BUILTINS) expect(ESM_HOOKED_MODULES, m).toContain(m);
  });
});
