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

/**
 * Where JSON first goes wrong, and what was expected there. V8's own messages only sometimes
 * carry a position ("Unexpected token ']', ..." does not), so the text is scanned here.
 */
export function jsonErrorAt(text: string): {offset: number; expected: string} | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (expected: string): never => {
    throw {offset: i, expected};
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail(`a value (found ${JSON.stringify(text[i] ?? 'end of input')})`);
  };
  const string = () => {
    i++; // opening quote
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('a closing quote (strings cannot span lines)');
      i++;
    }
    if (i >= text.length) fail('a closing quote');
    i++;
  };
  const number = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('a number');
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return void i++;
      for (;;) {
        ws();
        if (text[i] !== '"')
          fail(
            text[i] === '}' ? 'another key (no trailing comma before })' : 'a key in double quotes',
          );
        string();
        ws();
        if (text[i] !== ':') fail("':' after the key");
        i++;
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') return void i++;
        fail("',' or '}'");
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return void i++;
      for (;;) {
        ws();
        if (text[i] === ']') fail('another value (no trailing comma before ])');
        value();
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') return void i++;
        fail("',' or ']'");
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    fail(`a value (found ${c === undefined ? 'end of input' : JSON.stringify(c)})`);
  };
  try {
    value();
    ws();
    if (i < text.length) fail('end of input (extra text after the JSON)');
    return undefined;
  } catch (err) {
    if (typeof err === 'object' && err && 'offset' in err)
      return err as {offset: number; expected: string};
    throw err;
  }
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
