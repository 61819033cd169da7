import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {constants, tmpdir} from 'node:os';
import {join} from 'node:path';
import * as pty from 'node-pty';
import {afterEach, describe, expect, it} from 'vitest';
import {CLI, spawnCli} from '../helpers/pty';

// `aml-auth --sandbox` writes cloud.json (client secrets, the admin token) into a temp folder. A
// signal or a terminal that goes away must not leave it behind. Each run gets its own TMPDIR.

let tmp: string;
afterEach(() => rmSync(tmp, {recursive: true, force: true}));

// The profile folder, and Node's compile cache (the launcher turns it on; Node keeps it in
// TMPDIR): neither holds a secret, and neither is the sandbox's.
const NOT_SANDBOX = new Set(['.config', 'node-compile-cache']);
const sandboxFolders = () => readdirSync(tmp).filter((f) => !NOT_SANDBOX.has(f));

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!check()) throw new Error(`never happened: ${what}`);
}

describe('--sandbox cleans up when killed', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s: exit %i, the folder with cloud.json is gone', async (signal, code) => {
    tmp = mkdtempSync(join(tmpdir(), 'aml-auth-signals-'));
    const app = spawnCli(['--sandbox'], {
      env: {TMPDIR: tmp, AML_AUTH_CONFIG_DIR: join(tmp, '.config')},
    });
    await app.waitForText('Sandbox cloud at');
    const folders = sandboxFolders();
    expect(folders).toHaveLength(1);
    expect(existsSync(join(tmp, folders[0]!, 'cloud.json'))).toBe(true);
    app.kill(signal);
    const exit = await app.exited();
    // SIGHUP (the terminal went away) ends by the signal itself once cleaned up, which a shell
    // reports as 129 too; process.exit() there trips an assertion inside Node (nodejs/node#42433).
    if (signal === 'SIGHUP') expect(exit.signal).toBe(constants.signals.SIGHUP);
    else expect(exit.exitCode).toBe(code);
    expect(sandboxFolders()).toEqual([]);
    expect(app.raw()).not.toMatch(/Error|EIO|Assertion/);
  });

  it('closing the terminal: the process ends quietly (no EIO, no assertion) and the folder is gone', async () => {
    tmp = mkdtempSync(join(tmpdir(), 'aml-auth-signals-'));
    const errFile = join(tmp, 'stderr.txt');
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env))
      if (
        v !== undefined &&
        !/^(CI|CONTINUOUS_INTEGRATION|DBUS_SESSION_BUS_ADDRESS|DISPLAY)$/.test(k)
      )
        env[k] = v;
    Object.assign(env, {
      TMPDIR: tmp,
      AML_AUTH_CONFIG_DIR: join(tmp, '.config'),
      TERM: 'xterm-256color',
    });
    // stderr to a file, so what the app says after the terminal is gone can still be read.
    const child = pty.spawn(
      'sh',
      ['-c', `exec "${process.execPath}" "${CLI}" --sandbox 2>"${errFile}"`],
      {cols: 100, rows: 32, env, name: 'xterm-256color'},
    );
    let screen = '';
    child.onData((d) => (screen += d));
    await until(() => screen.includes('Sandbox cloud at'), 'the first frame');
    const pid = child.pid;
    // The terminal closes (node-pty's destroy: the master is closed, then SIGHUP): reads and
    // writes on it then fail with EIO.
    (child as unknown as {destroy(): void}).destroy();
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(() => !alive(), 'the app to exit');
    expect(readFileSync(errFile, 'utf8')).not.toMatch(/Error|EIO|Assertion|at .*:\d+/);
    expect(sandboxFolders().filter((f) => f !== 'stderr.txt')).toEqual([]);
  });
});
