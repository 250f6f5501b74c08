/** Exit codes are a contract for CI scripts; `timesink --help` prints this table. */
export const EXIT = {
  ok: 0,
  /** Bad flags or arguments (commander's own errors use 1 too). */
  usage: 1,
  /** An input could not be read at all (missing, unknown format, no spans anywhere). */
  input: 2,
  /** `analyze --fail-on`: a gate condition held. */
  gate: 3,
  /** `diff --fail-on-regression`: the after side is worse. */
  regression: 4,
  /** A bug in timesink; rerun with --debug for the stack. */
  internal: 70,
} as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0   success
  1   usage error (unknown flag, bad argument)
  2   input error: a file is missing, unreadable or not a trace/profile timesink knows
  3   analyze --fail-on: a gate condition held
  4   diff --fail-on-regression: the after side regressed
  70  internal error (rerun with --debug for the stack trace)`;

/** An error whose message is meant for the user as is, with the exit code to use. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
