import {readFile, stat} from 'node:fs/promises';

/** The documented payload limit of managed online endpoints. */
export const MAX_PAYLOAD_BYTES = 1.5 * 1024 * 1024;

export type RequestFileResult =
  | {ok: true; body: string; bytes: number; warning?: string; source: string}
  | {ok: false; problem: string; hint: string};

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return {line, column: offset - before.lastIndexOf('\n')};
}

/** The offset V8 names in a JSON.parse error ("… at position 12" or "(line 2 column 5)"). */
function errorOffset(message: string, text: string): number | undefined {
  const pos = /at position (\d+)/.exec(message);
  if (pos) return Number(pos[1]);
  const lc = /line (\d+) column (\d+)/.exec(message);
  if (lc) {
    const lines = text.split('\n');
    return (
      lines.slice(0, Number(lc[1]) - 1).reduce((n, l) => n + l.length + 1, 0) + Number(lc[2]) - 1
    );
  }
  if (/Unexpected end of JSON input/.test(message)) return text.length;
  return undefined;
}

/** Checks a request body before anything is sent: valid JSON (with line and column), size. */
export function validateRequestText(text: string, source: string): RequestFileResult {
  const bytes = Buffer.byteLength(text);
  if (!text.trim())
    return {
      ok: false,
      problem: `${source} is empty`,
      hint: 'a scoring request is a JSON object, e.g. {"input_data": …}',
    };
  try {
    JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const offset = errorOffset(message, text);
    const where =
      offset === undefined
        ? ''
        : (({line, column}) => ` at line ${line}, column ${column}`)(lineColumn(text, offset));
    return {
      ok: false,
      problem: `${source} is not valid JSON${where}: ${message.replace(/^JSON\.parse: /, '').replace(/ in JSON at position \d+.*$/, '')}`,
      hint: 'fix the JSON (a trailing comma or a missing quote is the usual cause)',
    };
  }
  const warning =
    bytes > MAX_PAYLOAD_BYTES
      ? `${source} is ${(bytes / 1024 / 1024).toFixed(1)} MB: managed online endpoints refuse payloads over 1.5 MB (413)`
      : undefined;
  return {ok: true, body: text, bytes, source, ...(warning ? {warning} : {})};
}

/** Reads and checks a request file: exists, readable, a file, valid JSON, size. */
export async function readRequestFile(path: string): Promise<RequestFileResult> {
  try {
    const info = await stat(path);
    if (!info.isFile())
      return {
        ok: false,
        problem: `${path} is not a file`,
        hint: 'give the path of a JSON request file',
      };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      return {
        ok: false,
        problem: `${path} does not exist`,
        hint: 'check the path (try assets/sample-request.json)',
      };
    return {
      ok: false,
      problem: `${path} cannot be read (${code})`,
      hint: 'check the file permissions',
    };
  }
  try {
    return validateRequestText(await readFile(path, 'utf8'), path);
  } catch (err) {
    return {
      ok: false,
      problem: `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      hint: 'check the file permissions',
    };
  }
}
