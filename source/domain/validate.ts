/**
 * Azure's rule for online endpoint names: 3–32 characters, starts with a letter, letters, digits
 * and hyphens only, no trailing hyphen. Returns the problem in words, or undefined when valid.
 */
export function endpointNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (!/^[a-zA-Z]/.test(name)) return 'Must start with a letter.';
  if (/[^a-zA-Z0-9-]/.test(name)) {
    const bad = [...new Set(name.replace(/[a-zA-Z0-9-]/g, ''))].join('');
    return `Only letters, digits and hyphens (not “${bad}”).`;
  }
  if (name.length < 3) return `At least 3 characters (${name.length} so far).`;
  if (name.length > 32) return `At most 32 characters (${name.length} now).`;
  if (name.endsWith('-')) return 'Must not end with a hyphen.';
  return undefined;
}

/** Azure's rule for an online endpoint name, in one sentence (for hints). */
export const ENDPOINT_NAME_RULE =
  'an endpoint name has 3–32 letters, digits and hyphens, starts with a letter and does not end with a hyphen';

/**
 * A deployment name as Resource Manager accepts it in a path: starts with a letter or digit, then
 * letters, digits, hyphens and underscores, at most 255 characters. (Azure asks more of a new
 * deployment's name; this is what any existing one satisfies.)
 */
export function deploymentNameProblem(name: string): string | undefined {
  if (name.length === 0) return 'Enter a name.';
  if (!/^[a-zA-Z0-9]/.test(name)) return 'Must start with a letter or digit.';
  if (/[^a-zA-Z0-9_-]/.test(name)) {
    const bad = [...new Set(name.replace(/[a-zA-Z0-9_-]/g, ''))].join('');
    return `Only letters, digits, hyphens and underscores (not “${bad}”).`;
  }
  if (name.length > 255) return `At most 255 characters (${name.length} now).`;
  return undefined;
}

export const DEPLOYMENT_NAME_RULE =
  'a deployment name is letters, digits, hyphens and underscores, starting with a letter or digit';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function guidProblem(value: string, what: string): string | undefined {
  if (!value) return `Enter the ${what}.`;
  return GUID.test(value)
    ? undefined
    : `The ${what} is a GUID like 00000000-0000-0000-0000-000000000000.`;
}

/** A tenant is a GUID or a domain name (contoso.onmicrosoft.com). */
export function tenantProblem(value: string): string | undefined {
  if (!value) return undefined;
  if (GUID.test(value) || /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(value)) return undefined;
  return 'A tenant is a GUID or a domain like contoso.onmicrosoft.com.';
}
