import { Command, Option } from 'commander';
import { TRACE_FORMAT_LABELS } from '../analyzer/ingest/formats.js';
import { InputError } from '../analyzer/ingest/types.js';
import { VERSION } from '../format/version.js';
import { runAnalyze, type AnalyzeFlags } from './commands/analyze.js';
import { runCollect, type CollectFlags } from './commands/collect.js';
import { runDiff, type DiffFlags } from './commands/diff.js';
import { runRecordCommand, type RecordFlags } from './commands/record.js';
import { CliError, EXIT, EXIT_CODES_HELP } from './exit-codes.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function debugEnabled(): boolean {
  return process.argv.includes('--debug') || process.env.TIMESINK_DEBUG === '1';
}

/** Turn any failure into one line a person understands and the documented exit code. */
function fail(error: unknown): never {
  if (debugEnabled() && error instanceof Error) process.stderr.write(`${error.stack ?? error.message}\n`);
  if (error instanceof CliError) {
    process.stderr.write(`timesink: ${error.message}\n`);
    process.exit(error.exitCode);
  }
  if (error instanceof InputError) {
    process.stderr.write(`timesink: ${error.message}\n`);
    process.exit(EXIT.input);
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`timesink: internal error: ${message}${debugEnabled() ? '' : ' (rerun with --debug for details)'}\n`);
  process.exit(EXIT.internal);
}

async function run(action: () => Promise<number>): Promise<void> {
  try {
    process.exitCode = await action();
  } catch (e) {
    fail(e);
  }
}

export function buildProgram(): Command {
  const program = new Command('timesink')
    .description('Is your slow service waiting or computing, and what should you change first?')
    .version(VERSION)
    .option('--debug', 'print stack traces on errors')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions();

  program
    .command('record')
    .description('run a Node.js command with timesink recording: spans, on-thread time, runtime facts and a CPU profile')
    .argument('<command...>', 'the command to run, after --, e.g. -- node app.js')
    .option('-o, --out <dir>', 'recording directory (default ./timesink-<yyyymmdd-hhmmss>, or $TIMESINK_OUT)')
    .option('--no-profile', 'skip the CPU profile')
    .addOption(new Option('--profiler <name>', 'CPU profiler').choices(['0x', 'inspector', 'pprof']).default('0x'))
    .option('--profile-interval <us>', "CPU profile sampling interval in µs, >= 100 (default: V8's 1000; coarser costs less, resolves less)")
    .addOption(
      new Option('--instrumentations <source>', "who makes the spans: timesink's lean sources where they exist, else OpenTelemetry's (lean); OpenTelemetry's for everything (otel); default $TIMESINK_INSTRUMENTATIONS, else lean")
        .choices(['lean', 'otel']),
    )
    .passThroughOptions()
    .action((command: string[], flags: RecordFlags) => run(() => runRecordCommand(command, flags)));

  program
    .command('analyze')
    .description(`analyze recordings and trace files (${TRACE_FORMAT_LABELS.join(', ')} JSON; profiles) and write a report`)
    .argument('<inputs...>', 'recording directories, trace files (.json, .jsonl, .gz) or folders of them')
    .option('-o, --output <file>', 'HTML report to write', 'timesink-report.html')
    .option('--no-html', 'do not write the HTML report')
    .option('--json <file>', "write analysis.json ('-' for stdout)")
    .option('--markdown <file>', 'write a summary that fits a pull-request comment')
    .option('--service <name>', 'only requests served by this service')
    .option('--endpoint <name>', "only this endpoint (e.g. 'GET /orders')")
    .option('--since <time>', 'only requests that started at or after this time (ISO, epoch ms, or 15m/2h ago)')
    .option('--until <time>', 'only requests that started before this time')
    .option('--top <n>', 'how many fixes to keep', '10')
    .option('--fail-on <expr>', "exit 3 when this holds: 'queued>20%', 'db>40ms', 'p95>300ms', 'fix:n-plus-one', 'fix:any>10%' (repeatable)", collect, [])
    .option('--no-redact', 'keep SQL literals and URL query strings in the report (they are redacted by default)')
    .option('--open', 'open the report in a browser')
    .option('-q, --quiet', 'print nothing but errors and gate failures')
    .action((inputs: string[], flags: AnalyzeFlags) => run(() => runAnalyze(inputs, flags)));

  program
    .command('diff')
    .description('compare two analyses (analysis.json files or trace inputs): did the change buy what the report predicted?')
    .argument('<before>', 'analysis.json, recording directory or trace file')
    .argument('<after>', 'analysis.json, recording directory or trace file')
    .option('-o, --output <file>', 'HTML diff report to write', 'timesink-diff.html')
    .option('--no-html', 'do not write the HTML report')
    .option('--json <file>', "write the diff as JSON ('-' for stdout)")
    .option('--fail-on-regression', 'exit 4 when the after side is worse')
    .option('--no-redact', 'keep SQL literals and URL query strings')
    .option('-q, --quiet', 'print nothing but errors')
    .action((before: string, after: string, flags: DiffFlags) => run(() => runDiff(before, after, flags)));

  program
    .command('collect')
    .description('receive OTLP/HTTP traces (JSON or protobuf) from any service and write a recording; Ctrl-C to finish')
    .option('-p, --port <port>', 'port to listen on', '4318')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('-o, --out <dir>', 'recording directory (default ./timesink-<yyyymmdd-hhmmss>)')
    .action((flags: CollectFlags) => run(() => runCollect(flags)));

  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch(fail);
