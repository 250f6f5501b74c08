/**
 * Some contrib instrumentations patch only the object they are handed. Under the ESM hook, for a CommonJS package,
 * that object is the module namespace: `import mysql from 'mysql'` then calls the unpatched `default` (the real
 * module.exports) and records nothing. These helpers patch the default export as well as the namespace.
 */
import type { InstrumentationNodeModuleDefinition } from '@opentelemetry/instrumentation';
import { MySQLInstrumentation } from '@opentelemetry/instrumentation-mysql';

/** An ES module namespace (what import-in-the-middle passes) that wraps a CommonJS module's exports. */
function cjsDefaultOf(exports: unknown): object | undefined {
  if (exports === null || typeof exports !== 'object') return undefined;
  if ((exports as { [Symbol.toStringTag]?: unknown })[Symbol.toStringTag] !== 'Module') return undefined;
  const d = (exports as { default?: unknown }).default;
  return d !== null && (typeof d === 'object' || typeof d === 'function') ? d : undefined;
}

export function alsoPatchDefaultExport(defs: InstrumentationNodeModuleDefinition[]): InstrumentationNodeModuleDefinition[] {
  for (const def of defs) {
    const { patch, unpatch } = def;
    if (patch) {
      def.patch = (exports: unknown, version?: string): unknown => {
        const d = cjsDefaultOf(exports);
        if (d) patch(d, version);
        return patch(exports, version);
      };
    }
    if (unpatch) {
      def.unpatch = (exports: unknown, version?: string): void => {
        const d = cjsDefaultOf(exports);
        if (d) unpatch(d, version);
        unpatch(exports, version);
      };
    }
  }
  return defs;
}

/** The `mysql` driver's instrumentation, working for `import mysql from 'mysql'` too. */
export class MySQLDefaultExportInstrumentation extends MySQLInstrumentation {
  protected override init(): InstrumentationNodeModuleDefinition[] {
    return alsoPatchDefaultExport(super.init());
  }
}
