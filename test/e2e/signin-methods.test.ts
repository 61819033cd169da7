import {spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// The app's sign-in methods that need more than a secret or a device code, as a script runs
// them (the built CLI, pipes, no TTY) against a sandbox started here: a service principal with a
// certificate (from a profile, and through the environment), and managed identity through the
// App Service style endpoint, system-assigned and user-assigned.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = readFileSync(join(root, 'assets/sample-request.json'), 'utf8');
const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';

let sandbox: RunningSandbox;
let work: string;
let baseEnv: NodeJS.ProcessEnv;
let sub: string;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function aml(args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => done({code, stdout, stderr}));
  });
}

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
const mi = (name: string) => sandbox.descriptor.managedIdentities.find((m) => m.name === name)!;

const target = (endpoint: string) => [
  '--cloud',
  sandbox.descriptor.cloudFile,
  '--tenant',
  sandbox.descriptor.tenantId,
  '--subscription',
  'Sandbox Dev',
  '--workspace',
  'ws-dev',
  '--endpoint',
  endpoint,
  '-o',
  'json',
];

async function score(uri: string, credential: string) {
  return request(sandbox, uri, {
    method: 'POST',
    headers: {authorization: `Bearer ${credential}`, 'content-type': 'application/json'},
    body: SAMPLE,
  });
}

beforeAll(async () => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  sandbox = await startTestSandbox();
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-signin-'));
  const ops = principal(sandbox, 'ops-automation');
  const {store} = openProfileStore({dir: join(work, 'config')});
  store.save({
    name: 'cert',
    cloud: sandbox.descriptor.cloudFile,
    tenantId: sandbox.descriptor.tenantId,
    signIn: {
      method: 'service-principal-certificate',
      clientId: ops.clientId!,
      certificatePath: ops.certificateFile!,
    },
    subscription: {id: sub, name: 'Sandbox Dev'},
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    endpoint: 'churn-scorer',
    authMode: 'key',
  });
  // Both managed identities get AzureML Data Scientist on ws-dev (keys, tokens and scoring).
  const ws = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
  const opsToken = await tokenFor(sandbox, 'ops-automation');
  for (const identity of [mi('sandbox-host'), mi('scorer-id')]) {
    const res = await request(
      sandbox,
      `${ws}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        method: 'PUT',
        headers: {authorization: `Bearer ${opsToken}`, 'content-type': 'application/json'},
        body: JSON.stringify({
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`,
            principalId: identity.objectId,
            principalType: 'ServicePrincipal',
          },
        }),
      },
    );
    expect(res.status).toBe(201);
  }
  baseEnv = {...cleanEnv(), NO_COLOR: '1', AML_AUTH_CONFIG_DIR: join(work, 'config')};
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe('service principal with a certificate', () => {
  it('a profile with the certificate PEM lists the keys, and they score', async () => {
    const run = await aml(['creds', '-p', 'cert', '-o', 'json'], baseEnv);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {scoringUri: string; credential: {value: string}};
    expect((await score(doc.scoringUri, doc.credential.value)).status).toBe(200);
  });

  it('the environment method with AZURE_CLIENT_CERTIFICATE_PATH (no secret)', async () => {
    const ops = principal(sandbox, 'ops-automation');
    const run = await aml(['creds', '--auth-method', 'environment', ...target('loan-aml')], {
      ...baseEnv,
      AZURE_TENANT_ID: sandbox.descriptor.tenantId,
      AZURE_CLIENT_ID: ops.clientId,
      AZURE_CLIENT_CERTIFICATE_PATH: ops.certificateFile,
    });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {credential: {kind: string; value: string}};
    expect(doc.credential.kind).toBe('aml_token');
  });
});

describe('managed identity (IDENTITY_ENDPOINT / IDENTITY_HEADER)', () => {
  const miEnv = () => ({
    ...baseEnv,
    IDENTITY_ENDPOINT: sandbox.descriptor.identityEndpoint,
    IDENTITY_HEADER: sandbox.descriptor.identityHeader,
  });

  it('system-assigned: the host identity lists the keys of churn-scorer', async () => {
    const run = await aml(
      ['creds', '--auth-method', 'managed-identity', ...target('churn-scorer')],
      miEnv(),
    );
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {scoringUri: string; credential: {value: string}};
    expect((await score(doc.scoringUri, doc.credential.value)).status).toBe(200);
  });

  it('user-assigned (--client-id): an Entra token for scorer-id that scores fraud-aad', async () => {
    const run = await aml(
      [
        'creds',
        '--auth-method',
        'managed-identity',
        '--client-id',
        mi('scorer-id').clientId,
        ...target('fraud-aad'),
      ],
      miEnv(),
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout) as {scoringUri: string; credential: {value: string}};
    expect(claims(doc.credential.value)).toMatchObject({
      oid: mi('scorer-id').objectId,
      aud: 'https://ml.azure.com',
    });
    expect((await score(doc.scoringUri, doc.credential.value)).status).toBe(200);
  });

  it('without the endpoint variables it is a sign-in failure (3), not a crash', async () => {
    const run = await aml(
      ['creds', '--auth-method', 'managed-identity', ...target('churn-scorer')],
      baseEnv,
    );
    expect(run.code).toBe(3);
    expect(run.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
