/**
 * Ingest cost (process CPU time) against the floor (reading the same lines and JSON.parse'ing each, nothing else).
 * Run: npx esbuild bench/ingest-cpu.ts --bundle --platform=node --format=esm \
 *        --packages=external --outfile=/tmp/ingest-cpu.mjs && node /tmp/ingest-cpu.mjs [spans]
 */
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ingest } from '../analyzer/ingest/index.js';
import { buildTraces } from '../analyzer/model/build-traces.js';
import { writeSyntheticOtlpJsonl } from '../analyzer/ingest/testing/synthetic.js';

/** Process CPU milliseconds (user + system): steadier than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export async function parseOnlyMs(path: string): Promise<number> {
  const t0 = cpuMs();
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity })) {
    if (line) n += (JSON.parse(line) as { resourceSpans: unknown[] }).resourceSpans.length;
  }
  if (n < 0) throw new Error('unreachable');
  return cpuMs() - t0;
}

export async function ingestMs(path: string): Promise<{ ms: number; spans: number }> {
  const t0 = cpuMs();
  const r = await ingest([path]);
  return { ms: cpuMs() - t0, spans: r.spans.length };
}

if (process.argv[1]?.endsWith('ingest-cpu.mjs')) {
  const spans = Number(process.argv[2] ?? 1_000_000);
  const dir = mkdtempSync(join(tmpdir(), 'ts-bench-'));
  const path = join(dir, 'spans.jsonl');
  writeSyntheticOtlpJsonl(path, spans);
  const mb = statSync(path).size / 1e6;
  const floor = Math.min(await parseOnlyMs(path), await parseOnlyMs(path));
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const ing = await ingestMs(path);
  const r = await ingest([path]);
  gc?.();
  const heap1 = process.memoryUsage().heapUsed;
  const t0 = cpuMs();
  const traces = buildTraces(r.spans, []);
  const build = cpuMs() - t0;
  console.log(
    JSON.stringify({ spans: ing.spans, fileMB: +mb.toFixed(1), parseOnlyCpuMs: Math.round(floor), ingestCpuMs: Math.round(ing.ms), ratio: +(ing.ms / floor).toFixed(2), heapBytesPerSpan: gc ? Math.round((heap1 - heap0) / r.spans.length) : 'run node --expose-gc', buildTracesCpuMs: Math.round(build), traces: traces.length }),
  );
  rmSync(dir, { recursive: true, force: true });
}
