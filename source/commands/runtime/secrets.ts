/** Secrets that must never reach stderr: remembered here, redacted from everything written there. */
import {redact} from '../../azure/errors';

const secrets = new Set<string>();

/** Remembers a value that must never reach stderr (keys, tokens, the client secret). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

const PEM = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----(\\n)?/g;
const PEM_LIST = /\[\s*(?:"-----BEGIN CERTIFICATE-----[^"]*"\s*,?\s*)+\]/g;

/**
 * The Azure SDK logs every request's options under --debug, and a client that trusts a custom CA
 * carries the whole CA bundle (the system roots and the cloud's CA, ~150 certificates) in them:
 * a list of certificates becomes `"[N certificates]"`, a lone one `[certificate]`.
 */
export function summariseCertificates(text: string): string {
  if (!text.includes('-----BEGIN CERTIFICATE-----')) return text;
  return text
    .replace(
      PEM_LIST,
      (list) => `"[${list.split('-----BEGIN CERTIFICATE-----').length - 1} certificates]"`,
    )
    .replace(PEM, '[certificate]');
}

let stderrGuarded = false;

/**
 * Everything written to stderr — our messages, the Azure SDK log under --debug, stack traces —
 * passes through `redact` (after the CA bundles in SDK request logs are summarised): JWTs, `Bearer …` values, `client_secret=…` and every registered secret
 * are replaced. stdout is left alone: printing the credential is `creds`' job.
 */
export function guardStderr(): void {
  if (stderrGuarded) return;
  stderrGuarded = true;
  const write = process.stderr.write.bind(process.stderr) as (...args: unknown[]) => boolean;
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      return write(redact(summariseCertificates(text), [...secrets]), ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof process.stderr.write;
}
