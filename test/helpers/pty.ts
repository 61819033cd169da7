import xterm from '@xterm/headless';
import * as pty from 'node-pty';
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const {Terminal} = xterm;
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export {keys as KEY} from './ink';

export interface PtyApp {
  /** The visible screen, one string per row, trailing spaces trimmed. */
  screen(): string;
  /** Only the rows the terminal shows now (no scrollback), one string per row. */
  viewport(): string;
  waitForText(text: string | RegExp, timeoutMs?: number): Promise<string>;
  press(...keys: string[]): Promise<void>;
  /** Writes all keys in one write, as key repeat, a paste or a busy terminal delivers them. */
  burst(...keys: string[]): Promise<void>;
  type(text: string): Promise<void>;
  /** Resolves when the app exits; rejects with the screen if it does not within the time. */
  exited: (timeoutMs?: number) => Promise<{exitCode: number; signal?: number}>;
  kill(signal?: string): void;
  /** Resizes the terminal (the app gets SIGWINCH, as when a window is dragged smaller). */
  resize(cols: number, rows: number): void;
  /** Everything the program wrote, raw (escape sequences included). */
  raw(): string;
}

/**
 * Variables the child never inherits unless a test passes them: CI (the app must not depend on
 * the machine the tests run on), and a desktop session's D-Bus or display would let the CLI reach the developer's real keyring. A test that
 * wants a keyring passes its own private bus (test/helpers/keyring.ts).
 */
const NOT_INHERITED = new Set([
  'CI',
  'CONTINUOUS_INTEGRATION',
  'DBUS_SESSION_BUS_ADDRESS',
  'DISPLAY',
  'WAYLAND_DISPLAY',
]);

/** The built CLI in a real pseudo-terminal, read through a headless terminal emulator. */
export function spawnCli(
  args: string[],
  opts: {env?: Record<string, string>; cols?: number; rows?: number} = {},
): PtyApp {
  if (!existsSync(CLI))
    throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does).`);
  const cols = opts.cols ?? 100;
  const rows = opts.rows ?? 32;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !NOT_INHERITED.has(k)) env[k] = v;
  }
  Object.assign(env, {TERM: 'xterm-256color', FORCE_COLOR: '0'}, opts.env ?? {});
  const term = new Terminal({cols, rows, allowProposedApi: true});
  // AML_AUTH_TEST_NODE runs the CLI on another Node (e.g. 22) while the tests run on this one.
  const child = pty.spawn(process.env.AML_AUTH_TEST_NODE ?? process.execPath, [CLI, ...args], {
    name: 'xterm-256color',
    cols,
    rows,
    env,
    cwd: process.cwd(),
  });
  let raw = '';
  let pending: Promise<void> = Promise.resolve();
  child.onData((data) => {
    raw += data;
    pending = pending.then(() => new Promise<void>((r) => term.write(data, r)));
  });
  const exitedRaw = new Promise<{exitCode: number; signal?: number}>((resolve) =>
    child.onExit((e) => resolve(e)),
  );
  const screen = () => {
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < buf.length; i++) lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    return lines.join('\n');
  };
  const viewport = () => {
    const buf = term.buffer.active;
    const lines: string[] = [];
    for (let i = buf.viewportY; i < buf.viewportY + term.rows; i++)
      lines.push(buf.getLine(i)?.translateToString(true) ?? '');
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines.join('\n');
  };
  // A test waiting for an exit that never comes fails with the screen, not a bare timeout.
  const exited = (timeoutMs = 10_000) =>
    Promise.race([
      exitedRaw,
      new Promise<never>((_, reject) =>
        setTimeout(
          () =>
            reject(new Error(`the app did not exit within ${timeoutMs} ms; screen:\n${screen()}`)),
          timeoutMs,
        ).unref(),
      ),
    ]);
  const app: PtyApp = {
    screen,
    viewport,
    raw: () => raw,
    async waitForText(text, timeoutMs = 10_000) {
      const start = Date.now();
      for (;;) {
        await pending;
        const s = screen();
        if (typeof text === 'string' ? s.includes(text) : text.test(s)) {
          // Let the screen attach its input handler for this state before the next key.
          await new Promise((r) => setTimeout(r, 80));
          return s;
        }
        if (Date.now() - start > timeoutMs)
          throw new Error(`timed out waiting for ${String(text)}; screen:\n${s}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async press(...keys) {
      for (const k of keys) {
        child.write(k);
        await new Promise((r) => setTimeout(r, 60));
      }
    },
    async burst(...keys) {
      child.write(keys.join(''));
      await new Promise((r) => setTimeout(r, 60));
    },
    async type(text) {
      for (const ch of text) await app.press(ch);
    },
    exited,
    kill: (signal = 'SIGTERM') => child.kill(signal),
    resize(cols, rows) {
      term.resize(cols, rows);
      child.resize(cols, rows);
    },
  };
  return app;
}
