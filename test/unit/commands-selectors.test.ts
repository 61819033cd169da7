import {describe, expect, it} from 'vitest';
import {CliError, ExitCode} from '../../source/commands/exit-codes';
import {
  mergeSelectors,
  missingSelectors,
  parseAuthMethod,
  requireSelectors,
} from '../../source/commands/selectors';
import type {Profile} from '../../source/profiles/types';

const SUB = '11111111-2222-3333-4444-555555555555';
const OTHER_SUB = '99999999-2222-3333-4444-555555555555';

const profile = (over: Partial<Profile> = {}): Profile => ({
  name: 'dev',
  cloud: '/tmp/cloud.json',
  tenantId: 'contoso.sandbox',
  signIn: {method: 'service-principal', clientId: 'app-1'},
  subscription: {id: SUB, name: 'Sandbox Dev'},
  resourceGroup: 'rg-ws-dev',
  workspace: 'ws-dev',
  endpoint: 'churn-scorer',
  authMode: 'key',
  deployment: 'blue',
  createdAt: '2025-01-01T00:00:00.000Z',
  lastUsedAt: '2025-01-01T00:00:00.000Z',
  ...over,
});

describe('mergeSelectors', () => {
  it('takes everything from the profile when no flag is given', () => {
    const t = mergeSelectors(profile(), {});
    expect(t).toMatchObject({
      profileName: 'dev',
      cloud: '/tmp/cloud.json',
      tenantId: 'contoso.sandbox',
      subscriptionId: SUB,
      resourceGroup: 'rg-ws-dev',
      workspace: 'ws-dev',
      endpoint: 'churn-scorer',
      authMode: 'key',
      deployment: 'blue',
      signIn: {method: 'service-principal', clientId: 'app-1'},
      deviceCodeAllowed: false,
    });
    expect(t.sources).toEqual({
      cloud: 'profile',
      method: 'profile',
      subscription: 'profile',
      endpoint: 'profile',
      resourceGroup: 'profile',
      workspace: 'profile',
    });
  });

  it('lets each explicit flag override its field only', () => {
    const t = mergeSelectors(profile(), {cloud: 'AzureCloud', tenant: 'other.onmicrosoft.com'});
    expect(t.cloud).toBe('AzureCloud');
    expect(t.tenantId).toBe('other.onmicrosoft.com');
    expect(t.subscriptionId).toBe(SUB);
    expect(t.endpoint).toBe('churn-scorer');
    expect(t.sources.cloud).toBe('flag');
  });

  it('a subscription by ID is used as the ID; by name it is looked up later', () => {
    expect(mergeSelectors(undefined, {subscription: OTHER_SUB}).subscriptionId).toBe(OTHER_SUB);
    const byName = mergeSelectors(profile(), {subscription: 'Sandbox Prod'});
    expect(byName.subscriptionId).toBeUndefined();
    expect(byName.subscriptionName).toBe('Sandbox Prod');
  });

  it("another endpoint drops the profile's auth mode and deployment (they describe its endpoint)", () => {
    const t = mergeSelectors(profile(), {endpoint: 'loan-aml'});
    expect(t.endpoint).toBe('loan-aml');
    expect(t.authMode).toBeUndefined();
    expect(t.deployment).toBeUndefined();
    expect(t.resourceGroup).toBe('rg-ws-dev');
  });

  it("another workspace or subscription forgets the profile's resource group (looked up instead)", () => {
    expect(mergeSelectors(profile(), {workspace: 'ws-experiments'}).resourceGroup).toBeUndefined();
    expect(mergeSelectors(profile(), {subscription: OTHER_SUB}).resourceGroup).toBeUndefined();
    expect(
      mergeSelectors(profile(), {workspace: 'ws-experiments', resourceGroup: 'rg-x'}).resourceGroup,
    ).toBe('rg-x');
    // Naming the profile's own workspace changes nothing.
    expect(mergeSelectors(profile(), {workspace: 'ws-dev'}).resourceGroup).toBe('rg-ws-dev');
  });

  it("another sign-in method drops the profile's client ID and saved sign-in", () => {
    const p = profile({
      signIn: {method: 'device-code', clientId: 'public-app', authenticationRecord: '{"a":1}'},
    });
    expect(mergeSelectors(p, {}).signIn).toEqual({
      method: 'device-code',
      clientId: 'public-app',
      authenticationRecord: '{"a":1}',
    });
    expect(mergeSelectors(p, {authMethod: 'cli'}).signIn).toEqual({method: 'cli'});
    expect(mergeSelectors(profile(), {authMethod: 'cli', clientId: 'x'}).signIn).toEqual({
      method: 'cli',
      clientId: 'x',
    });
  });

  it('a saved sign-in belongs to its tenant: --tenant drops it', () => {
    const p = profile({signIn: {method: 'device-code', authenticationRecord: '{"a":1}'}});
    expect(mergeSelectors(p, {tenant: 'other'}).signIn.authenticationRecord).toBeUndefined();
  });

  it('device code needs consent on the command line, never from a profile alone', () => {
    const p = profile({signIn: {method: 'device-code'}});
    expect(mergeSelectors(p, {}).deviceCodeAllowed).toBe(false);
    expect(mergeSelectors(p, {deviceCode: true}).deviceCodeAllowed).toBe(true);
    expect(mergeSelectors(undefined, {authMethod: 'device-code'}).deviceCodeAllowed).toBe(true);
    expect(mergeSelectors(undefined, {deviceCode: true}).signIn.method).toBe('device-code');
  });

  it('without a profile the defaults are AzureCloud and DefaultAzureCredential', () => {
    const t = mergeSelectors(undefined, {});
    expect(t.cloud).toBe('AzureCloud');
    expect(t.signIn.method).toBe('default');
    expect(t.sources).toEqual({
      cloud: 'default',
      method: 'default',
      subscription: 'default',
      endpoint: 'default',
      resourceGroup: 'default',
      workspace: 'default',
    });
  });

  it('blank flags count as not given', () => {
    expect(mergeSelectors(profile(), {endpoint: '  ', cloud: ''}).endpoint).toBe('churn-scorer');
    expect(mergeSelectors(profile(), {cloud: ''}).cloud).toBe('/tmp/cloud.json');
  });
});

describe('parseAuthMethod', () => {
  it('accepts the documented methods, any case', () => {
    expect(parseAuthMethod('Service-Principal')).toBe('service-principal');
    expect(parseAuthMethod('managed-identity')).toBe('managed-identity');
  });

  it('refuses anything else with a usage error naming the choices', () => {
    try {
      parseAuthMethod('password');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CliError);
      expect((err as CliError).exitCode).toBe(ExitCode.usage);
      expect((err as CliError).hint).toMatch(/cli, device-code, browser/);
    }
  });
});

describe('missingSelectors / requireSelectors', () => {
  it('names the flags that are still missing', () => {
    const t = mergeSelectors(undefined, {workspace: 'ws'});
    expect(missingSelectors(t, ['subscription', 'workspace', 'endpoint'])).toEqual([
      '--subscription',
      '--endpoint',
    ]);
    expect(missingSelectors(mergeSelectors(profile(), {}), ['endpoint'])).toEqual([]);
  });

  it('throws exit 2 with a hint to use a profile', () => {
    const t = mergeSelectors(undefined, {});
    expect(() => requireSelectors(t, ['endpoint'])).toThrow(/missing --endpoint/);
    try {
      requireSelectors(t, ['endpoint']);
    } catch (err) {
      expect((err as CliError).exitCode).toBe(2);
      expect((err as CliError).hint).toMatch(/--profile/);
    }
  });
});
