import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ingest } from '../../analyzer/ingest/index.js';
import { analyze, type AnalyzeOptions } from '../../analyzer/analyze.js';
import type { Analysis } from '../../analyzer/model/analysis.js';
import { renderReport } from '../../viewer/render.js';
import { CliError, EXIT } from '../exit-codes.js';
import { evaluateGates, parseGates, type Gate } from '../fail-on.js';
import { markdownSummary } from '../markdown.js';
import { createProgress, type Progress } from '../progress.js';
import { plural } from '../../format/human.js';
import { terminalSummary } from '../summary.js';
import { parseTimeArg } from '../time-arg.js';
import { openInBrowser } from '../open.js';

export interface AnalyzeFlags {
  output: string;
  html: boolean;
  json?: string;
  markdown?: string;
  service?: string;
  endpoint?: string;
  since?: string;
  until?: string;
  top: string;
  failOn: string[];
  open?: boolean;
  quiet?: boolean;
  redact: boolean;
}

function toOptions(flags: AnalyzeFlags): AnalyzeOptions {
  const top = Number(flags.top);
  if (!Number.isInteger(top) || top < 1) throw new CliError(`--top takes a whole number >= 1, not '${flags.top}'`, EXIT.usage);
  const time = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    try {
      return parseTimeArg(v);
    } catch (e) {
      throw new CliError(`--${name}: ${(e as Error).message}`, EXIT.usage);
    }
  };
  return {
    service: flags.service,
    endpoint: flags.endpoint,
    sinceUs: time('since', flags.since),
    untilUs: time('until', flags.until),
    top,
    redact: flags.redact,
  };
}

/** Read inputs and analyze them: shared by `analyze` and `diff`. */
export async function analyzeInputs(inputs: string[], options: AnalyzeOptions, progress: Progress): Promise<Analysis> {
  progress.stage('reading inputs');
  const data = await ingest(inputs, { onProgress: (done, total) => progress.bytes(done, total) });
  if (data.spans.length === 0 && data.profiles.length === 0) {
    throw new CliError(`no spans or profiles found in ${inputs.join(', ')}`, EXIT.input);
  }
  progress.stage(`analyzing ${plural(data.spans.length, 'span')}`);
  // `data` dies with this call: redaction may change its spans in place rather than copy them.
  const analysis = analyze(data, { ...options, redactInPlace: true });
  progress.done();
  return analysis;
}

export async function runAnalyze(inputs: string[], flags: AnalyzeFlags): Promise<number> {
  // Parse the gates before the (possibly long) analysis so a typo fails fast.
  let gates: Gate[];
  try {
    gates = parseGates(flags.failOn);
  } catch (e) {
    throw new CliError((e as Error).message, EXIT.usage);
  }
  const options = toOptions(flags);
  const progress = createProgress({ quiet: Boolean(flags.quiet) });
  const analysis = await analyzeInputs(inputs, options, progress);

  const jsonToStdout = flags.json === '-';
  const say = (text: string): void => {
    if (flags.quiet) return;
    (jsonToStdout ? process.stderr : process.stdout).write(text + '\n');
  };

  let reportPath: string | undefined;
  if (flags.html) {
    reportPath = resolve(flags.output);
    await writeFile(reportPath, renderReport(analysis));
  }
  if (flags.json !== undefined) {
    const text = JSON.stringify(analysis, null, jsonToStdout ? 0 : 2) + '\n';
    if (jsonToStdout) process.stdout.write(text);
    else await writeFile(flags.json, text);
  }
  if (flags.markdown !== undefined) await writeFile(flags.markdown, markdownSummary(analysis, { top: 5 }));

  say(terminalSummary(analysis, { top: Math.min(5, options.top ?? 5), reportPath }));
  if (flags.open && reportPath) openInBrowser(reportPath);

  const held = evaluateGates(analysis, gates).filter((r) => r.held);
  if (held.length > 0) {
    for (const r of held) process.stderr.write(`[timesink] --fail-on '${r.gate.source}' held: ${r.actual}\n`);
    return EXIT.gate;
  }
  return EXIT.ok;
}
