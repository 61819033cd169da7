import {spawn, type ChildProcess} from 'node:child_process';
import http from 'node:http';
import net, {type AddressInfo} from 'node:net';
import type {Duplex} from 'node:stream';
import {randomUUID} from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore, type ProfileInput} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// The scriptable commands as a script runs them: the built CLI as a child process with pipes (no
// TTY), against a sandbox cloud started here, with profiles written through the real store.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = join(root, 'assets/sample-request.json');
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

interface Run {
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Every run's output, for the checks at the end (no secret on stderr, no escape codes). */
const transcripts: Run[] = [];

let sandbox: RunningSandbox;
let work: string;
let configDir: string;
let baseEnv: NodeJS.ProcessEnv;
let ops: {clientId: string; clientSecret: string; objectId: string};
let scoring: {clientId: string; clientSecret: string; objectId: string};
let sub: string;

function spawnCli(
  args: string[],
  options: {env?: NodeJS.ProcessEnv; input?: string} = {},
): {child: ChildProcess; done: Promise<Run>} {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: options.env ?? baseEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin!.end(options.input ?? '');
  const done = new Promise<Run>((resolveRun) => {
    child.once('close', (code, signal) => {
      const run = {args, code, signal, stdout, stderr};
      transcripts.push(run);
      resolveRun(run);
    });
  });
  return {child, done};
}

const aml = (args: string[], options: {env?: NodeJS.ProcessEnv; input?: string} = {}) =>
  spawnCli(args, options).done;

/** A real bash, not a model of one (no rc files). */
function bash(
  script: string,
  env: NodeJS.ProcessEnv,
): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((done) => {
    const child = spawn('bash', ['--norc', '--noprofile', '-c', script], {
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

async function waitFor(check: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const json = (run: Run) => JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function profile(
  over: Partial<ProfileInput> & Pick<ProfileInput, 'name' | 'endpoint' | 'authMode'>,
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
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  sandbox = await startTestSandbox();
  const o = principal(sandbox, 'ops-automation');
  const s = principal(sandbox, 'scoring-client');
  ops = {clientId: o.clientId!, clientSecret: o.clientSecret!, objectId: o.objectId};
  scoring = {clientId: s.clientId!, clientSecret: s.clientSecret!, objectId: s.objectId};
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-commands-'));
  configDir = join(work, 'config');

  const {store} = openProfileStore({dir: configDir});
  store.save(profile({name: 'dev', endpoint: 'churn-scorer', authMode: 'key'}));
  store.save(profile({name: 'loan', endpoint: 'loan-aml', authMode: 'aml_token'}));
  store.save(profile({name: 'fraud', endpoint: 'fraud-aad', authMode: 'aad_token'}));
  store.save(
    profile({
      name: 'scorer',
      endpoint: 'churn-scorer',
      authMode: 'key',
      signIn: {method: 'service-principal', clientId: scoring.clientId},
    }),
  );
  store.save(
    profile({
      name: 'interactive',
      endpoint: 'churn-scorer',
      authMode: 'key',
      signIn: {method: 'device-code'},
    }),
  );

  // scoring-client may read the workspace (Reader) but not list keys: a real 403 on listKeys.
  const scope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
  const assigned = await request(
    sandbox,
    `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
    {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await tokenFor(sandbox, 'ops-automation')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        properties: {
          roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
          principalId: scoring.objectId,
          principalType: 'ServicePrincipal',
        },
      }),
    },
  );
  expect(assigned.status).toBe(201);

  // No D-Bus or display either: the CLI must not reach a developer's real keyring. A home and a
  // temp folder of its own, so the secrets scan at the end sees every file the CLI could write.
  for (const d of ['home', 'tmp']) mkdirSync(join(work, d));
  baseEnv = {
    ...cleanEnv(),
    NO_COLOR: '1',
    HOME: join(work, 'home'),
    TMPDIR: join(work, 'tmp'),
    XDG_CONFIG_HOME: join(work, 'home', '.config'),
    XDG_CACHE_HOME: join(work, 'home', '.cache'),
    AML_AUTH_CONFIG_DIR: configDir,
    AZURE_CLIENT_SECRET: ops.clientSecret,
  };
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

/** Scores a sandbox endpoint directly (to prove a credential works). */
async function score(uri: string, credential: string, body = readFileSync(SAMPLE, 'utf8')) {
  return request(sandbox, uri, {
    method: 'POST',
    headers: {authorization: `Bearer ${credential}`, 'content-type': 'application/json'},
    body,
  });
}

describe('aml-auth creds', () => {
  it('text: both keys and the scoring URI of a key endpoint', async () => {
    const run = await aml(['creds', '-p', 'dev']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/endpoint\s+churn-scorer \(ws-dev, rg-ws-dev\)/);
    expect(run.stdout).toMatch(/auth mode\s+key/);
    expect(run.stdout).toMatch(
      /scoring URI\s+https:\/\/127\.0\.0\.1:\d+\/inference\/churn-scorer\.eastus\/score/,
    );
    const primary = /primary key\s+(\S+)/.exec(run.stdout)![1]!;
    const uri = /scoring URI\s+(\S+)/.exec(run.stdout)![1]!;
    expect((await score(uri, primary)).status).toBe(200);
    expect(run.stderr).toBe('');
  });

  it('json: the documented schema; the credential scores the endpoint', async () => {
    const run = await aml(['creds', '-p', 'dev', '-o', 'json']);
    expect(run.code).toBe(0);
    const doc = json(run);
    expect(Object.keys(doc)).toEqual([
      'profile',
      'cloud',
      'subscriptionId',
      'resourceGroup',
      'workspace',
      'endpoint',
      'authMode',
      'scoringUri',
      // az ml online-endpoint get-credentials' names for key mode
      'primaryKey',
      'secondaryKey',
      'credential',
      'keys',
      'copiedTo',
    ]);
    expect(doc).toMatchObject({
      profile: 'dev',
      cloud: 'sandbox',
      subscriptionId: sub,
      resourceGroup: 'rg-ws-dev',
      workspace: 'ws-dev',
      endpoint: 'churn-scorer',
      authMode: 'key',
      copiedTo: null,
    });
    expect(doc.credential).toEqual({
      kind: 'key',
      which: 'primary',
      value: doc.keys.primary,
      expiresOn: null,
      expiresOnEpoch: null,
      refreshAfter: null,
      refreshAfterEpoch: null,
    });
    expect(doc.keys.secondary).not.toBe(doc.keys.primary);
    expect((await score(doc.scoringUri, doc.keys.primary)).status).toBe(200);
    expect((await score(doc.scoringUri, doc.keys.secondary)).status).toBe(200);
  });

  it('--which secondary makes the secondary key the credential', async () => {
    const doc = json(await aml(['creds', '-p', 'dev', '--which', 'secondary', '-o', 'json']));
    expect(doc.credential.which).toBe('secondary');
    expect(doc.credential.value).toBe(doc.keys.secondary);
  });

  it('json for aml_token: expiry and refresh-after as ISO-8601 and epoch seconds', async () => {
    const before = Date.now();
    const run = await aml(['creds', '-p', 'loan', '-o', 'json']);
    expect(run.code).toBe(0);
    const c = json(run).credential;
    expect(c.kind).toBe('aml_token');
    expect(c.which).toBeNull();
    expect(c.value).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(c.expiresOn).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(c.expiresOnEpoch).toBe(Math.floor(Date.parse(c.expiresOn) / 1000));
    expect(c.refreshAfterEpoch).toBe(Math.floor(Date.parse(c.refreshAfter) / 1000));
    expect(c.expiresOnEpoch * 1000).toBeGreaterThan(before);
    expect(c.refreshAfterEpoch).toBeLessThan(c.expiresOnEpoch);
    expect((await score(json(run).scoringUri, c.value)).status).toBe(200);
  });

  it('env for aad_token: an Entra token for the ML audience that scores fraud-aad', async () => {
    const run = await aml(['creds', '-p', 'fraud', '-o', 'env']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line).toMatch(/^export [A-Z_]+='[^']*'$/);
    expect(lines.map((l) => l.split('=')[0])).toEqual([
      'export SCORING_URI',
      'export DATA_PLANE_TOKEN',
      'export DATA_PLANE_AUTH_MODE',
      'export DATA_PLANE_TOKEN_EXPIRES_ON',
      'export DATA_PLANE_TOKEN_REFRESH_AFTER',
    ]);
    const token = /DATA_PLANE_TOKEN='([^']+)'/.exec(run.stdout)![1]!;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
      aud: string;
    };
    expect(claims.aud).toBe('https://ml.azure.com');
  });

  it('eval "$(aml-auth creds -p dev -o env)" in bash, then curl scores churn-scorer with the exports', async () => {
    const script = `set -euo pipefail
eval "$("${process.execPath}" dist/cli.js creds -p dev -o env)"
curl -sS --cacert "$CA" -X POST -H "Authorization: Bearer $DATA_PLANE_TOKEN" -H 'Content-Type: application/json' \\
  --data-binary @assets/sample-request.json -w '\\n%{http_code}' "$SCORING_URI"`;
    const out = await bash(script, {...baseEnv, CA: sandbox.descriptor.caCertFile});
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const [body, status] = out.stdout.split('\n');
    expect(status).toBe('200');
    expect(JSON.parse(body!)).toHaveLength(2);
  });

  it('the same eval works for an aad_token endpoint (fraud-aad)', async () => {
    const script = `eval "$("${process.execPath}" dist/cli.js creds -p fraud -o env)" && curl -sS --cacert "$CA" -H "Authorization: Bearer $DATA_PLANE_TOKEN" -H 'Content-Type: application/json' --data-binary @assets/sample-request.json -o /dev/null -w '%{http_code}' "$SCORING_URI"`;
    const out = await bash(script, {...baseEnv, CA: sandbox.descriptor.caCertFile});
    expect(out.stdout).toBe('200');
  });

  it('explicit selectors without a profile: cloud file, service principal from the environment, subscription by name', async () => {
    const run = await aml(
      [
        'creds',
        '--cloud',
        sandbox.descriptor.cloudFile,
        '--auth-method',
        'service-principal',
        '--tenant',
        sandbox.descriptor.tenantId,
        '--subscription',
        'Sandbox Dev',
        '--workspace',
        'ws-dev',
        '--endpoint',
        'churn-scorer',
        '-o',
        'json',
      ],
      {env: {...baseEnv, AZURE_CLIENT_ID: ops.clientId, AML_AUTH_CONFIG_DIR: join(work, 'unused')}},
    );
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({
      profile: null,
      subscriptionId: sub,
      resourceGroup: 'rg-ws-dev',
      authMode: 'key',
    });
    // No profile was asked for, so no profile store was created.
    expect(existsSync(join(work, 'unused'))).toBe(false);
  });

  it('an explicit flag overrides the profile (another endpoint, its own auth mode)', async () => {
    const doc = json(await aml(['creds', '-p', 'dev', '--endpoint', 'loan-aml', '-o', 'json']));
    expect(doc).toMatchObject({profile: 'dev', endpoint: 'loan-aml', authMode: 'aml_token'});
    expect(doc.credential.kind).toBe('aml_token');
  });

  it('--copy hands the key to the system clipboard and prints only a confirmation', async () => {
    const bin = join(work, 'bin');
    const clip = join(work, 'clipboard.txt');
    rmSync(bin, {recursive: true, force: true});
    mkdirSync(bin);
    const seen = join(work, 'clipboard-argv.txt');
    // The tool records its command line and environment too: the secret must reach it on stdin only.
    writeFileSync(
      join(bin, 'xclip'),
      `#!/bin/sh\nprintf '%s\\n' "$0" "$@" > "${seen}"\nenv >> "${seen}"\ncat > "${clip}"\n`,
    );
    chmodSync(join(bin, 'xclip'), 0o755);
    const env = {...baseEnv, PATH: `${bin}:${baseEnv.PATH}`, DISPLAY: ':99'};
    const run = await aml(['creds', '-p', 'dev', '--copy'], {env});
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      '✓ Copied the primary key of churn-scorer to the clipboard (system clipboard).\n',
    );
    const copied = readFileSync(clip, 'utf8');
    const keys = json(await aml(['creds', '-p', 'dev', '-o', 'json'])).keys;
    expect(copied).toBe(keys.primary);
    const commandLine = readFileSync(seen, 'utf8');
    expect(commandLine).toMatch(/xclip\n-selection\nclipboard\n/);
    expect(commandLine).not.toContain(keys.primary);
    expect(run.stdout).not.toContain(keys.primary);
    expect(run.stdout).not.toContain(keys.secondary);
    rmSync(clip);
  });

  it('--copy with no clipboard and no terminal fails (2) rather than write the secret into the pipe', async () => {
    const run = await aml(['creds', '-p', 'dev', '--copy']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^aml-auth: could not copy: no clipboard tool/);
  });
});

describe('aml-auth invoke', () => {
  it('text: the response body on stdout, nothing on stderr', async () => {
    const run = await aml(['invoke', '-p', 'dev', '--request', 'assets/sample-request.json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const body = JSON.parse(run.stdout) as number[];
    expect(body).toHaveLength(2);
  });

  it('--include: status, latency, deployment and request ID before the body — never the credential', async () => {
    const run = await aml([
      'invoke',
      '-p',
      'dev',
      '--request',
      'assets/sample-request.json',
      '--include',
    ]);
    expect(run.code).toBe(0);
    const [head, body] = run.stdout.split('\n\n');
    expect(head).toMatch(
      /^status: 200\nlatency-ms: \d+(\.\d)?\ndeployment: (blue|green)\nrequest-id: [0-9a-f-]{36}\ncontent-type: application\/json/,
    );
    expect(head).not.toMatch(/authorization|bearer/i);
    expect(JSON.parse(body!)).toHaveLength(2);
  });

  it('behind an HTTPS proxy (HTTPS_PROXY): the scoring request tunnels through it too', async () => {
    // A CONNECT proxy, as corporate proxies are; the cloud's CA is trusted the way a proxy setup
    // trusts one (NODE_EXTRA_CA_CERTS: the SDKs' proxy agents take no CA of their own).
    const tunnels: string[] = [];
    const proxy = http.createServer((_, res) => res.writeHead(405).end());
    proxy.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const [host, port] = (req.url ?? '').split(':');
      const upstream = net.connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as AddressInfo).port;
    const env = {
      ...baseEnv,
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
      NODE_EXTRA_CA_CERTS: sandbox.descriptor.caCertFile,
    };
    // The SDKs' proxy agent opens a tunnel per request: two more scoring requests, two more
    // tunnels (none, had they gone around the proxy).
    const through = async (repeat: number) => {
      tunnels.length = 0;
      const run = await aml(
        ['invoke', '-p', 'dev', '--request', SAMPLE, '--repeat', String(repeat), '-o', 'json'],
        {env},
      );
      expect(run.code, run.stderr).toBe(0);
      expect(json(run).statuses).toEqual({200: repeat});
      return [...tunnels];
    };
    try {
      await through(2); // the profile learns the scoring URI: later runs skip that GET
      const two = await through(2);
      const four = await through(4);
      expect(two.length).toBeGreaterThan(2);
      expect(four.length - two.length).toBe(2);
    } finally {
      proxy.closeAllConnections();
      proxy.close();
    }
  });

  it('json: the documented schema', async () => {
    const run = await aml(['invoke', '-p', 'dev', '--request', SAMPLE, '-o', 'json']);
    expect(run.code).toBe(0);
    const doc = json(run);
    expect(Object.keys(doc)).toEqual([
      'endpoint',
      'scoringUri',
      'status',
      'ok',
      'latencyMs',
      'deployment',
      'requestId',
      'contentType',
      'modelError',
      'retryAfterSeconds',
      'body',
      'json',
      'failure',
    ]);
    expect(doc).toMatchObject({
      endpoint: 'churn-scorer',
      status: 200,
      ok: true,
      modelError: null,
      failure: null,
    });
    expect(doc.json).toEqual(JSON.parse(doc.body));
  });

  it('env: SCORING_* exports', async () => {
    const run = await aml(['invoke', '-p', 'dev', '--request', SAMPLE, '-o', 'env']);
    expect(run.code).toBe(0);
    const out = await bash(`eval "$X"; printf '%s %s' "$SCORING_STATUS" "$SCORING_RESPONSE"`, {
      ...baseEnv,
      X: run.stdout,
    });
    expect(out.stdout).toMatch(/^200 \[[\d.]+,[\d.]+\]$/);
  });

  it('--deployment targets one deployment, 0 % traffic included (loan-aml v2)', async () => {
    const green = json(
      await aml([
        'invoke',
        '-p',
        'dev',
        '--request',
        SAMPLE,
        '--deployment',
        'green',
        '-o',
        'json',
      ]),
    );
    expect(green.deployment).toBe('green');
    const v2 = json(
      await aml(['invoke', '-p', 'loan', '--request', SAMPLE, '--deployment', 'v2', '-o', 'json']),
    );
    expect(v2).toMatchObject({status: 200, deployment: 'v2'});
  });

  it('--repeat 10: p50/p95 and the traffic split 90/10', async () => {
    const run = await aml([
      'invoke',
      '-p',
      'dev',
      '--request',
      SAMPLE,
      '--repeat',
      '10',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(0);
    const doc = json(run);
    expect(doc.count).toBe(10);
    expect(doc.statuses).toEqual({'200': 10});
    expect(doc.deployments).toEqual([
      {name: 'blue', count: 9, share: 0.9},
      {name: 'green', count: 1, share: 0.1},
    ]);
    expect(doc.p95Ms).toBeGreaterThanOrEqual(doc.p50Ms);
    expect(doc.requests).toHaveLength(10);
    const text = await aml(['invoke', '-p', 'dev', '--request', SAMPLE, '--repeat', '10']);
    expect(text.stdout).toMatch(
      /^10 requests to churn-scorer: 10 × 200\nlatency {2}p50 [\d.]+ ms {2}p95 [\d.]+ ms\n/,
    );
    expect(text.stdout).toMatch(/blue\s+90%\s+9/);
  });

  it('the request from stdin (--request -), an aml token and an Entra token', async () => {
    const loan = await aml(['invoke', '-p', 'loan', '--request', '-'], {
      input: readFileSync(SAMPLE, 'utf8'),
    });
    expect(loan.code).toBe(0);
    const fraud = await aml(['invoke', '-p', 'fraud', '--request', '-', '-o', 'json'], {
      input: readFileSync(SAMPLE, 'utf8'),
    });
    expect(json(fraud)).toMatchObject({status: 200, deployment: 'main'});
  });
});

describe('aml-auth roles check', () => {
  it('text: the checklist for the signed-in identity', async () => {
    const run = await aml(['roles', 'check', '-p', 'dev']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `Permission preflight for ${ops.clientId} (ServicePrincipal ${ops.objectId})`,
    );
    expect(run.stdout).toMatch(
      /✓ read the endpoint\s+required\s+Microsoft\.MachineLearningServices\/workspaces\/onlineEndpoints\/read/,
    );
    expect(run.stdout).toMatch(/✓ list keys\s+required/);
    expect(run.stdout).toContain('✓ everything the key auth mode needs is granted');
  });

  it('json and env', async () => {
    const doc = json(await aml(['roles', 'check', '-p', 'fraud', '-o', 'json']));
    expect(Object.keys(doc)).toEqual([
      'principal',
      'endpoint',
      'ok',
      'missing',
      'checks',
      'unreadableRoles',
    ]);
    expect(doc.unreadableRoles).toEqual([]);
    expect(doc.principal).toEqual({
      objectId: ops.objectId,
      type: 'ServicePrincipal',
      name: ops.clientId,
      signedIn: true,
    });
    expect(doc.endpoint).toMatchObject({name: 'fraud-aad', authMode: 'aad_token'});
    expect(doc.checks.find((c: {id: string}) => c.id === 'score')).toMatchObject({
      need: 'required',
      ok: true,
    });
    const env = await aml(['roles', 'check', '-p', 'dev', '-o', 'env']);
    expect(env.stdout).toContain("export PREFLIGHT_OK='true'\nexport PREFLIGHT_MISSING=''\n");
  });

  it('--principal: another identity missing a required permission → the list, and exit 4', async () => {
    const run = await aml([
      'roles',
      'check',
      '-p',
      'dev',
      '--principal',
      scoring.objectId,
      '--principal-type',
      'ServicePrincipal',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(4);
    const doc = json(run);
    expect(doc.principal).toEqual({
      objectId: scoring.objectId,
      type: 'ServicePrincipal',
      name: null,
      signedIn: false,
    });
    expect(doc.ok).toBe(false);
    expect(doc.missing).toEqual([
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action',
    ]);
    expect(run.stderr).toMatch(
      /^aml-auth: permission denied: .* lacks Microsoft\.MachineLearningServices\/workspaces\/onlineEndpoints\/listKeys\/action on churn-scorer/,
    );
    // The hand-off for a missing listKeys: a role that grants it, at the workspace, with the
    // commands themselves (and never Score Only, which does not grant listKeys).
    const ws = `/subscriptions/${doc.endpoint.subscriptionId}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
    const command = `az role assignment create --assignee-object-id ${scoring.objectId} --assignee-principal-type ServicePrincipal --role 'f6c7c914-8db3-469d-8ca1-694a8f32e121' --scope '${ws}'`;
    expect(doc.handOff).toEqual({role: 'AzureML Data Scientist', scope: ws, commands: [command]});
    expect(run.stderr).toContain(
      `hint: assign AzureML Data Scientist (it grants that) at ${ws}; \`aml-auth\` (the wizard) can do it, or hand these commands to an admin (an Owner or User Access Administrator there):\n    ${command}\n`,
    );
    expect(run.stderr).not.toContain('Score Only');
  });

  it('a role definition the caller may not read: the check goes on and names it (exit 4, not 2)', async () => {
    // scoring-client (Reader on ws-dev) reads its own assignment there, not the definition at
    // the subscription that the assignment names.
    const run = await aml(
      [
        'roles',
        'check',
        '-p',
        'scorer',
        '--principal',
        scoring.objectId,
        '--principal-type',
        'ServicePrincipal',
        '-o',
        'json',
      ],
      {env: {...baseEnv, AZURE_CLIENT_SECRET: scoring.clientSecret}},
    );
    expect(run.code).toBe(4);
    const doc = json(run);
    expect(doc.unreadableRoles).toEqual([
      {
        roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
        scope: expect.stringMatching(/\/workspaces\/ws-dev$/),
        reason: expect.stringMatching(/^AuthorizationFailed: .*roleDefinitions\/read/),
      },
    ]);
    expect(doc.checks.length).toBeGreaterThan(0);
    expect(run.stderr).toMatch(/^aml-auth: warning: could not read role definition /m);
  });
});

describe('aml-auth token inspect', () => {
  it('decodes a token piped from creds -o json, checks it for scoring, never prints it', async () => {
    const creds = await aml(['creds', '-p', 'fraud', '-o', 'json']);
    const token = json(creds).credential.value as string;
    const run = await aml(['token', 'inspect', '--for', 'scoring', '-o', 'json'], {
      input: creds.stdout,
    });
    expect(run.code).toBe(0);
    const doc = json(run);
    expect(doc).toMatchObject({
      audience: 'https://ml.azure.com',
      detectedUse: 'scoring',
      intendedUse: 'scoring',
      expectedAudience: 'https://ml.azure.com',
      audienceOk: true,
      expired: false,
    });
    expect(doc.identity).toMatchObject({kind: 'servicePrincipal', objectId: ops.objectId});
    expect(doc.expiresOnEpoch).toBe(Math.floor(Date.parse(doc.expiresOn) / 1000));
    expect(run.stdout).not.toContain(token);
    expect(run.stdout).not.toContain(token.split('.')[2]!);
  });

  it('text: local times and "in …"; env', async () => {
    const token = json(await aml(['creds', '-p', 'fraud', '-o', 'json'])).credential
      .value as string;
    const text = await aml(['token', 'inspect', '-'], {input: token});
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^JWT \(RS256, key [\w-]+; signature not verified\)/);
    expect(text.stdout).toMatch(/audience\s+https:\/\/ml\.azure\.com \(scoring\)/);
    // A local time, with the date in front when the expiry falls on another day (after 23:00).
    expect(text.stdout).toMatch(/expires\s+(\d{4}-\d\d-\d\d )?\d\d:\d\d:\d\d \(in (59m|1h)/);
    const env = await aml(['token', 'inspect', '-o', 'env'], {input: `Bearer ${token}`});
    expect(env.stdout).toMatch(
      /^export TOKEN_AUDIENCE='https:\/\/ml\.azure\.com'\nexport TOKEN_USE='scoring'\n/,
    );
  });

  it('flags a management token meant for scoring (exit 2)', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    const run = await aml(['token', 'inspect', '--for', 'scoring', '-p', 'dev'], {input: token});
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/✗ wrong for scoring: needs https:\/\/ml\.azure\.com/);
    expect(run.stderr).toMatch(
      /^aml-auth: wrong audience for scoring: the token is for https:\/\/management\.azure\.com/,
    );
  });

  it('a key is not a JWT (exit 2)', async () => {
    const run = await aml(['token', 'inspect'], {input: 'Zm9vYmFy'});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^aml-auth: not a JWT: a JWT has three dot-separated parts; this value has 1/,
    );
  });
});

describe('aml-auth profiles', () => {
  it('list: text, json, env', async () => {
    const text = await aml(['profiles', 'list']);
    expect(text.code).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(
      /^NAME\s+ENDPOINT\s+AUTH MODE\s+WORKSPACE\s+SUBSCRIPTION\s+SIGN-IN\s+LAST USED$/,
    );
    expect(text.stdout).toMatch(
      /\nloan\s+loan-aml\s+aml_token\s+ws-dev\s+Sandbox Dev\s+service-principal/,
    );
    const doc = json(await aml(['profiles', 'list', '-o', 'json']));
    expect(doc.path).toBe(join(configDir, 'config.json'));
    expect(doc.profiles.map((p: {name: string}) => p.name).sort()).toEqual([
      'dev',
      'fraud',
      'interactive',
      'loan',
      'scorer',
    ]);
    const env = await aml(['profiles', 'list', '-o', 'env']);
    expect(env.stdout).toMatch(/^export AML_AUTH_PROFILES='[\w ]+'\n$/);
  });

  it('show: text, json, env — no secret', async () => {
    const text = await aml(['profiles', 'show', 'dev']);
    expect(text.stdout).toMatch(/^dev\n {2}cloud\s+\S+cloud\.json\n/);
    expect(text.stdout).toContain(`sign-in         service-principal (client ID ${ops.clientId})`);
    const doc = json(await aml(['profiles', 'show', '-p', 'loan', '-o', 'json']));
    expect(doc.profile).toMatchObject({
      name: 'loan',
      endpoint: 'loan-aml',
      authMode: 'aml_token',
      subscription: {id: sub, name: 'Sandbox Dev'},
    });
    expect(doc.profile.lastUsedAtEpoch).toBe(Math.floor(Date.parse(doc.profile.lastUsedAt) / 1000));
    const env = await aml(['profiles', 'show', 'dev', '-o', 'env']);
    const out = await bash(`eval "$X"; printf %s "$AML_AUTH_ENDPOINT/$AML_AUTH_WORKSPACE"`, {
      ...baseEnv,
      X: env.stdout,
    });
    expect(out.stdout).toBe('churn-scorer/ws-dev');
  });

  it('rename and rm, in each format', async () => {
    const {store} = openProfileStore({dir: configDir});
    store.save(profile({name: 'tmp-a', endpoint: 'churn-scorer', authMode: 'key'}));
    expect((await aml(['profiles', 'rename', 'tmp-a', 'tmp-b'])).stdout).toBe(
      'Renamed profile "tmp-a" to "tmp-b".\n',
    );
    expect(json(await aml(['profiles', 'rename', 'tmp-b', 'tmp-c', '-o', 'json'])).renamed).toEqual(
      {from: 'tmp-b', to: 'tmp-c'},
    );
    expect((await aml(['profiles', 'rename', 'tmp-c', 'tmp-d', '-o', 'env'])).stdout).toBe(
      "export AML_AUTH_PROFILE='tmp-d'\n",
    );
    const clash = await aml(['profiles', 'rename', 'tmp-d', 'dev']);
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/^aml-auth: A profile named "dev" already exists\./);
    expect(json(await aml(['profiles', 'rm', 'tmp-d', '-o', 'json'])).removed.name).toBe('tmp-d');
    store.save(profile({name: 'tmp-e', endpoint: 'churn-scorer', authMode: 'key'}));
    store.save(profile({name: 'tmp-f', endpoint: 'churn-scorer', authMode: 'key'}));
    expect((await aml(['profiles', 'rm', 'tmp-e'])).stdout).toBe(
      'Removed profile "tmp-e" (churn-scorer in ws-dev).\n',
    );
    expect((await aml(['profiles', 'rm', 'tmp-f', '-o', 'env'])).stdout).toBe(
      "export AML_AUTH_PROFILE='tmp-f'\n",
    );
    expect(
      openProfileStore({dir: configDir})
        .store.list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['dev', 'fraud', 'interactive', 'loan', 'scorer']);
  });
});

describe('exit codes, each from a real cause', () => {
  it('2: a profile that does not exist', async () => {
    const run = await aml(['creds', '-p', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^aml-auth: No profile named "nope"\.\n {2}hint: Saved profiles: dev, fraud, interactive, loan, scorer\.\n$/,
    );
  });

  it('2: an unknown flag or command, with "did you mean"', async () => {
    const flag = await aml(['creds', '--profle', 'dev']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe("aml-auth: unknown option '--profle'\n(Did you mean --profile?)\n");
    const command = await aml(['crds', '-p', 'dev']);
    expect(command.code).toBe(2);
    expect(command.stderr).toMatch(/unknown command 'crds'\n\(Did you mean creds\?\)/);
    const output = await aml(['creds', '-p', 'dev', '-o', 'xml']);
    expect(output.code).toBe(2);
    expect(output.stderr).toMatch(
      /argument 'xml' is invalid\. Allowed choices are text, json, jsonc, tsv, table, yaml, none, env/,
    );
  });

  it('2: an invalid request file, with line and column, before any network call', async () => {
    const bad = join(work, 'bad.json');
    writeFileSync(bad, '{\n  "input_data": [[1, 2, 3, 4],\n  ]\n}\n');
    sandbox.clearRequests();
    const run = await aml(['invoke', '-p', 'dev', '--request', bad]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^aml-auth: \S+bad\.json is not valid JSON at line 3, column 3: /);
    const missing = await aml(['invoke', '-p', 'dev', '--request', join(work, 'absent.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/absent\.json does not exist/);
    expect(sandbox.requests()).toEqual([]);
  });

  it('3: no credentials without a TTY — a device-code profile, and a service principal without its secret', async () => {
    sandbox.clearRequests();
    const device = await aml(['creds', '-p', 'interactive']);
    expect(device.code).toBe(3);
    expect(device.stderr).toMatch(
      /^aml-auth: this sign-in needs a device code, which a command shows only with --device-code\n {2}hint: add --device-code .*`az login` then --auth-method cli/,
    );
    const env = {...baseEnv};
    delete env.AZURE_CLIENT_SECRET;
    const sp = await aml(['creds', '-p', 'dev'], {env});
    expect(sp.code).toBe(3);
    expect(sp.stderr).toMatch(
      /^aml-auth: service-principal sign-in reads the client secret from AZURE_CLIENT_SECRET, which is not set/,
    );
    expect(sandbox.requests()).toEqual([]);
  });

  it('3: a refused client secret', async () => {
    const run = await aml(['creds', '-p', 'dev'], {
      env: {...baseEnv, AZURE_CLIENT_SECRET: 'not-the-secret'},
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^aml-auth: The client secret is wrong: /);
    expect(run.stderr).not.toContain('not-the-secret');
  });

  it('0 with --device-code: the code goes to stderr and, once approved, the credential to stdout', async () => {
    const {child, done} = spawnCli(['creds', '-p', 'interactive', '--device-code', '-o', 'json']);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    await waitFor(
      () => /enter the code ([A-Z0-9]{6,})/.test(stderr),
      15_000,
      'the device code on stderr',
    );
    sandbox.approveDeviceCode(/enter the code ([A-Z0-9]{6,})/.exec(stderr)![1]!, 'owner');
    const run = await done;
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({endpoint: 'churn-scorer', credential: {kind: 'key'}});
    expect(run.stderr).toMatch(
      /^To sign in, use a web browser to open the page https:\/\/127\.0\.0\.1:\d+\/devicelogin/,
    );
  });

  it('4: scoring-client may read the endpoint but not list its keys', async () => {
    const run = await aml(['creds', '-p', 'scorer'], {
      env: {...baseEnv, AZURE_CLIENT_SECRET: scoring.clientSecret},
    });
    expect(run.code).toBe(4);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toMatch(
      /^aml-auth: Can't list the keys of churn-scorer: missing permission: .*Microsoft\.MachineLearningServices\/workspaces\/onlineEndpoints\/listKeys\/action/,
    );
    expect(run.stderr).toMatch(
      /hint: .*lacks 'Microsoft\.MachineLearningServices\/workspaces\/onlineEndpoints\/listKeys\/action'/,
    );
  });

  it('5: an endpoint, a deployment or a subscription that does not exist', async () => {
    const endpoint = await aml(['creds', '-p', 'dev', '--endpoint', 'no-such-endpoint']);
    expect(endpoint.code).toBe(5);
    expect(endpoint.stderr).toMatch(/^aml-auth: Can't get endpoint no-such-endpoint: not found/);
    const deployment = await aml([
      'invoke',
      '-p',
      'dev',
      '--request',
      SAMPLE,
      '--deployment',
      'purple',
    ]);
    expect(deployment.code).toBe(5);
    expect(deployment.stderr).toBe(
      'aml-auth: endpoint churn-scorer has no deployment named "purple"\n  hint: deployments: blue (90%), green (10%)\n',
    );
    const subscription = await aml(['creds', '-p', 'dev', '--subscription', 'Sandbox Nowhere']);
    expect(subscription.code).toBe(5);
    expect(subscription.stderr).toMatch(
      /^aml-auth: no subscription named "Sandbox Nowhere" is visible to this identity\n {2}hint: subscriptions: Sandbox Dev/,
    );
  });

  it('6: a 424 from a 3-feature payload — the body on stdout, the status on stderr', async () => {
    const run = await aml(['invoke', '-p', 'dev', '--request', '-'], {
      input: '{"input_data": [[1, 2, 3]]}',
    });
    expect(run.code).toBe(6);
    expect(JSON.parse(run.stdout)).toEqual({error: expect.stringMatching(/4 features/)});
    expect(run.stderr.split('\n')[0]).toMatch(
      /^aml-auth: churn-scorer answered HTTP 424 \(deployment (blue|green), request ID [0-9a-f-]{36}\): 424: the model returned an error/,
    );
  });

  it('1: the cloud does not answer (a cloud file whose port is closed)', async () => {
    const net = await import('node:net');
    const port = await new Promise<number>((done) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as {port: number}).port;
        server.close(() => done(p));
      });
    });
    const descriptor = JSON.parse(readFileSync(sandbox.descriptor.cloudFile, 'utf8')) as Record<
      string,
      unknown
    >;
    const dead = join(work, 'dead-cloud.json');
    writeFileSync(
      dead,
      JSON.stringify(descriptor).split(`127.0.0.1:${sandbox.port}`).join(`127.0.0.1:${port}`),
    );
    const run = await aml(['creds', '-p', 'dev', '--cloud', dead]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^aml-auth: Couldn't sign in: nothing answers at 127\.0\.0\.1:\d+/);
  });

  it('130: SIGINT during a long scoring call', async () => {
    sandbox.setFaults('scoring:latency=4s');
    try {
      sandbox.clearRequests();
      const {child, done} = spawnCli(['invoke', '-p', 'dev', '--request', SAMPLE]);
      await waitFor(
        () => sandbox.requests().some((r) => /\/listKeys/i.test(r.path) && r.status === 200),
        15_000,
        'the keys to be fetched',
      );
      await new Promise((r) => setTimeout(r, 300));
      const sent = Date.now();
      child.kill('SIGINT');
      const run = await done;
      const took = Date.now() - sent;
      expect(run.code).toBe(130);
      expect(took).toBeLessThan(1500); // well before the 4 s answer: the call was cancelled
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^aml-auth: interrupted\n$/);
      await waitFor(
        () => sandbox.requests().some((r) => r.surface === 'scoring'),
        5000,
        'the scoring request in the log',
      );
    } finally {
      sandbox.setFaults('');
    }
  });
});

describe('help', () => {
  it.each([
    ['creds'],
    ['invoke'],
    ['roles', 'check'],
    ['token', 'inspect'],
    ['profiles', 'list'],
    ['profiles', 'show'],
    ['profiles', 'rename'],
    ['profiles', 'rm'],
  ])('%s --help: real examples and the exit codes', async (...command: string[]) => {
    const run = await aml([...command, '--help']);
    expect(run.code).toBe(0);
    const examples = run.stdout.slice(
      run.stdout.indexOf('Examples:'),
      run.stdout.indexOf('Exit codes:'),
    );
    expect(examples).toMatch(/^Examples:\n {2}\$ aml-auth /);
    expect(examples).toContain(`aml-auth ${command.join(' ')}`);
    expect(run.stdout).toContain('Exit codes:\n  0    success');
    expect(run.stdout).toContain('130  interrupted');
  });
});

describe('Resource Manager retries', () => {
  it('a throttled call says on stderr that it waits and retries, then succeeds', async () => {
    sandbox.setFaults('arm:429:next=1:retry-after=1');
    try {
      const run = await aml(['creds', '-p', 'dev', '-o', 'json']);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toMatch(
        /^aml-auth: Resource Manager at 127\.0\.0\.1:\d+ is throttling \(429\): retrying in 1 s \(attempt 2 of 4\)$/m,
      );
      expect(JSON.parse(run.stdout)).toMatchObject({authMode: 'key'});
    } finally {
      sandbox.setFaults('');
    }
  });
});

describe('secrets', () => {
  it('--debug routes the Azure SDK log to stderr with every secret redacted', async () => {
    const run = await aml(['invoke', '-p', 'dev', '--request', SAMPLE, '--debug']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^azure:identity:info ClientSecretCredential/m);
    expect(run.stderr).toMatch(/^azure:core-rest-pipeline:info Request: /m);
    expect(run.stderr).toContain('aml-auth: signing in with service-principal');
    const creds = await aml(['creds', '-p', 'fraud', '-o', 'json', '--debug']);
    expect(creds.code).toBe(0);
    const token = json(creds).credential.value as string;
    expect(creds.stderr).toMatch(/azure:identity:info/);
    expect(creds.stderr).not.toContain(token);
  });

  it('no key, token or client secret in any stderr, and none in any file of the config dir, $HOME or $TMPDIR', async () => {
    // Every credential the runs above could have seen, fetched afresh.
    const keys = json(await aml(['creds', '-p', 'dev', '-o', 'json'])).keys;
    const secrets = [ops.clientSecret, scoring.clientSecret, keys.primary, keys.secondary];
    for (const run of transcripts) {
      if (run.args[0] !== 'creds' && run.args[0] !== 'profiles') continue;
      const doc =
        run.code === 0 && run.stdout.startsWith('{')
          ? (JSON.parse(run.stdout) as {credential?: {value?: string}})
          : undefined;
      if (doc?.credential?.value) secrets.push(doc.credential.value);
      const exported = /^export DATA_PLANE_TOKEN='([^']+)'$/m.exec(run.stdout);
      if (exported) secrets.push(exported[1]!);
    }
    expect(secrets.length).toBeGreaterThan(6);
    for (const run of transcripts) {
      for (const secret of secrets)
        expect(run.stderr, `stderr of ${run.args.join(' ')}`).not.toContain(secret);
      expect(run.stderr, `stderr of ${run.args.join(' ')}`).not.toMatch(
        /eyJ[\w-]{10,}\.eyJ[\w-]{10,}\.[\w-]+/,
      );
    }
    // Only `creds` prints a credential on stdout.
    for (const run of transcripts.filter((r) => r.args[0] !== 'creds')) {
      for (const secret of secrets)
        expect(run.stdout, `stdout of ${run.args.join(' ')}`).not.toContain(secret);
    }
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk(configDir);
    expect(files.length).toBeGreaterThan(0);
    walk(join(work, 'home'));
    walk(join(work, 'tmp'));
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const secret of secrets) expect(text, file).not.toContain(secret);
      expect(text, file).not.toMatch(/eyJ[\w-]{10,}\.eyJ/);
    }
  });

  it('no escape codes anywhere without a TTY (NO_COLOR set, or just pipes)', async () => {
    const env = {...baseEnv};
    delete env.NO_COLOR;
    const colourless = await aml(['roles', 'check', '-p', 'dev', '--principal', scoring.objectId], {
      env,
    });
    expect(colourless.stdout).toContain('✗ list keys');
    expect(transcripts.length).toBeGreaterThan(40);
    for (const run of transcripts) {
      expect(run.stdout, run.args.join(' ')).not.toContain('\u001b');
      expect(run.stderr, run.args.join(' ')).not.toContain('\u001b');
    }
  });
});
