import {readFile, stat} from 'node:fs/promises';
import {jsonErrorAt, lineColumn, MAX_JSON_DEPTH, nestingTooDeep} from './json';

/**
 * The payload limit of managed online endpoints: 1.5 MB (the contract's 413 note). A larger body
 * is refused before it is sent, unless the caller allows more (`invoke --max-body-size`).
 */
export const MAX_PAYLOAD_BYTES = 1.5 * 1024 * 1024;

export type RequestFileResult =
  | {ok: true; body: string; bytes: number; source: string}
  | {ok: false; problem: string; hint: string};

export interface RequestCheckOptions {
  /** The largest body allowed, in bytes (default MAX_PAYLOAD_BYTES). */
  maxBytes?: number;
}

/** `1.5 MB`, `820 KB`, `12 B`: sizes in the units the limit is documented in (1 MB = 1024² B). */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${Number((bytes / 1024 / 1024).toFixed(1))} MB`;
  if (bytes >= 1024) return `${Number((bytes / 1024).toFixed(1))} KB`;
  return `${bytes} B`;
}

/** `2MB`, `1.5 MB`, `500KB`, `2048` (bytes) → bytes; undefined when it is not a size. */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const scale = unit.startsWith('g')
    ? 1024 ** 3
    : unit.startsWith('m')
      ? 1024 ** 2
      : unit.startsWith('k')
        ? 1024
        : 1;
  const bytes = Math.floor(Number(m[1]) * scale);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}

function tooLarge(source: string, bytes: number, maxBytes: number): RequestFileResult {
  return {
    ok: false,
    problem: `${source} is ${formatSize(bytes)}, over the ${formatSize(maxBytes)} limit: the endpoint would refuse it (413)`,
    hint:
      maxBytes === MAX_PAYLOAD_BYTES
        ? 'managed online endpoints take up to 1.5 MB per request: send smaller batches (for an endpoint with another limit, `aml-auth invoke --max-body-size SIZE` sends more)'
        : 'send smaller batches, or raise --max-body-size',
  };
}

/**
 * Checks a request body before anything is sent: a UTF-8 byte order mark is dropped, then valid
 * JSON (with line and column), not nested too deeply, not over the size limit.
 */
export function validateRequestText(
  raw: string,
  source: string,
  options: RequestCheckOptions = {},
): RequestFileResult {
  // Editors on Windows save UTF-8 with a BOM; it is not part of the JSON and is not sent.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  const bytes = Buffer.byteLength(text);
  const maxBytes = options.maxBytes ?? MAX_PAYLOAD_BYTES;
  if (!text.trim())
    return {
      ok: false,
      problem: `${source} is empty`,
      hint: 'a scoring request is a JSON object, e.g. {"input_data": …}',
    };
  if (bytes > maxBytes) return tooLarge(source, bytes, maxBytes);
  const deep = nestingTooDeep(text);
  if (deep !== undefined) {
    const {line, column} = lineColumn(text, deep);
    return {
      ok: false,
      problem: `${source} is nested too deeply: more than ${MAX_JSON_DEPTH} levels of [ and { (at line ${line}, column ${column})`,
      hint: 'a scoring request is a few levels deep; check how the file was generated',
    };
  }
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
  return {ok: true, body: text, bytes, source};
}

/** Reads and checks a request file: exists, readable, a file, then as `validateRequestText`. */
export async function readRequestFile(
  path: string,
  options: RequestCheckOptions = {},
): Promise<RequestFileResult> {
  let size: number;
  try {
    const info = await stat(path);
    if (!info.isFile())
      return {
        ok: false,
        problem: `${path} is not a file`,
        hint: 'give the path of a JSON request file',
      };
    size = info.size;
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
  const maxBytes = options.maxBytes ?? MAX_PAYLOAD_BYTES;
  // Far over the limit (a BOM is 3 bytes): refused without reading it into memory.
  if (size > maxBytes + 3) return tooLarge(path, size, maxBytes);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return {
      ok: false,
      problem: `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      hint: 'check the file permissions',
    };
  }
  return validateRequestText(text, path, options);
}
