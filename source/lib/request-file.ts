import {readFile, stat} from 'node:fs/promises';
import {jsonErrorAt, lineColumn} from './json';

/** The documented payload limit of managed online endpoints. */
export const MAX_PAYLOAD_BYTES = 1.5 * 1024 * 1024;

export type RequestFileResult =
  | {ok: true; body: string; bytes: number; warning?: string; source: string}
  | {ok: false; problem: string; hint: string};

/** Checks a request body before anything is sent: valid JSON (with line and column), size. */
export function validateRequestText(text: string, source: string): RequestFileResult {
  const bytes = Buffer.byteLength(text);
  if (!text.trim())
    return {
      ok: false,
      problem: `${source} is empty`,
      hint: 'a scoring request is a JSON object, e.g. {"input_data": …}',
    };
  const error = jsonErrorAt(text);
  if (error) {
    const {line, column} = lineColumn(text, error.offset);
    return {
      ok: false,
      problem: `${source} is not valid JSON at line ${line}, column ${column}: expected ${error.expected}`,
      hint: 'fix the JSON (a trailing comma or a missing quote is the usual cause)',
    };
  }
  try {
    JSON.parse(text);
  } catch (err) {
    // Something the scanner let through (an invalid escape, say): V8's words are all we have.
    return {
      ok: false,
      problem: `${source} is not valid JSON: ${(err as Error).message}`,
      hint: 'fix the JSON',
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
