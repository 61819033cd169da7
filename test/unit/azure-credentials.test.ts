import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
} from '@azure/identity';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {rootCertificates} from 'node:tls';
import {describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {createCredential, credentialOptions} from '../../source/azure/credentials';
import {ServiceError} from '../../source/azure/errors';
import type {CloudConfig, SignInMethod} from '../../source/domain/types';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';
const custom: CloudConfig = {
  name: 'local',
  resourceManagerEndpoint: 'https://127.0.0.1:8443/',
  authorityHost: 'https://127.0.0.1:8443',
  managementScope: 'https://management.azure.com/.default',
  mlScope: 'https://ml.azure.com/.default',
  tenantId: 'tenant-from-cloud',
  caPem: PEM,
  custom: true,
};

describe('credentialOptions', () => {
  it('a custom cloud: its authority, no instance discovery, its CA beside the system roots', () => {
    const options = credentialOptions(custom, 'tenant-1');
    expect(options).toEqual({
      authorityHost: 'https://127.0.0.1:8443',
      disableInstanceDiscovery: true,
      tlsOptions: {ca: [...rootCertificates, PEM]},
      tenantId: 'tenant-1',
    });
  });

  it('a public cloud: its authority, instance discovery on, default trust', async () => {
    const cloud = await resolveCloud('AzureChinaCloud', {});
    expect(credentialOptions(cloud)).toEqual({authorityHost: 'https://login.chinacloudapi.cn'});
  });
});

const certDir = mkdtempSync(join(tmpdir(), 'aml-auth-cert-'));
const certFile = join(certDir, 'client.pem');
writeFileSync(certFile, PEM);

describe('createCredential', () => {
  const env = {};
  it.each([
    ['cli', {}, AzureCliCredential],
    ['device-code', {}, DeviceCodeCredential],
    ['browser', {}, InteractiveBrowserCredential],
    ['service-principal', {clientId: 'app', clientSecret: 's3cret'}, ClientSecretCredential],
    [
      'service-principal-certificate',
      {clientId: 'app', certificatePath: certFile},
      ClientCertificateCredential,
    ],
    ['managed-identity', {clientId: 'mi-client'}, ManagedIdentityCredential],
    ['environment', {}, EnvironmentCredential],
    ['default', {}, DefaultAzureCredential],
  ] as const)('%s makes the matching credential', (method, params, type) => {
    const created = createCredential(custom, method as SignInMethod, params, {}, env);
    expect(created.credential).toBeInstanceOf(type);
    expect(created.method).toBe(method);
    const interactive = method === 'device-code' || method === 'browser';
    // No cache was asked for: interactive methods keep memory; the others need none, and say why.
    expect(created.tokenCache.kind).toBe('memory');
    if (interactive) expect(created.tokenCache.reason).toBeUndefined();
    else
      expect(created.tokenCache.reason).toMatch(
        method === 'cli' ? /Azure CLI keeps its own sign-in/ : /signs in again the same way/,
      );
    expect(typeof created.authenticate).toBe(interactive ? 'function' : 'undefined');
  });

  it('service principal values fall back to the AZURE_* environment', () => {
    const created = createCredential(
      {...custom, tenantId: undefined},
      'service-principal',
      {},
      {},
      {AZURE_TENANT_ID: 't', AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's'},
    );
    expect(created.credential).toBeInstanceOf(ClientSecretCredential);
  });

  it.each([
    ['service-principal', {clientSecret: 's'}, 'a client ID'],
    ['service-principal', {clientId: 'c'}, 'a client secret'],
    ['service-principal-certificate', {clientId: 'c'}, 'a certificate file (PEM)'],
  ] as const)('%s without %j is refused as bad input', (method, params, what) => {
    let caught: unknown;
    try {
      createCredential(custom, method, params, {}, {});
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ServiceError);
    expect((caught as ServiceError).appError).toMatchObject({
      kind: 'invalid',
      title: `Sign-in needs ${what}`,
    });
  });

  it.each([
    ['a missing file', join(certDir, 'nope.pem'), 'does not exist'],
    ['a folder', certDir, 'is a folder, not a PEM file'],
  ])('a certificate path naming %s is refused before the SDK reads it', (_what, path, problem) => {
    for (const [method, params, env] of [
      ['service-principal-certificate', {clientId: 'c', certificatePath: path}, {}],
      ['environment', {}, {AZURE_CLIENT_ID: 'c', AZURE_CLIENT_CERTIFICATE_PATH: path}],
    ] as const) {
      let caught: unknown;
      try {
        createCredential(custom, method, params, {}, env);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ServiceError);
      expect((caught as ServiceError).appError).toMatchObject({
        kind: 'invalid',
        title: `The certificate file ${path} ${problem}`,
        nextSteps: ['Give the path of the PEM file (or set AZURE_CLIENT_CERTIFICATE_PATH).'],
      });
    }
  });

  it('the environment method with a secret set does not look at a certificate path', () => {
    const created = createCredential(
      custom,
      'environment',
      {},
      {},
      {AZURE_CLIENT_ID: 'c', AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_CERTIFICATE_PATH: '/nope.pem'},
    );
    expect(created.credential).toBeInstanceOf(EnvironmentCredential);
  });

  it('a tenant is required for a service principal when the cloud has none', () => {
    expect(() =>
      createCredential(
        {...custom, tenantId: undefined},
        'service-principal',
        {clientId: 'c', clientSecret: 's'},
        {},
        {},
      ),
    ).toThrow(/Sign-in needs a tenant ID/);
  });

  it('an unreadable saved AuthenticationRecord does not block a fresh sign-in', () => {
    const created = createCredential(
      custom,
      'device-code',
      {authenticationRecord: '{not json'},
      {},
      {},
    );
    expect(created.credential).toBeInstanceOf(DeviceCodeCredential);
  });
});
