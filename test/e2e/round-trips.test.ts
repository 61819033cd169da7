import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore, type ProfileInput} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = join(root, 'assets/sample-request.json');

let sandbox: RunningSandbox;
let work: string;
let configDir: string;
let env: NodeJS.ProcessEnv;
let ops: {clientId: string; clientSecret: string};
let sub: string;

function aml(
  args: string[],
  extraEnv: NodeJS.ProcessEnv = {},
): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: root,
      env: {...env, ...extraEnv},
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end('');
    child.once('close', (code) => done({code, stdout, stderr}));
  });
}

function profile(
  over: Pick<ProfileInput, 'name' | 'endpoint' | 'authMode'> & Partial<ProfileInput>,
): ProfileInput {
  return {
    cloud: sandbox.descriptor.cloudFile,
    tenantId: sandbox.descriptor.tenantId,
    signIn: {method: 'service-principal', clientId: ops.clientId},
    subscription: {id: sub, name: 'Sandbox Dev'},
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    ...over,
  };
}

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first.`);
  sandbox = await startTestSandbox();
  const o = principal(sandbox, 'ops-automation');
  ops = {clientId: o.clientId!, clientSecret: o.clientSecret!};
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-trips-'));
  configDir = join(work, 'config');
  const {store} = openProfileStore({dir: configDir});
  store.save(profile({name: 'dev', endpoint: 'churn-scorer', authMode: 'key'}));
  store.save(profile({name: 'loan', endpoint: 'loan-aml', authMode: 'aml_token'}));
  store.save(profile({name: 'fraud', endpoint: 'fraud-aad', authMode: 'aad_token'}));
  env = {
    ...cleanEnv(),
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: configDir,
    AZURE_CLIENT_SECRET: ops.clientSecret,
  };
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

/** Each request the sandbox saw, named by what it is. */
function label(r: {surface: string; method: string; path: string}): string {
  const path = r.path.replace(/\?.*/, '');
  if (r.surface === 'scoring') return 'score';
  if (path.endsWith('/.well-known/openid-configuration')) return 'metadata';
  if (path.endsWith('/oauth2/v2.0/token')) return 'token';
  if (path.endsWith('/listKeys')) return 'listKeys';
  if (/\/onlineEndpoints\/[^/]+\/token$/.test(path)) return 'endpoint token';
  if (r.method === 'GET' && /\/onlineEndpoints\/[^/]+$/.test(path)) return 'GET endpoint';
  if (path === '/subscriptions') return 'list subscriptions';
  if (path.endsWith('/workspaces')) return 'list workspaces';
  return `${r.method} ${path}`;
}

async function trips(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  sandbox.clearRequests();
  const run = await aml(args, extraEnv);
  return {run, calls: sandbox.requests().map(label)};
}

const stored = (name: string) => openProfileStore({dir: configDir}).store.get(name);

describe('round trips from a profile', () => {
  it('creds, key endpoint, first run: reads the endpoint once and remembers its scoring URI', async () => {
    expect(stored('dev').scoringUri).toBeUndefined();
    const {run, calls} = await trips(['creds', '-p', 'dev', '-o', 'json']);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['metadata', 'token', 'GET endpoint', 'listKeys']);
    const doc = JSON.parse(run.stdout) as {scoringUri: string};
    expect(stored('dev').scoringUri).toBe(doc.scoringUri);
  });

  it('creds, key endpoint: token + listKeys', async () => {
    const {run, calls} = await trips(['creds', '-p', 'dev', '-o', 'json']);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['metadata', 'token', 'listKeys']);
    const doc = JSON.parse(run.stdout) as {authMode: string; scoringUri: string; endpoint: string};
    expect(doc).toMatchObject({authMode: 'key', endpoint: 'churn-scorer'});
    expect(doc.scoringUri).toMatch(/\/inference\/churn-scorer\.eastus\/score$/);
    expect(run.stderr).toBe('');
  });

  it('creds, aad_token endpoint: the ML token only, no Resource Manager call', async () => {
    await trips(['creds', '-p', 'fraud']); // learns the scoring URI
    const {run, calls} = await trips(['creds', '-p', 'fraud', '-o', 'json']);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['metadata', 'token']);
    const doc = JSON.parse(run.stdout) as {credential: {kind: string}; scoringUri: string};
    expect(doc.credential.kind).toBe('aad_token');
    expect(doc.scoringUri).toMatch(/fraud-aad/);
  });

  it('creds, aml_token endpoint: token + the endpoint token operation', async () => {
    await trips(['creds', '-p', 'loan']);
    const {run, calls} = await trips(['creds', '-p', 'loan', '-o', 'json']);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['metadata', 'token', 'endpoint token']);
    expect((JSON.parse(run.stdout) as {credential: {kind: string}}).credential.kind).toBe(
      'aml_token',
    );
  });

  it('invoke: the credential and exactly one scoring request', async () => {
    for (const [name, credential] of [
      ['dev', ['listKeys']],
      ['fraud', []],
      ['loan', ['endpoint token']],
    ] as const) {
      const {run, calls} = await trips(['invoke', '-p', name, '--request', SAMPLE]);
      expect(run.code, run.stderr).toBe(0);
      expect(calls).toEqual(['metadata', 'token', ...credential, 'score']);
    }
  });

  it('invoke --repeat 5: five scoring requests after the first credential', async () => {
    const {run, calls} = await trips([
      'invoke',
      '-p',
      'fraud',
      '--request',
      SAMPLE,
      '--repeat',
      '5',
    ]);
    expect(run.code).toBe(0);
    expect(calls).toEqual(['metadata', 'token', 'score', 'score', 'score', 'score', 'score']);
    const key = await trips(['invoke', '-p', 'dev', '--request', SAMPLE, '--repeat', '5']);
    expect(key.calls).toEqual(['metadata', 'token', 'listKeys', ...Array(5).fill('score')]);
  });

  it('invoke --repeat 5 stops at an answer every other request would get too (404 here), sending no more', async () => {
    // A profile whose endpoint has gone since it was saved: its scoring URI answers 404.
    const fraudUri = (await aml(['creds', '-p', 'fraud', '-o', 'json']).then(
      (r) => JSON.parse(r.stdout).scoringUri,
    )) as string;
    const {store} = openProfileStore({dir: configDir});
    store.save(
      profile({
        name: 'gone',
        endpoint: 'fraud-aad',
        authMode: 'aad_token',
        scoringUri: fraudUri.replace('/fraud-aad.', '/fraud-gone.'),
      }),
    );
    const args = ['invoke', '-p', 'gone', '--request', SAMPLE, '--repeat', '5'];
    const {run, calls} = await trips([...args, '-o', 'json']);
    expect(run.code).toBe(6);
    expect(calls).toEqual(['metadata', 'token', 'score']);
    expect(JSON.parse(run.stdout)).toMatchObject({
      count: 1,
      requested: 5,
      stoppedBy: 404,
      statuses: {'404': 1},
    });
    const text = await aml(args);
    expect(text.stdout).toMatch(
      /^stopped after 1 of 5: fraud-aad answered 404, as it would every other request \(the rest were not sent\)\n1 requests to fraud-aad: 1 × 404/,
    );
    // A run of answers that pass sends every request.
    const full = await trips([
      'invoke',
      '-p',
      'dev',
      '--request',
      SAMPLE,
      '--repeat',
      '3',
      '-o',
      'json',
    ]);
    expect(JSON.parse(full.run.stdout)).toMatchObject({count: 3, requested: 3, stoppedBy: null});
  });

  it('the auth mode changed since the profile was saved: one read finds out, then the right path', async () => {
    const uri = stored('dev').scoringUri!;
    // churn-scorer uses keys; this profile still says aml_token.
    const {store} = openProfileStore({dir: configDir});
    store.save(
      profile({name: 'moved', endpoint: 'churn-scorer', authMode: 'aml_token', scoringUri: uri}),
    );
    const {run, calls} = await trips(['creds', '-p', 'moved', '-o', 'json']);
    expect(run.code, run.stderr).toBe(0);
    expect(calls).toEqual(['metadata', 'token', 'endpoint token', 'GET endpoint', 'listKeys']);
    expect(JSON.parse(run.stdout)).toMatchObject({authMode: 'key', credential: {kind: 'key'}});
    expect(run.stderr).toBe('');
    // The profile learned the endpoint's mode: the next run takes the short path.
    expect(stored('moved').authMode).toBe('key');
    expect((await trips(['creds', '-p', 'moved'])).calls).toEqual([
      'metadata',
      'token',
      'listKeys',
    ]);

    // A key profile of an endpoint that now uses Azure ML tokens.
    const loanUri = stored('loan').scoringUri!;
    store.save(
      profile({name: 'moved2', endpoint: 'loan-aml', authMode: 'key', scoringUri: loanUri}),
    );
    const invoked = await trips(['invoke', '-p', 'moved2', '--request', SAMPLE]);
    expect(invoked.run.code, invoked.run.stderr).toBe(0);
    expect(invoked.calls).toEqual([
      'metadata',
      'token',
      'listKeys',
      'GET endpoint',
      'endpoint token',
      'score',
    ]);
  });

  it('invoke, an aad_token profile whose endpoint now uses keys: the 401 is checked once', async () => {
    const {store} = openProfileStore({dir: configDir});
    const uri = stored('dev').scoringUri!;
    store.save(
      profile({name: 'was-aad', endpoint: 'churn-scorer', authMode: 'aad_token', scoringUri: uri}),
    );
    const {run, calls} = await trips([
      'invoke',
      '-p',
      'was-aad',
      '--request',
      SAMPLE,
      '-o',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    // The Entra token is refused; a management token to read the endpoint; then its key.
    expect(calls).toEqual([
      'metadata',
      'token',
      'score',
      'token',
      'GET endpoint',
      'listKeys',
      'score',
    ]);
    expect(JSON.parse(run.stdout)).toMatchObject({status: 200, ok: true});
    expect(stored('was-aad').authMode).toBe('key');
    const again = await trips(['invoke', '-p', 'was-aad', '--request', SAMPLE]);
    expect(again.calls).toEqual(['metadata', 'token', 'listKeys', 'score']);
  });

  it('a refusal that is not about the auth mode stands, as before', async () => {
    const {store} = openProfileStore({dir: configDir});
    store.save(
      profile({
        name: 'gone',
        endpoint: 'no-such-endpoint',
        authMode: 'key',
        scoringUri: 'https://127.0.0.1:1/score',
      }),
    );
    const {run, calls} = await trips(['creds', '-p', 'gone']);
    expect(run.code).toBe(5);
    expect(calls).toEqual(['metadata', 'token', 'listKeys', 'GET endpoint']);
  });

  it('an old profile (schema v1, no scoring URI) still works, is upgraded, then goes short', async () => {
    const dir = join(work, 'v1');
    mkdirSync(dir, {recursive: true});
    const {scoringUri: _dropped, ...old} = stored('dev');
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({schemaVersion: 1, profiles: {dev: old}}),
    );
    const first = await trips(['creds', '-p', 'dev', '-o', 'env'], {AML_AUTH_CONFIG_DIR: dir});
    expect(first.run.code, first.run.stderr).toBe(0);
    expect(first.run.stderr).toMatch(/profiles were upgraded from version 1 to 2/);
    expect(first.calls).toEqual(['metadata', 'token', 'GET endpoint', 'listKeys']);
    expect(first.run.stdout).toContain('SCORING_URI=');
    const again = await trips(['creds', '-p', 'dev', '-o', 'env'], {AML_AUTH_CONFIG_DIR: dir});
    expect(again.run.stderr).toBe('');
    expect(again.calls).toEqual(['metadata', 'token', 'listKeys']);
    expect(again.run.stdout).toBe(first.run.stdout);
  });
});

describe('round trips by names and by IDs', () => {
  const signIn = () => [
    '--cloud',
    sandbox.descriptor.cloudFile,
    '--tenant',
    sandbox.descriptor.tenantId,
    '--auth-method',
    'service-principal',
    '--client-id',
    ops.clientId,
  ];
  const env = () => ({AZURE_CLIENT_ID: ops.clientId});

  it('by IDs (subscription GUID and resource group): no list call, only the endpoint and its keys', async () => {
    const args = ['creds', ...signIn(), '--subscription', sub, '--resource-group', 'rg-ws-dev'];
    const {run, calls} = await trips(
      [...args, '--workspace', 'ws-dev', '--endpoint', 'churn-scorer', '-o', 'json'],
      env(),
    );
    expect(run.code).toBe(0);
    expect(calls).toEqual(['metadata', 'token', 'GET endpoint', 'listKeys']);
  });

  it('by display names: one list each to resolve the subscription name and find the resource group', async () => {
    const {run, calls} = await trips(
      [
        'creds',
        ...signIn(),
        '--subscription',
        'Sandbox Dev',
        '--workspace',
        'ws-dev',
        '--endpoint',
        'churn-scorer',
        '-o',
        'json',
      ],
      env(),
    );
    expect(run.code).toBe(0);
    // Resource Manager has no lookup of a subscription by display name or of a workspace without
    // its resource group: a list each, as az does. The workspace list needs the subscription ID
    // the first list found, so the two run one after the other.
    expect(calls).toEqual([
      'metadata',
      'token',
      'list subscriptions',
      'list workspaces',
      'GET endpoint',
      'listKeys',
    ]);
  });
});
