#!/usr/bin/env node
// Stand-in subject while the CLI is not built: only the analyzer's ingest step (dist/analyzer.js), then, when the
// library exports it, analyze(). Prints span counts so the harness can check nothing was lost.
//   node bench/ingest-only.mjs FILE...
const lib = await import(new URL('../dist/analyzer.js', import.meta.url).href);
const files = process.argv.slice(2);
const data = await lib.ingest(files, {});
const out = { spans: data.spans.length, partial: data.partial, warnings: data.warnings.length };
if (typeof lib.analyze === 'function') {
  const analysis = lib.analyze(data, { redactInPlace: true }); // as the CLI: `data` is not used after
  out.analyzed = true;
  out.traces = analysis.summary?.traces;
}
console.log(JSON.stringify(out));
