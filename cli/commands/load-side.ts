import { open, readFile, stat } from 'node:fs/promises';
import type { AnalyzeOptions } from '../../analyzer/analyze.js';
import { kindOfHead } from '../../analyzer/ingest/formats.js';
import { SCHEMA_VERSION, type Analysis } from '../../analyzer/model/analysis.js';
import { CliError, EXIT } from '../exit-codes.js';
import type { Progress } from '../progress.js';
import { analyzeInputs } from './analyze.js';

/**
 * Does this file start like an analysis.json (and not like a trace export)? Its first bytes decide it (the formats
 * registry says how an analysis starts): a trace file is not parsed twice to find out.
 */
async function looksLikeAnalysis(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  const fh = await open(path, 'r');
  try {
    const { buffer, bytesRead } = await fh.read(Buffer.alloc(256), 0, 256, 0);
    return kindOfHead(buffer.subarray(0, bytesRead).toString('utf8')) === 'analysis';
  } finally {
    await fh.close();
  }
}

/** One side of `diff`: a saved analysis.json, or any inputs `analyze` accepts. */
export async function loadSide(label: string, path: string, options: AnalyzeOptions, progress: Progress): Promise<Analysis> {
  if (await looksLikeAnalysis(path)) {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Analysis;
    if (parsed.schemaVersion !== SCHEMA_VERSION) {
      throw new CliError(`${path}: analysis schema version ${String(parsed.schemaVersion)}, this timesink reads ${SCHEMA_VERSION}; re-run analyze on the traces`, EXIT.input);
    }
    return parsed;
  }
  progress.stage(`${label}: reading ${path}`);
  return analyzeInputs([path], options, progress);
}
