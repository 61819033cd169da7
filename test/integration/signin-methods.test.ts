import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import {ClientCertificateCredential, ManagedIdentityCredential} from '@azure/identity';
import {readFileSync, statSync, writeFileSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {generateClientCertificate} from '../../source/sandbox/certs';
import {
  armOptions,
  credentialOptions,
  principal,
  request,
  startTestSandbox,
} from '../helpers/sandbox';

// The sign-in methods beyond secrets and device codes, with the real @azure/identity credentials:
// a service principal with a certificate (client assertion) and managed identity through the
// App Service style endpoint (IDENTITY_ENDPOINT / IDENTITY_HEADER).

let sandbox: RunningSandbox;
let scratch: string;
const MGMT = 'https://management.azure.com/.default';

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  scratch = mkdtempSync(join(tmpdir(), 'aml-auth-signin-'));
});
afterAll(async () => {
  await sandbox?.stop();
  rmSync(scratch, {recursive: true, force: true});
});

describe('service principal with a certificate', () => {
  it('the PEM (certificate and key) sits beside the cloud file, owner-only', () => {
    const ops = principal(sandbox, 'ops-automation');
    expect(ops.certificateFile).toBe(
      join(sandbox.descriptor.cloudFile, '..', 'ops-automation.pem'),
    );
    expect((statSync(ops.certificateFile!).mode & 0o777).toString(8)).toBe('600');
    const pem = readFileSync(ops.certificateFile!, 'utf8');
    expect(pem).toMatch(/-----BEGIN CERTIFICATE-----[\s\S]+BEGIN PRIVATE KEY/);
    // Only that principal has one.
    expect(principal(sandbox, 'scoring-client').certificateFile).toBeUndefined();
  });

  it.each([false, true])(
    'ClientCertificateCredential signs in (sendCertificateChain %s) and calls ARM',
    async (sendCertificateChain) => {
      const ops = principal(sandbox, 'ops-automation');
      const credential = new ClientCertificateCredential(
        sandbox.descriptor.tenantId,
        ops.clientId!,
        {certificatePath: ops.certificateFile!},
        {...credentialOptions(sandbox), sendCertificateChain},
      );
      const token = await credential.getToken(MGMT);
      expect(claims(token.token)).toMatchObject({
        oid: ops.objectId,
        appid: ops.clientId,
        idtyp: 'app',
        tid: sandbox.descriptor.tenantId,
      });
      const client = new SubscriptionClient(credential, armOptions(sandbox));
      const names: string[] = [];
      for await (const s of client.subscriptions.list()) names.push(s.displayName!);
      expect(names).toContain('Sandbox Dev');
    },
  );

  it('a certificate that is not registered is refused (AADSTS700027)', async () => {
    const other = await generateClientCertificate('someone-else');
    const file = join(scratch, 'other.pem');
    writeFileSync(file, other.pem, {mode: 0o600});
    const ops = principal(sandbox, 'ops-automation');
    const credential = new ClientCertificateCredential(
      sandbox.descriptor.tenantId,
      ops.clientId!,
      {certificatePath: file},
      credentialOptions(sandbox),
    );
    await expect(credential.getToken(MGMT)).rejects.toThrow(/AADSTS700027/);
  });

  it('the right certificate for another application is refused too', async () => {
    const ops = principal(sandbox, 'ops-automation');
    const credential = new ClientCertificateCredential(
      sandbox.descriptor.tenantId,
      principal(sandbox, 'scoring-client').clientId!,
      {certificatePath: ops.certificateFile!},
      credentialOptions(sandbox),
    );
    await expect(credential.getToken(MGMT)).rejects.toThrow(/AADSTS700027/);
  });
});

describe('managed identity (App Service style endpoint)', () => {
  const saved = {endpoint: process.env.IDENTITY_ENDPOINT, header: process.env.IDENTITY_HEADER};
  const useEndpoint = (header = sandbox.descriptor.identityHeader) => {
    process.env.IDENTITY_ENDPOINT = sandbox.descriptor.identityEndpoint;
    process.env.IDENTITY_HEADER = header;
  };
  afterEach(() => {
    for (const [k, v] of [
      ['IDENTITY_ENDPOINT', saved.endpoint],
      ['IDENTITY_HEADER', saved.header],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });
  const mi = (name: string) => sandbox.descriptor.managedIdentities.find((m) => m.name === name)!;
  const options = () => ({
    tlsOptions: credentialOptions(sandbox).tlsOptions,
    retryOptions: {maxRetries: 0},
  });

  it('the cloud file names the endpoint and both identities', () => {
    expect(sandbox.descriptor.identityEndpoint).toBe(`${sandbox.url}/msi/token`);
    expect(sandbox.descriptor.identityHeader.length).toBeGreaterThanOrEqual(16);
    expect(mi('sandbox-host')).toMatchObject({kind: 'systemAssigned'});
    expect(mi('scorer-id')).toMatchObject({kind: 'userAssigned'});
  });

  it('system-assigned: a token for the host identity, which ARM accepts', async () => {
    useEndpoint();
    const credential = new ManagedIdentityCredential(options());
    const token = await credential.getToken(MGMT);
    expect(claims(token.token)).toMatchObject({
      oid: mi('sandbox-host').objectId,
      appid: mi('sandbox-host').clientId,
      aud: 'https://management.azure.com',
    });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
    // Authenticated, with no role yet: an empty list, not a 401.
    const client = new SubscriptionClient(credential, armOptions(sandbox));
    const names: string[] = [];
    for await (const s of client.subscriptions.list()) names.push(s.displayName!);
    expect(names).toEqual([]);
  });

  it.each(['clientId', 'resourceId', 'objectId'] as const)(
    'user-assigned by %s: a token for scorer-id',
    async (by) => {
      useEndpoint();
      const id = mi('scorer-id');
      const value =
        by === 'clientId' ? id.clientId : by === 'resourceId' ? id.resourceId! : id.objectId;
      const credential = new ManagedIdentityCredential({[by]: value, ...options()} as never);
      const token = await credential.getToken('https://ml.azure.com/.default');
      expect(claims(token.token)).toMatchObject({
        oid: id.objectId,
        appid: id.clientId,
        aud: 'https://ml.azure.com',
      });
    },
  );

  it('an identity not attached to the host is refused', async () => {
    useEndpoint();
    const credential = new ManagedIdentityCredential({
      clientId: '00000000-0000-0000-0000-000000000001',
      ...options(),
    });
    await expect(credential.getToken(MGMT)).rejects.toThrow(/No User Assigned/);
  });

  it('the endpoint refuses a missing or wrong header and a wrong api-version (wire level)', async () => {
    // msal-node keeps the managed identity source (endpoint and header) in a static for the
    // process and caches its tokens across credential instances, so a wrong header cannot be
    // tried with a second credential here: the wire is checked directly.
    const url = (q: string) => `${sandbox.descriptor.identityEndpoint}?${q}`;
    const good = 'api-version=2019-08-01&resource=https://management.azure.com';
    const attempts: Record<string, string>[] = [{}, {'x-identity-header': 'not-the-header'}];
    for (const headers of attempts) {
      const res = await request(sandbox, url(good), {headers});
      expect(res.status).toBe(401);
      expect(res.json()).toMatchObject({
        statusCode: 401,
        message: expect.stringMatching(/X-IDENTITY-HEADER/),
      });
    }
    const header = {'x-identity-header': sandbox.descriptor.identityHeader};
    const wrongVersion = await request(
      sandbox,
      url('api-version=2017-09-01&resource=https://management.azure.com'),
      {headers: header},
    );
    expect(wrongVersion.status).toBe(400);
    const ok = await request(sandbox, url(good), {headers: header});
    expect(ok.status).toBe(200);
    const body = ok.json() as Record<string, string>;
    expect(body).toMatchObject({
      resource: 'https://management.azure.com',
      token_type: 'Bearer',
      client_id: mi('sandbox-host').clientId,
    });
    expect(body.expires_on).toMatch(/^\d{10}$/);
  });
});
