/**
 * Output of the scriptable commands: the three formats (`text` for people, `json` with a stable
 * camelCase schema, `env` as `export NAME='value'` lines for `eval`), shell quoting and colour.
 * Pure: nothing here writes anywhere.
 */
import {shellQuote} from '../lib/shell';
import {visible} from '../lib/visible';

export {shellQuote};

/** The formats of a command's result value, as az names them; `--query` applies to these. */
export const DATA_FORMATS = ['json', 'jsonc', 'tsv', 'table', 'yaml', 'none'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

/** Every `-o`: text (the default, for people), az's data formats, and env where a command has it. */
export const OUTPUT_FORMATS = ['text', ...DATA_FORMATS, 'env'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const isDataFormat = (value: string): value is DataFormat =>
  (DATA_FORMATS as readonly string[]).includes(value);

export function isOutputFormat(value: unknown): value is OutputFormat {
  return typeof value === 'string' && (OUTPUT_FORMATS as readonly string[]).includes(value);
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export type EnvValue = string | number | boolean | null | undefined;

/**
 * `export NAME='value'` lines, one per variable, in the order given. `null`/`undefined` values are
 * left out (the variable is not exported), so a script can test `[ -n "${X-}" ]`.
 */
export function envLines(vars: Record<string, EnvValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(vars)) {
    if (!ENV_NAME.test(name)) throw new Error(`'${name}' is not a valid environment variable name`);
    if (value === null || value === undefined) continue;
    out += `export ${name}=${shellQuote(String(value))}\n`;
  }
  return out;
}

/** The JSON document of a command: two-space indented, one trailing newline. */
export function jsonDocument(value: unknown): string {
  // JSON.stringify escapes C0 controls but leaves DEL and C1 (U+009B is CSI) raw: escaped too,
  // the same JSON value, so a document on a terminal cannot drive it.
  return `${JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}\n`;
}

/** Epoch seconds of an epoch-milliseconds time (the unit JWT `exp` and Azure ML use). */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);

/** ISO-8601 (UTC) of an epoch-milliseconds time, or null. */
export const isoTime = (ms: number | undefined): string | null =>
  ms === undefined || !Number.isFinite(ms) ? null : new Date(ms).toISOString();

/** `{name: ISO, nameEpoch: seconds}` under the name given; nulls when the time is unknown. */
export function timePair<K extends string>(
  name: K,
  ms: number | undefined,
): Record<K, string | null> & Record<`${K}Epoch`, number | null> {
  const known = ms !== undefined && Number.isFinite(ms);
  return {
    [name]: known ? new Date(ms).toISOString() : null,
    [`${name}Epoch`]: known ? epochSeconds(ms) : null,
  } as Record<K, string | null> & Record<`${K}Epoch`, number | null>;
}

/** Milliseconds rounded to one decimal, for latencies in text and env lines. */
export const roundMs = (ms: number): number => Math.round(ms * 10) / 10;
/** Hundredths of a millisecond, for JSON: a loopback request takes a fraction of one. */
export const roundMsFine = (ms: number): number => Math.round(ms * 100) / 100;

export interface Style {
  ok(text: string): string;
  bad(text: string): string;
  warn(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const sgr = (open: number, close: number) => (text: string) =>
  `\u001b[${open}m${text}\u001b[${close}m`;

const PLAIN: Style = {
  ok: (t) => t,
  bad: (t) => t,
  warn: (t) => t,
  dim: (t) => t,
  bold: (t) => t,
};

const COLOUR: Style = {
  ok: sgr(32, 39),
  bad: sgr(31, 39),
  warn: sgr(33, 39),
  dim: sgr(2, 22),
  bold: sgr(1, 22),
};

/**
 * Colour only for a terminal that wants it: the stream is a TTY, `NO_COLOR` is unset or empty
 * (no-color.org), and TERM is not `dumb`. `FORCE_COLOR` (non-zero) turns it on anyway.
 */
export function colourEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0')
    return true;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export const makeStyle = (colour: boolean): Style => (colour ? COLOUR : PLAIN);

/** Left-aligned two-column lines: `  label   value`. */
export function rows(pairs: [string, string][], indent = '  '): string {
  const width = Math.max(0, ...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${indent}${label.padEnd(width)}  ${value}`).join('\n');
}

/**
 * A plain table with a header row; columns padded to the widest cell (no colour inside). Cells
 * are often names from a service: control characters in them are shown, not sent.
 */
export function table(header: string[], rawBody: string[][]): string {
  const body = rawBody.map((row) => row.map(visible));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), ...body.map(line)].join('\n');
}
