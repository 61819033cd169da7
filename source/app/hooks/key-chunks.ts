import type {Key} from 'ink';

/**
 * The keys of one input event. Ink hands printable keys that arrived in one read ("gy" typed
 * fast, "3⏎", a paste) to the handler as a single chunk; a screen whose letters are commands
 * splits it here and handles each key in order, so every one of them counts. Anything else (an
 * arrow, a control key, one character) is one key.
 */
export function keysOf(input: string, key: Key): Array<[string, Key]> {
  const chars = [...input];
  if (chars.length <= 1 || key.ctrl || key.meta) return [[input, key]];
  const plain = Object.fromEntries(
    Object.entries(key).map(([name, value]) => [name, typeof value === 'boolean' ? false : value]),
  ) as unknown as Key;
  return chars.map((c): [string, Key] => {
    if (c === '\r' || c === '\n') return ['', {...plain, return: true}];
    if (c === '\t') return ['', {...plain, tab: true}];
    const code = c.codePointAt(0)!;
    // ctrl+a … ctrl+z (ctrl+u clears a field).
    if (code >= 1 && code <= 26) return [String.fromCodePoint(code + 96), {...plain, ctrl: true}];
    return [c, {...plain, shift: /[A-Z]/.test(c)}];
  });
}
