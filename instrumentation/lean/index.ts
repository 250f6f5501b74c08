/**
 * The lean span sources: one entry per library they cover, and the names of the fallback OpenTelemetry
 * instrumentations (instrumentations.ts) each one replaces. Libraries not listed here keep their OpenTelemetry
 * contrib instrumentation; `TIMESINK_INSTRUMENTATIONS=otel` (`record --instrumentations otel`) uses those for
 * everything. Adding a lean source is one file and one line here.
 */
import type { Instrumentation } from '@opentelemetry/instrumentation';
import { warnOnce } from '../warn.js';
import { installHttpClient } from './http-client.js';
import { installHttpServer } from './http-server.js';
import type { LeanTracer } from './lean-tracer.js';
import { LeanPgInstrumentation } from './pg.js';
import { installUndici } from './undici.js';

export interface LeanSource {
  name: string;
  /** Names in instrumentations.ts' fallback list this source replaces. */
  replaces: readonly string[];
  /** Subscribes or patches; returns the module-load hooks to register, if it patches a package. */
  install(tracer: LeanTracer): Instrumentation | void;
}

export const LEAN_SOURCES: readonly LeanSource[] = [
  {
    name: 'http',
    replaces: ['http'],
    install: (t) => {
      installHttpServer(t);
      installHttpClient(t);
    },
  },
  { name: 'undici', replaces: ['undici'], install: installUndici },
  { name: 'pg', replaces: ['pg'], install: (t) => new LeanPgInstrumentation(t) },
];

export interface InstalledLean {
  /** Fallback instrumentations not to enable: a lean source covers them. */
  replaced: Set<string>;
  /** Module-load hooks to register with the tracer provider. */
  instrumentations: Instrumentation[];
}

/** Installs every lean source; one that fails to install leaves its libraries to the fallback. */
export function installLeanSources(tracer: LeanTracer, sources: readonly LeanSource[] = LEAN_SOURCES): InstalledLean {
  const out: InstalledLean = { replaced: new Set(), instrumentations: [] };
  for (const source of sources) {
    try {
      const hooks = source.install(tracer);
      if (hooks) out.instrumentations.push(hooks);
      for (const r of source.replaces) out.replaced.add(r);
    } catch (err) {
      warnOnce(`lean-install-${source.name}`, `the lean ${source.name} instrumentation failed to load (${(err as Error).message}); using OpenTelemetry's`);
    }
  }
  return out;
}
