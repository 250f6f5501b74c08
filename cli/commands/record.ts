import { runRecord } from '../../instrumentation/record.js';
import { CliError, EXIT } from '../exit-codes.js';

export interface RecordFlags {
  out?: string;
  profile: boolean;
  profiler: string;
  profileInterval?: string;
  instrumentations?: string;
}

export async function runRecordCommand(command: string[], flags: RecordFlags): Promise<number> {
  if (command.length === 0) throw new CliError('record needs a command after --, e.g. timesink record -- node app.js', EXIT.usage);
  if (flags.profiler !== '0x' && flags.profiler !== 'inspector' && flags.profiler !== 'pprof') {
    throw new CliError(`--profiler is 0x, inspector or pprof, not '${flags.profiler}'`, EXIT.usage);
  }
  let profileIntervalUs: number | undefined;
  if (flags.profileInterval !== undefined) {
    profileIntervalUs = Number(flags.profileInterval);
    if (!Number.isInteger(profileIntervalUs) || profileIntervalUs < 100) {
      throw new CliError(`--profile-interval is a whole number of µs, at least 100, not '${flags.profileInterval}'`, EXIT.usage);
    }
  }
  const instrumentations = flags.instrumentations;
  if (instrumentations !== undefined && instrumentations !== 'lean' && instrumentations !== 'otel') throw new CliError(`--instrumentations is lean or otel, not '${instrumentations}'`, EXIT.usage);
  return runRecord({ command, out: flags.out, profile: flags.profile, profiler: flags.profiler, profileIntervalUs, instrumentations });
}
