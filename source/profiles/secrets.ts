/**
 * A profile must never hold a key, token or client secret. These checks run on everything `save()`
 * is given — including the JSON inside `signIn.authenticationRecord` — before anything is written.
 */

/** Field names that hold secrets, compared lower-case with `-`, `_` and spaces removed. */
const SECRET_NAMES = new Set([
  'pwd',
  'sas',
  'sig',
  'authorization',
  'connectionstring',
  'cookie',
  'credential',
  'credentials',
]);
const SECRET_NAME_SUFFIXES = ['secret', 'password', 'passwd', 'passphrase', 'token', 'key', 'keys'];

export function isSecretFieldName(name: string): boolean {
  const normalized = name.toLowerCase().replace(/[-_\s]/g, '');
  return (
    SECRET_NAMES.has(normalized) ||
    SECRET_NAME_SUFFIXES.some((suffix) => normalized.endsWith(suffix))
  );
}

/** A JWT (`eyJ….eyJ….…`) or a PEM private key inside a string value. */
const SECRET_VALUE_PATTERNS: Array<{pattern: RegExp; what: string}> = [
  {pattern: /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/, what: 'a token (JWT)'},
  {pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----/, what: 'a private key'},
];

export interface SecretFinding {
  /** Dotted path of the field, e.g. `signIn.clientSecret`. Never the value. */
  path: string;
  reason: string;
}

/** Every place in `value` that looks like a secret: by field name anywhere, or by value shape. */
export function findSecrets(value: unknown, path = ''): SecretFinding[] {
  const findings: SecretFinding[] = [];
  const visit = (node: unknown, at: string, depth: number): void => {
    if (depth > 32) return;
    if (typeof node === 'string') {
      for (const {pattern, what} of SECRET_VALUE_PATTERNS) {
        if (pattern.test(node)) findings.push({path: at || '(value)', reason: `holds ${what}`});
      }
      // The authentication record is JSON in a string: look inside it as well.
      const trimmed = node.trimStart();
      if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
        try {
          visit(JSON.parse(node), at, depth + 1);
        } catch {
          // not JSON: the string itself was checked above
        }
      }
      return;
    }
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${at}[${index}]`, depth + 1));
      return;
    }
    if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        const childPath = at ? `${at}.${key}` : key;
        if (isSecretFieldName(key)) {
          findings.push({path: childPath, reason: 'is a secret field'});
        } else {
          visit(child, childPath, depth + 1);
        }
      }
    }
  };
  visit(value, path, 0);
  return findings;
}
