import {describe, expect, it} from 'vitest';
import {
  isGuid,
  newClientSecret,
  newKey,
  normalizeScope,
  scopeContains,
  stableGuid,
} from '../../source/sandbox/util';

const GUID_V5 = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('stableGuid', () => {
  it('is deterministic for a name and differs between names', () => {
    expect(stableGuid('user:owner@contoso.sandbox')).toBe(stableGuid('user:owner@contoso.sandbox'));
    expect(stableGuid('a')).not.toBe(stableGuid('b'));
    expect(stableGuid('a')).not.toBe(stableGuid('A'));
  });

  it('has the GUID format (version 5, RFC 4122 variant) for many names', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 500; i++) {
      const g = stableGuid(`name-${i}`);
      expect(g).toMatch(GUID_V5);
      expect(isGuid(g)).toBe(true);
      seen.add(g);
    }
    expect(seen.size).toBe(500);
  });
});

describe('isGuid', () => {
  it('accepts GUIDs in either case and rejects near misses', () => {
    expect(isGuid('f6c7c914-8db3-469d-8ca1-694a8f32e121')).toBe(true);
    expect(isGuid('F6C7C914-8DB3-469D-8CA1-694A8F32E121')).toBe(true);
    expect(isGuid('f6c7c9148db3469d8ca1694a8f32e121')).toBe(false);
    expect(isGuid('{f6c7c914-8db3-469d-8ca1-694a8f32e121}')).toBe(false);
    expect(isGuid('g6c7c914-8db3-469d-8ca1-694a8f32e121')).toBe(false);
    expect(isGuid('')).toBe(false);
  });
});

describe('secrets', () => {
  it('keys are 32 random bytes in base64 and client secrets are 40 chars', () => {
    const a = newKey();
    expect(a).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(a, 'base64')).toHaveLength(32);
    expect(newKey()).not.toBe(a);
    const s = newClientSecret();
    expect(s).toHaveLength(40);
    expect(s).toMatch(/^[A-Za-z0-9_~]+$/);
  });
});

describe('scopes', () => {
  it('normalizeScope lower-cases and folds slashes', () => {
    expect(normalizeScope('/Subscriptions/ABC//resourceGroups/RG/')).toBe(
      '/subscriptions/abc/resourcegroups/rg',
    );
    expect(normalizeScope('subscriptions/abc')).toBe('/subscriptions/abc');
    expect(normalizeScope('/')).toBe('/');
  });

  it('scopeContains: itself, descendants, case-insensitively; not siblings or parents', () => {
    const sub = '/subscriptions/abc';
    const rg = `${sub}/resourceGroups/rg-ws-dev`;
    expect(scopeContains(sub, sub)).toBe(true);
    expect(scopeContains(sub, rg)).toBe(true);
    expect(scopeContains(sub.toUpperCase(), rg.toLowerCase())).toBe(true);
    expect(scopeContains(`${sub}/`, rg)).toBe(true);
    expect(scopeContains(rg, sub)).toBe(false);
    expect(scopeContains(`${sub}/resourceGroups/rg`, rg)).toBe(false);
    expect(scopeContains('/subscriptions/ab', sub)).toBe(false);
    expect(scopeContains('/', rg)).toBe(true);
    expect(scopeContains('/', '/')).toBe(true);
    expect(scopeContains(rg, '/')).toBe(false);
  });
});
