/**
 * The runtime every scriptable command runs in: output streams and format, `--debug`, Ctrl-C →
 * exit 130, and the mapping of every failure to one line and its exit code. No Ink, no prompts.
 */
import {CloudError} from '../../azure/clouds';
import {toAppError} from '../../azure/errors';
import {CliError, ExitCode, type ExitCodeValue} from '../exit-codes';
import {cliErrorFromApp, formatFailure, oneLine} from '../failure';
import {colourEnabled, isOutputFormat, makeStyle, type OutputFormat, type Style} from '../output';
import type {EndpointFacts} from '../../profiles/types';
import type {SelectorFlags} from '../selectors';
import {guardStderr, registerSecret} from './secrets';

export interface CommonFlags extends SelectorFlags {
  output?: string;
  debug?: boolean;
}

export class Runtime {
  readonly format: OutputFormat;
  readonly style: Style;
  readonly errStyle: Style;
  readonly debug: boolean;
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  #profileTouch?: () => void;
  /** What the command learned about the profile's endpoint, recorded in it on success. */
  learned?: EndpointFacts;

  constructor(readonly flags: CommonFlags) {
    const format = flags.output ?? 'text';
    if (!isOutputFormat(format)) {
      throw new CliError(
        `--output '${format}' is not a format`,
        ExitCode.usage,
        'use text, json or env',
      );
    }
    this.format = format;
    this.style = makeStyle(colourEnabled(process.stdout, process.env));
    this.errStyle = makeStyle(colourEnabled(process.stderr, process.env));
    this.debug = Boolean(flags.debug);
    this.signal = this.#controller.signal;
  }

  /** Data: stdout. */
  out(text: string): void {
    process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /** Diagnostics and progress: stderr (redacted). */
  note(text: string): void {
    process.stderr.write(`${text}\n`);
  }

  /** With --debug only: a diagnostic line on stderr. */
  trace(text: string): void {
    if (this.debug) this.note(`aml-auth: ${text}`);
  }

  warn(text: string): void {
    this.note(`${this.errStyle.warn('aml-auth: warning:')} ${text}`);
  }

  /** Ctrl-C: cancels every call in flight; the command then exits 130. */
  interrupt(): void {
    this.#controller.abort();
  }

  get interrupted(): boolean {
    return this.signal.aborted;
  }

  onSuccess(fn: () => void): void {
    this.#profileTouch = fn;
  }

  succeeded(): void {
    try {
      this.#profileTouch?.();
    } catch {
      // Recording "last used" is a nicety; it never fails a command.
    }
  }
}

/** Throws the exit-130 error when Ctrl-C was pressed. */
export function throwIfInterrupted(rt: Runtime): void {
  if (rt.interrupted) throw new CliError('interrupted', ExitCode.interrupted);
}

/** Any failure → a CliError with its exit code (AppError kinds, profile and cloud errors). */
export function toCliError(err: unknown, rt?: Runtime): CliError {
  if (err instanceof CliError) return err;
  if (rt?.interrupted) return new CliError('interrupted', ExitCode.interrupted);
  if (err instanceof CloudError) {
    return new CliError(
      err.message,
      ExitCode.usage,
      'use --cloud AzureCloud, AzureChinaCloud, AzureUSGovernment or a cloud JSON file',
    );
  }
  if (isProfileFailure(err)) {
    return new CliError(oneLine(err.message), err.exitCode, err.hint);
  }
  return cliErrorFromApp(toAppError(err, {operation: 'run the command'}));
}

function isProfileFailure(err: unknown): err is Error & {exitCode: 1 | 2; hint: string} {
  return (
    err instanceof Error &&
    err.name === 'ProfileError' &&
    typeof (err as {exitCode?: unknown}).exitCode === 'number'
  );
}

/** Exits once stdout and stderr have flushed (pipes may be asynchronous). */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  process.stdout.write('', () => {
    process.stderr.write('', () => process.exit(code));
  });
}

/**
 * Runs one command: sets up stderr redaction, --debug and Ctrl-C, runs `body`, prints any failure
 * as one line plus hints, and exits with the documented code.
 */
export async function runCommand(
  flags: CommonFlags,
  body: (rt: Runtime) => Promise<ExitCodeValue | void>,
): Promise<void> {
  guardStderr();
  registerSecret(process.env.AZURE_CLIENT_SECRET);
  // Before any Azure SDK module loads (they are imported lazily): the SDK log goes to stderr,
  // through the redaction above.
  if (flags.debug && !process.env.AZURE_LOG_LEVEL) process.env.AZURE_LOG_LEVEL = 'info';

  let rt: Runtime | undefined;
  let interrupts = 0;
  const onSigint = () => {
    interrupts += 1;
    rt?.interrupt();
    if (interrupts > 1) process.exit(ExitCode.interrupted);
    // Whatever is in flight gets a moment to unwind; then we leave regardless.
    setTimeout(() => {
      process.stderr.write('aml-auth: interrupted\n');
      process.exit(ExitCode.interrupted);
    }, 2000).unref();
  };
  process.on('SIGINT', onSigint);

  let code: number;
  try {
    rt = new Runtime(flags);
    code = (await body(rt)) ?? ExitCode.ok;
    if (rt.interrupted) throw new CliError('interrupted', ExitCode.interrupted);
    if (code === ExitCode.ok) rt.succeeded();
  } catch (err) {
    const failure = toCliError(err, rt);
    process.stderr.write(formatFailure(failure));
    if (flags.debug) {
      const cause = (failure as {cause?: unknown}).cause ?? err;
      if (cause instanceof Error && cause.stack) process.stderr.write(`${cause.stack}\n`);
    }
    code = failure.exitCode;
  }
  exitAfterFlush(code);
}
