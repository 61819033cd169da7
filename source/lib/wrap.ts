/**
 * Line breaking for a terminal of `width` columns that never cuts an ID, a path or a command in
 * the middle of a word: text breaks at spaces; a single token longer than the line (an ARM scope,
 * a URL, JSON) breaks after a `/`, `.` or `,` — never inside a GUID or a name — and only when
 * it has none of those, at the width.
 */
export function wrapText(text: string, width: number): string[] {
  const w = Math.max(8, width);
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/ +/).filter(Boolean)) {
    if (line && line.length + 1 + word.length <= w) {
      line += ` ${word}`;
      continue;
    }
    if (line) lines.push(line);
    let rest = word;
    while (rest.length > w) {
      const cut = breakPoint(rest, w);
      lines.push(rest.slice(0, cut));
      rest = rest.slice(cut);
    }
    line = rest;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/** Where a token longer than `w` breaks: after the last separator that fits, else at `w`. */
function breakPoint(token: string, w: number): number {
  const head = token.slice(0, w);
  // Not after a hyphen: GUIDs and resource names have them, and must not break there.
  const at = Math.max(...['/', '.', ','].map((sep) => head.lastIndexOf(sep)));
  return at > 0 ? at + 1 : w;
}

/**
 * A shell command laid out to be copied: whole when it fits, otherwise split at spaces into
 * lines that end in ` \` (a shell continuation), so a copy of all lines runs as one command.
 * Each argument stays whole on its line, however long.
 */
export function commandLines(command: string, width: number): string[] {
  if (command.length <= width) return [command];
  const lines: string[] = [];
  let line = '';
  for (const arg of splitArgs(command)) {
    if (line && line.length + 1 + arg.length + 2 > width) {
      lines.push(`${line} \\`);
      line = `  ${arg}`;
    } else line = line ? `${line} ${arg}` : arg;
  }
  lines.push(line);
  return lines;
}

/** Splits at spaces outside quotes, keeping each quoted argument whole. */
function splitArgs(command: string): string[] {
  return command.match(/(?:[^\s'"]+|'[^']*'|"(?:\\.|[^"\\])*")+/g) ?? [command];
}

/** Whether a line of advice is a shell command a person would copy. */
export const isCommand = (text: string): boolean => /^(az|aml-auth|curl|export)\s/.test(text);
