/**
 * The launcher prints `--help` pages written at build time (dist/help/) without loading the
 * CLI. Each must be exactly what the CLI itself (commander, dist/main.js) prints in the same place:
 * in a pipe, and on a terminal at least as wide as the pages; a narrower terminal gets the CLI's
 * own page, wrapped to fit.
 */
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as pty from 'node-pty';
import {describe, expect, test} from 'vitest';
import {cleanEnv} from '../helpers/cli-env';
import {CLI} from '../helpers/pty';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const DIR = fileURLToPath(new URL('../../dist/help/', import.meta.url));
/** The stored pages by command path ('' for the root): aml-auth-roles-check.txt → 'roles check'. */
const PAGES: Record<string, string> = Object.fromEntries(
  readdirSync(DIR).map((f) => [
    f
      .replace(/\.txt$/, '')
      .split('-')
      .slice(2)
      .join(' '),
    readFileSync(join(DIR, f), 'utf8'),
  ]),
);
const node = process.env.AML_AUTH_TEST_NODE ?? process.execPath;

const piped = (file: string, args: string[]) =>
  execFileSync(node, [file, ...args], {env: cleanEnv(), encoding: 'utf8'});

/** What a program prints on a terminal `cols` wide, line endings as written to a file. */
function onTerminal(file: string, args: string[], cols: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const child = pty.spawn(node, [file, ...args], {
      cols,
      rows: 50,
      env: cleanEnv() as Record<string, string>,
    });
    child.onData((d) => (out += d));
    child.onExit(({exitCode}) =>
      exitCode === 0 ? resolve(out.replace(/\r\n/g, '\n')) : reject(new Error(`exit ${exitCode}`)),
    );
  });
}

describe('help pages written at build time', () => {
  const paths = Object.keys(PAGES);

  test('there is a page for the root and for every command', () => {
    expect(paths).toContain('');
    for (const p of [
      'creds',
      'invoke',
      'roles check',
      'deployments create',
      'profiles rm',
      'sandbox',
    ])
      expect(paths).toContain(p);
  });

  test.each(paths.map((p) => [p || '(root)', p]))(
    '`%s --help` from the launcher is the CLI’s own page',
    (_, path) => {
      const args = path ? path.split(' ') : [];
      const fromCli = piped(MAIN, [...args, '--help']);
      expect(PAGES[path]).toBe(fromCli);
      expect(piped(CLI, [...args, '--help'])).toBe(fromCli);
      expect(piped(CLI, [...args, '-h'])).toBe(fromCli);
    },
  );

  test('on a terminal wider than the pages: the page, as the CLI prints it there', async () => {
    const launcher = await onTerminal(CLI, ['invoke', '--help'], 140);
    expect(launcher).toBe(await onTerminal(MAIN, ['invoke', '--help'], 140));
    expect(launcher).toBe(PAGES['invoke']);
  });

  test('on a narrower terminal: the CLI’s page wrapped to the terminal, not the stored one', async () => {
    const narrow = await onTerminal(CLI, ['invoke', '--help'], 60);
    expect(narrow).toBe(await onTerminal(MAIN, ['invoke', '--help'], 60));
    expect(narrow).not.toBe(PAGES['invoke']);
  });

  test('anything else goes to the CLI: an unknown command’s help, options before --help', () => {
    const run = (file: string, args: string[]) => {
      try {
        return {out: piped(file, args), code: 0};
      } catch (e) {
        const err = e as {status: number; stdout: string; stderr: string};
        return {out: `${err.stdout}${err.stderr}`, code: err.status};
      }
    };
    for (const args of [
      ['nope', '--help'],
      ['creds', '-p', 'x', '--help'],
      ['help', 'creds'],
    ])
      expect(run(CLI, args), args.join(' ')).toEqual(run(MAIN, args));
  });
});
