/** Secrets that must never reach stderr: remembered here, redacted from everything written there. */
import {redact} from '../../azure/errors';

const secrets = new Set<string>();

/** Remembers a value that must never reach stderr (keys, tokens, the client secret). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

let stderrGuarded = false;

/**
 * Everything written to stderr — our messages, the Azure SDK log under --debug, stack traces —
 * passes through `redact`: JWTs, `Bearer …` values, `client_secret=…` and every registered secret
 * are replaced. stdout is left alone: printing the credential is `creds`' job.
 */
export function guardStderr(): void {
  if (stderrGuarded) return;
  stderrGuarded = true;
  const write = process.stderr.write.bind(process.stderr) as (...args: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return write(redact(text, [...secrets]), ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
}
