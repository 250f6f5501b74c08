/**
 * What the recording could not see into. A wait on a library that has no spans (a driver timesink does not instrument)
 * is `uninstrumented_wait` on the critical path: the analysis names the libraries the app loaded that may explain it
 * (timesink recordings list them: manifest `processes[].ioLibraries`), and for foreign traces which instrumentations
 * the spans came from, so a reader knows what was and was not covered.
 */
import type { Manifest } from '../../format/recording.js';
import { ioLibrary } from '../../format/io-libraries.js';
import { fmtPct } from '../../format/human.js';
import type { Coverage, CoverageLibrary, Warning } from '../model/analysis.js';
import type { Breakdown } from '../model/categories.js';
import type { Span } from '../model/span.js';

/** Uninstrumented wait below this share of request time "made little difference". */
export const UNINSTRUMENTED_NOTABLE_SHARE = 0.01;
/** Without a list of loaded libraries, the wait alone is worth a sentence from this share on. */
export const UNINSTRUMENTED_WARN_SHARE = 0.05;
/** Scopes listed in analysis.json, most spans first. */
const MAX_SCOPES = 30;

/** Instrumentation scopes of the spans, with how many spans each produced. */
export function scopeCounts(spans: readonly Span[]): { name: string; spans: number }[] {
  const counts = new Map<string, number>();
  let last: string | undefined;
  let run = 0;
  // Spans of one batch mostly share a scope: count runs, touch the map at each change.
  const flush = (): void => {
    if (last !== undefined && run > 0) counts.set(last, (counts.get(last) ?? 0) + run);
  };
  for (const s of spans) {
    const scope = s.scope || undefined;
    if (scope !== last) {
      flush();
      last = scope;
      run = 0;
    }
    run++;
  }
  flush();
  return [...counts]
    .map(([name, n]) => ({ name, spans: n }))
    .sort((a, b) => b.spans - a.spans || a.name.localeCompare(b.name))
    .slice(0, MAX_SCOPES);
}

/** The registry entries of every library a recorded process listed as loaded; undefined when no process listed any. */
function loadedLibraries(manifests: readonly Manifest[]): CoverageLibrary[] | undefined {
  let listed = false;
  const pkgs = new Set<string>();
  for (const m of manifests) {
    for (const p of m.processes ?? []) {
      if (!Array.isArray(p.ioLibraries)) continue;
      listed = true;
      for (const pkg of p.ioLibraries) if (typeof pkg === 'string') pkgs.add(pkg);
    }
  }
  if (!listed) return undefined;
  const out: CoverageLibrary[] = [];
  for (const pkg of [...pkgs].sort()) {
    const lib = ioLibrary(pkg);
    // A newer recorder may know libraries this analyzer does not: listed without a description.
    out.push(lib ? { pkg, what: lib.what, category: lib.category, instrumented: lib.instrumented } : { pkg, what: 'an I/O library', category: 'network', instrumented: false });
  }
  return out;
}

function listing(libs: readonly CoverageLibrary[]): string {
  const named = libs.map((l) => `\`${l.pkg}\` (${l.what})`);
  return named.length <= 1 ? named.join('') : `${named.slice(0, -1).join(', ')} and ${named[named.length - 1]}`;
}

/**
 * The coverage section and the sentences it warrants: one naming the loaded libraries timesink does not instrument
 * with the uninstrumented wait they may explain; or, without such a list, one for a large uninstrumented wait, naming
 * the instrumentations the spans came from.
 */
export function coverageOf(
  manifests: readonly Manifest[],
  spans: readonly Span[],
  breakdown: Breakdown,
  criticalPathMs: number,
): { coverage: Coverage; warnings: Warning[] } {
  const waitMs = breakdown.uninstrumented_wait;
  const share = criticalPathMs > 0 ? waitMs / criticalPathMs : 0;
  const loaded = loadedLibraries(manifests);
  const scopes = scopeCounts(spans);
  const coverage: Coverage = { scopes, uninstrumentedWaitMs: waitMs, uninstrumentedWaitFraction: share };
  if (loaded) coverage.loaded = loaded;
  const warnings: Warning[] = [];
  const blind = (loaded ?? []).filter((l) => !l.instrumented);
  const shareText = fmtPct(share, 1);
  if (blind.length > 0) {
    const them = blind.length === 1 ? 'its calls have no spans, so their waits count' : 'their calls have no spans, so their waits count';
    const verdict =
      share >= UNINSTRUMENTED_NOTABLE_SHARE
        ? `uninstrumented wait is ${shareText} of request time — that may be it.`
        : `uninstrumented wait is only ${shareText} of request time, so it made little difference here.`;
    warnings.push({
      code: 'uninstrumented-library',
      message: `The app loaded ${listing(blind)}, which timesink does not instrument: ${them} as uninstrumented wait; ${verdict}`,
      count: blind.length,
      valueMs: waitMs,
    });
  } else if (share >= UNINSTRUMENTED_WARN_SHARE) {
    const from = scopes.length > 0 ? ` The spans came from ${scopes.slice(0, 8).map((s) => s.name).join(', ')}${scopes.length > 8 ? ', …' : ''}.` : '';
    const why = loaded
      ? 'No I/O library the app loaded is known to lack instrumentation: it may be a child process, a worker thread, a native addon, or a client timesink does not know.'
      : 'A client library without instrumentation (a database driver, a queue or RPC client) looks like this.';
    warnings.push({
      code: 'uninstrumented-wait',
      message: `Requests spent ${shareText} of their time waiting on something no span covers. ${why}${from}`,
      valueMs: waitMs,
    });
  }
  return { coverage, warnings };
}
