import {createHash, randomBytes, randomUUID} from 'node:crypto';

/** A GUID derived from a name, so the seeded world keeps the same IDs across runs. */
export function stableGuid(name: string): string {
  const h = createHash('sha1').update(`aml-auth-sandbox:${name}`).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const newGuid = (): string => randomUUID();

export function base64url(input: Buffer | string): string {
  return Buffer.from(input).toString('base64url');
}

/** A random secret in the alphabet Azure uses for keys (base64, 32 bytes → 44 chars). */
export const newKey = (): string => randomBytes(32).toString('base64');

/** Client secrets look like Entra's: 40 chars with a `~` in the middle of the alphabet. */
export const newClientSecret = (): string =>
  randomBytes(30).toString('base64url').replace(/-/g, '~').slice(0, 40);

export const isGuid = (s: string): boolean =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

/** Lower-case a path and drop trailing and doubled slashes: ARM paths are case-insensitive. */
export function normalizeScope(scope: string): string {
  const parts = scope.split('/').filter(Boolean);
  return '/' + parts.join('/').toLowerCase();
}

/** `/a/b` contains `/a/b/c` and itself; `/` contains everything. */
export function scopeContains(outer: string, inner: string): boolean {
  const o = normalizeScope(outer);
  const i = normalizeScope(inner);
  return o === '/' || i === o || i.startsWith(o + '/');
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref?.());
