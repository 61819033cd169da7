import {CommanderError} from 'commander';
import {CliError, ExitCode} from './source/commands/exit-codes';
import {buildProgram} from './source/commands/program';

function fail(err: unknown, debug: boolean): never {
  if (err instanceof CliError) {
    process.stderr.write(`aml-auth: ${err.message}${err.hint ? `\n  hint: ${err.hint}` : ''}\n`);
    process.exit(err.exitCode);
  }
  const e = err as Error;
  process.stderr.write(`aml-auth: ${e?.message ?? String(err)}\n`);
  if (debug && e?.stack) process.stderr.write(`${e.stack}\n`);
  else process.stderr.write('  hint: run again with --debug for details\n');
  process.exit(ExitCode.failure);
}

const program = buildProgram({forArgs: process.argv.slice(2)});
const debug = process.argv.includes('--debug');
try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? 0 : ExitCode.usage);
  }
  fail(err, debug);
}
