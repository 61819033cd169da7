import {describe, expect, it} from 'vitest';
import type {Command} from 'commander';
import {buildProgram, onlyRootOptions} from '../../source/commands/program';

/** What parsing `args` comes to: which action runs with which options, or the error. */
async function outcome(program: Command, args: string[]) {
  let ran: {action: string; opts: Record<string, unknown>} | undefined;
  const quiet = (cmd: Command) => cmd.configureOutput({writeOut: () => {}, writeErr: () => {}});
  quiet(program).action(() => {
    ran = {action: 'wizard', opts: {...program.opts()}};
  });
  for (const cmd of program.commands) {
    quiet(cmd).action(() => {
      ran = {action: cmd.name(), opts: {...program.opts()}};
    });
  }
  try {
    await program.parseAsync(args, {from: 'user'});
    return ran;
  } catch (err) {
    return {error: (err as {code?: string}).code, message: (err as Error).message};
  }
}

const WIZARD_STARTS = [
  [],
  ['--sandbox'],
  ['--cloud', 'AzureCloud'],
  ['--cloud=./cloud.json'],
  ['--sandbox', '--sandbox-user', 'scientist'],
  ['--token-cache', 'memory', '--debug'],
  // A required value is taken whatever it is, by commander as here.
  ['--cloud', 'creds'],
  ['--cloud', '--sandbox'],
  // The value is missing: the root alone reports it, as the whole program does.
  ['--cloud'],
  ['--token-cache', 'nowhere'],
];

const NOT_ONLY_ROOT = [
  ['creds'],
  ['--sandbox', 'creds', '-p', 'dev'],
  ['sandbox', '--port', '0'],
  ['--help'],
  ['-h'],
  ['profiles', 'list'],
  ['--clod', 'AzureCloud'],
  ['credz'],
  ['--', 'creds'],
  ['-'],
  ['--debug=yes'],
  ['-VX'],
];

describe('the program for a start of the wizard', () => {
  it.each(WIZARD_STARTS)(
    '%j is only root options, parsed as the whole program parses it',
    async (...args) => {
      const root = buildProgram({forArgs: args});
      expect(onlyRootOptions(root, args)).toBe(true);
      expect(root.commands).toEqual([]);
      const whole = await outcome(buildProgram(), args);
      expect(whole).toBeDefined();
      expect(await outcome(root, args)).toEqual(whole);
    },
  );

  it.each(NOT_ONLY_ROOT)('%j gets every command', async (...args) => {
    const program = buildProgram({forArgs: args});
    expect(onlyRootOptions(program, args)).toBe(false);
    expect(program.commands.map((c) => c.name())).toEqual(
      buildProgram().commands.map((c) => c.name()),
    );
  });

  it('a command after root options, and a mistyped one, are read by the whole program', async () => {
    expect(
      await outcome(buildProgram({forArgs: ['--sandbox', 'creds']}), ['--sandbox', 'creds']),
    ).toMatchObject({
      action: 'creds',
      opts: {sandbox: true},
    });
    // The root's own check of leftovers (not replaced here) still knows every command's name.
    const program = buildProgram({forArgs: ['credz']});
    let said = '';
    program.configureOutput({writeErr: (s) => (said += s)});
    await expect(program.parseAsync(['credz'], {from: 'user'})).rejects.toMatchObject({
      code: 'commander.unknownCommand',
    });
    expect(said).toContain("unknown command 'credz'");
    expect(said).toContain('Did you mean creds?');
  });
});
