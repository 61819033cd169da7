/** Precise JSON error positions, for request files and cloud files alike. */

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
    else fail(`a value (found ${JSON.stringify(text[i])})`);
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

/** `line L, column C: expected …` where the JSON first goes wrong, or undefined when it is valid. */
export function describeJsonError(text: string): string | undefined {
  const error = jsonErrorAt(text);
  if (!error) return undefined;
  const {line, column} = lineColumn(text, error.offset);
  return `line ${line}, column ${column}: expected ${error.expected}`;
}

/** Deeper than this, a request is refused before it is parsed (V8 and our scanner recurse). */
export const MAX_JSON_DEPTH = 1000;

/**
 * Where `[`/`{` nesting first goes deeper than `limit`, scanning without recursion (strings
 * skipped), or undefined when it never does. Safe on any input, however deep.
 */
export function nestingTooDeep(text: string, limit = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // a string: skip to its closing quote
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) {
        if (text.charCodeAt(i) === 0x5c) i++;
      }
    } else if (c === 0x5b || c === 0x7b) {
      depth += 1;
      if (depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) {
      depth -= 1;
    }
  }
  return undefined;
}
