import {spawn, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// Azure's guide to endpoint authentication as a bash script (test/e2e/guide/guide.sh), with
// aml-auth in place of az, against a sandbox: the custom roles from the guide's own JSON files,
// the role assignments, the endpoint from endpoint.yml, the auth mode update, the credential
// exported for each mode, and a real curl scoring with it.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const guideDir = join(root, 'test/e2e/guide');
const hasCurl = spawnSync('curl', ['--version'], {stdio: 'ignore'}).status === 0;
const hasBash = spawnSync('bash', ['--version'], {stdio: 'ignore'}).status === 0;

let sandbox: RunningSandbox;
let work: string;
let env: NodeJS.ProcessEnv;
let run: {code: number | null; stdout: string; stderr: string};
let admin: {clientSecret: string};
let client: {clientSecret: string; objectId: string};

function bash(script: string, scriptEnv: NodeJS.ProcessEnv): Promise<typeof run> {
  return new Promise((done) => {
    const child = spawn('bash', ['--norc', '--noprofile', script], {
      cwd: root,
      env: scriptEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => done({code, stdout, stderr}));
  });
}

const lines = () => run.stdout.split('\n');
const status = (what: string) =>
  lines()
    .find((l) => l.startsWith(`score ${what} `))
    ?.split(' ')[2];

if (!hasCurl || !hasBash) {
  console.warn(
    `test/e2e/guide.test.ts: SKIPPED — ${hasCurl ? '' : 'curl '}${hasBash ? '' : 'bash '}not installed (.ci/run installs curl)`,
  );
}

describe.skipIf(!hasCurl || !hasBash)('the guide as a bash script', () => {
  beforeAll(async () => {
    if (!existsSync(cli))
      throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
    sandbox = await startTestSandbox();
    const ops = principal(sandbox, 'ops-automation');
    const scoring = principal(sandbox, 'scoring-client');
    admin = {clientSecret: ops.clientSecret!};
    client = {clientSecret: scoring.clientSecret!, objectId: scoring.objectId};
    work = mkdtempSync(join(tmpdir(), 'aml-auth-guide-'));
    env = {
      ...cleanEnv(),
      NO_COLOR: '1',
      AML_AUTH_CONFIG_DIR: join(work, 'config'),
      AML_AUTH_CLI: cli,
      CLOUD: sandbox.descriptor.cloudFile,
      TENANT: sandbox.descriptor.tenantId,
      SUBSCRIPTION_ID: subscriptionId(sandbox),
      RESOURCE_GROUP: 'rg-ws-dev',
      WORKSPACE: 'ws-dev',
      ADMIN_CLIENT_ID: ops.clientId!,
      ADMIN_CLIENT_SECRET: ops.clientSecret!,
      CLIENT_APP_ID: scoring.clientId!,
      CLIENT_SECRET: scoring.clientSecret!,
      CA_FILE: sandbox.descriptor.caCertFile,
      GUIDE_DIR: guideDir,
    };
    run = await bash(join(guideDir, 'guide.sh'), env);
  }, 180_000);

  afterAll(async () => {
    await sandbox?.stop();
    if (work) rmSync(work, {recursive: true, force: true});
  });

  it('runs to the end', () => {
    expect(run.stderr).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace
    expect({code: run.code, tail: lines().slice(-3)}).toEqual({
      code: 0,
      tail: expect.arrayContaining(['done']) as unknown,
    });
  });

  it('defines both custom roles from the files as written, then reuses them', async () => {
    expect(lines()).toContain('define again unchanged');
    const token = await tokenFor(sandbox, 'ops-automation');
    const scope = `/subscriptions/${subscriptionId(sandbox)}/resourceGroups/rg-ws-dev`;
    const res = await request(
      sandbox,
      `${scope}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("type eq 'CustomRole'")}`,
      {headers: {authorization: `Bearer ${token}`}},
    );
    const roles = (res.json() as {value: {properties: Record<string, unknown>}[]}).value.map(
      (r) => r.properties,
    );
    const byName = (n: string) => roles.filter((r) => r.roleName === n);
    expect(byName('Custom role for control plane operations - online endpoint')).toHaveLength(1);
    expect(byName('Custom role for scoring - online endpoint')).toEqual([
      expect.objectContaining({
        assignableScopes: [scope],
        permissions: [
          expect.objectContaining({
            actions: ['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action'],
          }),
        ],
      }),
    ]);
  });

  it('assigns the roles to the client by its app ID, once', async () => {
    expect(lines()).toContain('assign again true');
    const token = await tokenFor(sandbox, 'ops-automation');
    const scope = `/subscriptions/${subscriptionId(sandbox)}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
    const res = await request(
      sandbox,
      `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=${encodeURIComponent(`principalId eq '${client.objectId}'`)}`,
      {headers: {authorization: `Bearer ${token}`}},
    );
    expect((res.json() as {value: unknown[]}).value).toHaveLength(2);
  });

  it('creates the endpoint from endpoint.yml and deletes it at the end', () => {
    expect(lines()).toContain('created my-endpoint key Succeeded');
    // No deployment yet: the key is accepted, and the endpoint says there is nothing to route to.
    expect(status('new-endpoint')).toMatch(/^4\d\d$/);
    expect(status('new-endpoint')).not.toBe('401');
  });

  it('scores 200 with the key, then with the Entra token after the auth mode update', () => {
    expect(status('key')).toBe('200');
    expect(lines()).toContain('updated churn-scorer aad_token');
    expect(status('old-key')).toBe('401');
    expect(lines()).toContain('credential aad_token');
    expect(status('aad_token')).toBe('200');
  });

  it('scores 200 with an Azure ML token, whose expiry is exported in epoch seconds', () => {
    const line = lines().find((l) => l.startsWith('credential aml_token'))!;
    const [, , , expires, , now] = line.split(' ');
    expect(Number(expires)).toBeGreaterThan(Number(now));
    expect(status('aml_token')).toBe('200');
  });

  it('never prints a secret on stderr', () => {
    expect(run.stderr).not.toContain(admin.clientSecret);
    expect(run.stderr).not.toContain(client.clientSecret);
    expect(run.stderr).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./);
  });
});
