/** Exit codes of every aml-auth command (documented in --help and the README). */
export const ExitCode = {
  ok: 0,
  failure: 1,
  usage: 2,
  authentication: 3,
  permissionDenied: 4,
  notFound: 5,
  endpointError: 6,
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** An error a command reports in one line, with a hint and the exit code it maps to. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCodeValue,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const EXIT_CODE_HELP = `Exit codes:
  0    success
  1    unexpected failure
  2    usage or bad input
  3    authentication needed or failed
  4    permission denied
  5    not found
  6    the endpoint answered with a non-2xx status
  130  interrupted`;
