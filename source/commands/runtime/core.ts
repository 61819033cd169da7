/**
 * The runtime every scriptable command runs in: output streams and format, `--debug`, Ctrl-C →
 * exit 130, and the mapping of every failure to one line and its exit code. No Ink, no prompts.
 */
import {CloudError} from '../../azure/clouds';
import {toAppError} from '../../azure/errors';
import {CliError, ExitCode, type ExitCodeValue} from '../exit-codes';
import {cliErrorFromApp, formatFailure, oneLine} from '../failure';
import {jsoncOutput, sortKeysDeep, tableOutput, tsvOutput} from '../formats';
import {
  colourEnabled,
  isOutputFormat,
  jsonDocument,
  makeStyle,
  type OutputFormat,
  type Style,
} from '../output';
import type {EndpointFacts} from '../../profiles/types';
import type {SelectorFlags} from '../selectors';
import {guardStderr, registerSecret} from './secrets';

export interface CommonFlags extends SelectorFlags {
  output?: string;
  /** A JMESPath expression applied to the result value before it is formatted (as az's). */
  query?: string;
  debug?: boolean;
}

/** The libraries the data formats need, loaded before the command runs (only when used). */
export interface OutputTools {
  search?: (data: unknown, expression: string) => unknown;
  compile?: (expression: string) => unknown;
  yaml?: (value: unknown) => string;
}

/** How a command renders its result for the formats that are not the value itself. */
export interface Renderers {
  /** `-o text`, for people. */
  text: () => string;
  /** `-o env`: `export NAME='value'` lines, for the commands that have them. */
  env?: () => string;
}

const QUERY_FORMATS = 'use -o json, jsonc, tsv, table or yaml (without -o, --query prints json)';

/** Loads jmespath (for --query) and yaml (for -o yaml) only when the flags ask for them. */
export async function loadOutputTools(flags: CommonFlags): Promise<OutputTools> {
  const tools: OutputTools = {};
  if (flags.query !== undefined) {
    const jmespath = (await import('jmespath')) as unknown as {
      search: OutputTools['search'];
      compile: OutputTools['compile'];
      default?: {search: OutputTools['search']; compile: OutputTools['compile']};
    };
    const lib = jmespath.default ?? jmespath;
    tools.search = lib.search;
    tools.compile = lib.compile;
  }
  if (flags.output === 'yaml') {
    type Yaml = typeof import('yaml');
    const mod = (await import('yaml')) as Yaml & {default?: Yaml};
    const {stringify} = mod.default ?? mod;
    tools.yaml = (value) => stringify(value, {lineWidth: 0});
  }
  return tools;
}

export class Runtime {
  readonly format: OutputFormat;
  /** The --query expression, checked before the command ran. */
  readonly query?: string;
  readonly colour: boolean;
  readonly style: Style;
  readonly errStyle: Style;
  readonly debug: boolean;
  readonly signal: AbortSignal;
  readonly #controller = new AbortController();
  #profileTouch?: () => void;
  /** What the command learned about the profile's endpoint, recorded in it on success. */
  learned?: EndpointFacts;

  constructor(
    readonly flags: CommonFlags,
    readonly tools: OutputTools = {},
  ) {
    const query = flags.query;
    // As az: without -o, a --query result is JSON.
    const format = flags.output ?? (query !== undefined ? 'json' : 'text');
    if (!isOutputFormat(format)) {
      throw new CliError(
        `--output '${format}' is not a format`,
        ExitCode.usage,
        'use text, json, jsonc, tsv, table, yaml, none or env',
      );
    }
    this.format = format;
    if (query !== undefined) {
      if (format === 'text' || format === 'env') {
        throw new CliError(
          `--query selects from the result value; -o ${format} is not one`,
          ExitCode.usage,
          QUERY_FORMATS,
        );
      }
      if (query.trim() === '')
        throw new CliError('--query is empty', ExitCode.usage, 'e.g. --query accessToken');
      try {
        tools.compile?.(query);
      } catch (err) {
        throw new CliError(
          `--query '${query}' is not a JMESPath expression: ${err instanceof Error ? err.message : String(err)}`,
          ExitCode.usage,
          'see https://jmespath.org/tutorial.html, e.g. --query accessToken or --query "[].name"',
        );
      }
      this.query = query;
    }
    this.colour = colourEnabled(process.stdout, process.env);
    this.style = makeStyle(this.colour);
    this.errStyle = makeStyle(colourEnabled(process.stderr, process.env));
    this.debug = Boolean(flags.debug);
    this.signal = this.#controller.signal;
  }

  /** Data: stdout. */
  out(text: string): void {
    process.stdout.write(text.endsWith('\n') || text === '' ? text : `${text}\n`);
  }

  /**
   * The one way a command prints its result: `value` is the JSON-able result (the documented
   * schema); `render.text` is for people and `render.env` for `-o env`. `--query` selects from the
   * value; json, jsonc, tsv, table and yaml format what it selected; none prints nothing.
   */
  emit(value: unknown, render: Renderers): void {
    if (this.format === 'text') return this.out(render.text());
    if (this.format === 'env') {
      if (!render.env) {
        throw new CliError(
          'this command has no -o env output',
          ExitCode.usage,
          'use -o json, tsv or yaml (and --query to pick a field)',
        );
      }
      return this.out(render.env());
    }
    if (this.format === 'none') return;
    // As az: tsv lays out a result's objects with sorted keys, table sorts columns without a
    // --query; an object a query builds keeps the query's order (formats.ts).
    const sorted = this.format === 'tsv' || (this.format === 'table' && this.query === undefined);
    const selected = this.select(value, sorted);
    // As az: a result of null prints nothing in any format.
    if (selected === null || selected === undefined) return;
    switch (this.format) {
      case 'json':
        return this.out(jsonDocument(selected));
      case 'jsonc':
        return this.out(jsoncOutput(selected, this.colour));
      case 'tsv':
        return this.out(tsvOutput(selected));
      case 'table':
        return this.out(tableOutput(selected));
      case 'yaml':
        return this.out(this.tools.yaml!(selected));
    }
  }

  /** The value as its JSON document holds it, with --query applied. */
  select(value: unknown, sortKeys = false): unknown {
    const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
    const doc = sortKeys ? sortKeysDeep(plain) : plain;
    if (this.query === undefined) return doc;
    try {
      return this.tools.search!(doc, this.query);
    } catch (err) {
      throw new CliError(
        `--query '${this.query}' failed on the result: ${err instanceof Error ? err.message : String(err)}`,
        ExitCode.usage,
        'the result schema is in the README ("JSON schemas"); -o json without --query shows it',
      );
    }
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
      'use --cloud AzureCloud, AzureChinaCloud, AzureUSGovernment, a cloud registered with az cloud register, or a cloud JSON file (ours or az cloud show > cloud.json)',
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
    rt = new Runtime(flags, await loadOutputTools(flags));
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
