import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {AZ_CLOUD_NAME, azRecipe, describeSandbox} from '../../source/commands/sandbox';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// Azure CLI as a client of the sandbox (issue 16, item 1): the recipe `aml-auth sandbox` prints
// (az cloud register from the sandbox's /metadata/endpoints, its /adfs authority, az login), then
// az's own commands, and the app's "Azure CLI" sign-in method through that az. Needs the `az`
// command (Debian: apt-get install azure-cli); skipped with a note where it is missing.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');

function findAz(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v az'], {encoding: 'utf8'}).trim() || undefined;
  } catch {
    return undefined;
  }
}
const az = findAz();
if (!az)
  console.warn(
    'Azure CLI (az) not found: the Azure CLI tests are skipped (apt-get install azure-cli)',
  );

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: RunningSandbox;
let work: string;
let sub: string;

function run(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  onStderr?: (text: string) => void,
): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {cwd: work, env, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      onStderr?.(stderr);
    });
    child.once('close', (code) => done({code, stdout, stderr}));
  });
}

/** az with its own config folder (never the developer's ~/.azure) and the sandbox CA. */
function azEnv(configDir: string): NodeJS.ProcessEnv {
  const env = cleanEnv();
  return {
    ...env,
    PATH: `${dirname(process.execPath)}${delimiter}${env.PATH ?? ''}`,
    AZURE_CONFIG_DIR: configDir,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_SURVEY_MESSAGE: 'false',
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: join(work, 'aml-config'),
  };
}

const azJson = async (args: string[], env: NodeJS.ProcessEnv) => {
  const r = await run(az!, [...args, '-o', 'json'], env);
  expect(r.stderr.replace(/^WARNING: .*\n?/gm, '')).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as unknown;
};

const claims = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-az-'));
});
afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe('the sandbox serves what az needs, unauthenticated', () => {
  it('/metadata/endpoints in both of Azure shapes, naming the /adfs authority', async () => {
    const old = await request(sandbox, '/metadata/endpoints?api-version=2015-01-01');
    expect(old.status).toBe(200);
    expect(old.json()).toMatchObject({
      authentication: {
        loginEndpoint: `${sandbox.url}/adfs`,
        audiences: ['https://management.core.windows.net/', 'https://management.azure.com/'],
      },
    });
    const list = await request(sandbox, '/metadata/endpoints?api-version=2022-09-01');
    expect(list.json()).toMatchObject([
      {
        resourceManager: `${sandbox.url}/`,
        authentication: {loginEndpoint: `${sandbox.url}/adfs`, identityProvider: 'ADFS'},
      },
    ]);
    const oidc = await request(sandbox, '/adfs/.well-known/openid-configuration');
    expect(oidc.json()).toMatchObject({
      issuer: `${sandbox.url}/adfs`,
      token_endpoint: `${sandbox.url}/adfs/oauth2/token/`,
      device_authorization_endpoint: `${sandbox.url}/adfs/oauth2/devicecode`,
    });
  });
});

describe('aml-auth sandbox prints the recipe', () => {
  it('every line of it, and no secret', () => {
    const text = describeSandbox(sandbox);
    for (const line of azRecipe(sandbox.descriptor)) expect(text).toContain(`    ${line}\n`);
    for (const p of sandbox.descriptor.principals)
      if (p.clientSecret) expect(text).not.toContain(p.clientSecret);
    expect(text).not.toContain(sandbox.descriptor.identityHeader);
    expect(text).not.toContain(sandbox.descriptor.adminToken);
  });
});

describe.skipIf(!az)('Azure CLI against the sandbox', () => {
  let env: NodeJS.ProcessEnv;

  it('the printed recipe registers the cloud and signs the service principal in', async () => {
    env = azEnv(join(work, 'az-sp'));
    const lines = azRecipe(sandbox.descriptor).filter((l) => !l.startsWith('#'));
    const r = await run('bash', ['--norc', '--noprofile', '-c', lines.join(' && ')], env);
    expect(r.code, r.stderr).toBe(0);
    const accounts = JSON.parse(r.stdout) as {name: string; cloudName: string; user: unknown}[];
    expect(accounts).toEqual([
      expect.objectContaining({
        name: 'Sandbox Dev',
        cloudName: AZ_CLOUD_NAME,
        user: {name: principal(sandbox, 'ops-automation').clientId, type: 'servicePrincipal'},
      }),
    ]);
    // Every later az call needs the CA too, as the recipe's export gives an interactive shell.
    env.REQUESTS_CA_BUNDLE = sandbox.descriptor.caCertFile;
  });

  it('az account show and get-access-token (management and ML audiences)', async () => {
    expect(await azJson(['account', 'show'], env)).toMatchObject({
      id: sub,
      tenantId: sandbox.descriptor.tenantId,
      environmentName: AZ_CLOUD_NAME,
    });
    const mgmt = (await azJson(['account', 'get-access-token'], env)) as {accessToken: string};
    expect(claims(mgmt.accessToken)).toMatchObject({
      aud: 'https://management.core.windows.net/',
      oid: principal(sandbox, 'ops-automation').objectId,
    });
    const ml = (await azJson(
      ['account', 'get-access-token', '--resource', 'https://ml.azure.com'],
      env,
    )) as {accessToken: string};
    expect(claims(ml.accessToken).aud).toBe('https://ml.azure.com');
  });

  it('az group list and az rest for the ML and Authorization calls', async () => {
    const groups = (await azJson(['group', 'list'], env)) as {name: string}[];
    expect(groups.map((g) => g.name).sort()).toEqual(['rg-ws-dev', 'rg-ws-experiments']);
    const ws = `${sandbox.url}/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
    const keys = (await azJson(
      [
        'rest',
        '--method',
        'post',
        '--url',
        `${ws}/onlineEndpoints/churn-scorer/listKeys?api-version=2025-09-01`,
      ],
      env,
    )) as {primaryKey: string};
    expect(keys.primaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const assignments = (await azJson(
      [
        'rest',
        '--url',
        `${ws}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01`,
      ],
      env,
    )) as {value: {properties: {principalId: string}}[]};
    expect(assignments.value.map((a) => a.properties.principalId)).toContain(
      principal(sandbox, 'scientist').objectId,
    );
  });

  it("the app's Azure CLI sign-in method works through that az", async () => {
    const r = await run(
      process.execPath,
      [
        cli,
        'creds',
        '--cloud',
        sandbox.descriptor.cloudFile,
        '--auth-method',
        'cli',
        '--subscription',
        'Sandbox Dev',
        '--workspace',
        'ws-dev',
        '--endpoint',
        'fraud-aad',
        '-o',
        'json',
      ],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {scoringUri: string; credential: {value: string}};
    expect(claims(doc.credential.value)).toMatchObject({
      aud: 'https://ml.azure.com',
      oid: principal(sandbox, 'ops-automation').objectId,
    });
    const scored = await request(sandbox, doc.scoringUri, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${doc.credential.value}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]}}),
    });
    expect(scored.status).toBe(200);
  });

  it('az login --use-device-code as the owner, approved at the sign-in page', async () => {
    const userEnv = {
      ...azEnv(join(work, 'az-user')),
      REQUESTS_CA_BUNDLE: sandbox.descriptor.caCertFile,
    };
    const lines = azRecipe(sandbox.descriptor).filter((l) => /^az cloud (register|set)/.test(l));
    const setup = await run('bash', ['--norc', '--noprofile', '-c', lines.join(' && ')], userEnv);
    expect(setup.code, setup.stderr).toBe(0);
    let approved = false;
    const login = await run(az!, ['login', '--use-device-code', '-o', 'json'], userEnv, (text) => {
      const code = /enter the code (\S+) to authenticate/.exec(text)?.[1];
      if (code && !approved) {
        approved = true;
        sandbox.approveDeviceCode(code, 'owner');
      }
    });
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain(`${sandbox.url}/devicelogin`);
    const accounts = JSON.parse(login.stdout) as {name: string; user: {name: string}}[];
    expect(accounts.map((a) => a.name).sort()).toEqual(['Sandbox Dev', 'Sandbox Prod']);
    expect(accounts[0]!.user).toEqual({name: 'owner@contoso.sandbox', type: 'user'});
    // A token for another resource comes from the refresh token, without a second code.
    const ml = (await azJson(
      ['account', 'get-access-token', '--resource', 'https://ml.azure.com'],
      userEnv,
    )) as {accessToken: string};
    expect(claims(ml.accessToken)).toMatchObject({
      aud: 'https://ml.azure.com',
      upn: 'owner@contoso.sandbox',
    });
  });
});
