import {render} from 'ink-testing-library';
import type {ReactElement} from 'react';

export const keys = {
  enter: '\r',
  escape: '\u001B',
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  tab: '\t',
  backspace: '\u007F',
  ctrl: (c: string) => String.fromCharCode(c.toUpperCase().charCodeAt(0) - 64),
};

// ink-testing-library's stdout has 100 columns and no rows, so Ink falls back to the size of
// whatever terminal the test process can find: give it a fixed one (COLUMNS and LINES are the
// fallback it reads), tall enough for every screen, so frames do not depend on the machine.
process.env.COLUMNS ??= '100';
process.env.LINES ??= '48';

/** Renders a tree and gives helpers that wait for a frame before each key press. */
export function renderApp(tree: ReactElement) {
  const app = render(tree);
  const frame = () => app.lastFrame() ?? '';
  async function waitFor(
    predicate: (frame: string) => boolean,
    what: string,
    timeoutMs = 3000,
  ): Promise<string> {
    const start = Date.now();
    for (;;) {
      const f = frame();
      if (predicate(f)) {
        // A frame is written on commit; the screen's input handler for that state is attached in
        // an effect just after. Give it a moment, as a person would, before the next key.
        await new Promise((r) => setTimeout(r, 60));
        return frame();
      }
      if (Date.now() - start > timeoutMs)
        throw new Error(`timed out waiting for ${what}; last frame:\n${f}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  const waitForText = (text: string | RegExp, timeoutMs?: number) =>
    waitFor(
      (f) => (typeof text === 'string' ? f.includes(text) : text.test(f)),
      String(text),
      timeoutMs,
    );
  async function press(...input: string[]) {
    for (const k of input) {
      app.stdin.write(k);
      // Let Ink parse the key (escape sequences need a tick) and React commit the update.
      await new Promise((r) => setTimeout(r, 25));
    }
  }
  async function type(text: string) {
    for (const ch of text) await press(ch);
  }
  return {...app, frame, waitFor, waitForText, press, type};
}
