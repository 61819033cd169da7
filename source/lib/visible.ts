/**
 * Text that came from outside (token claims, server messages, response bodies, names from a
 * service) made safe to print on a terminal: every control character — C0, DEL and C1, which a
 * terminal would act on (ESC starts colour, cursor and OSC 52 clipboard sequences; CR rewrites
 * the line; BEL, BS…) — is replaced by a visible escape such as `\x1b` or `\u009b`. Printable
 * text, including every non-ASCII letter, is left as it is.
 */

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex
const CONTROLS_BUT_LINES = /\r(?!\n)|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;

function escape(char: string): string {
  const code = char.charCodeAt(0);
  return code < 0x80
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** One line of outside text, every control character (newlines and tabs too) shown visibly. */
export function visible(text: string): string {
  return text.replace(CONTROLS, escape);
}

/** Several lines of outside text: newlines (LF, CRLF) and tabs kept, every other control shown. */
export function visibleText(text: string): string {
  return text.replace(CONTROLS_BUT_LINES, escape);
}

/** Whether text holds a control character a terminal would act on (newlines and tabs aside). */
export const hasControls = (text: string): boolean => visibleText(text) !== text;
