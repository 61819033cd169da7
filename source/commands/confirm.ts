/**
 * The one question a command asks before a change that breaks clients (a new auth mode, a
 * delete): `… [y/N]` on stderr, answered on a terminal's stdin. Without a terminal it does not
 * wait for an answer that cannot come: it refuses (exit 2) and names `--yes`.
 */
import {createInterface} from 'node:readline';
import {CliError, ExitCode} from './exit-codes';
import type {Runtime} from './runtime';

/** Whether a person can answer: stdin and stderr are both a terminal. */
export const canAsk = (): boolean => Boolean(process.stdin.isTTY && process.stderr.isTTY);

/** Reads one line from stdin (or rejects when the command is interrupted). */
function readLine(signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const rl = createInterface({input: process.stdin, terminal: false});
    let settled = false;
    const done = (answer: string | Error) => {
      // Closing the interface emits 'close' at once: the first answer is the one that counts.
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (answer instanceof Error) reject(answer);
      else resolve(answer);
      rl.close();
    };
    const onAbort = () => done(new CliError('interrupted', ExitCode.interrupted));
    signal.addEventListener('abort', onAbort, {once: true});
    rl.once('line', (line) => done(line));
    rl.once('close', () => done(''));
  });
}

/**
 * Goes ahead when `yes` (--yes) is set or a person answers y/yes; otherwise throws: exit 2
 * without a terminal (add --yes), exit 1 when the answer is no (nothing changed).
 */
export async function confirm(
  rt: Runtime,
  question: string,
  yes: boolean,
  action: string,
): Promise<void> {
  if (yes) return;
  if (!canAsk()) {
    throw new CliError(
      `${action} needs a confirmation, and there is no terminal to ask on`,
      ExitCode.usage,
      'add --yes to go ahead without asking',
    );
  }
  process.stderr.write(`${question} [y/N] `);
  const answer = await readLine(rt.signal);
  if (!/^\s*y(es)?\s*$/i.test(answer)) {
    throw new CliError(
      `not confirmed: ${action} was cancelled`,
      ExitCode.failure,
      'nothing was changed',
    );
  }
}
