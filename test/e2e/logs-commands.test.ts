import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore, type ProfileInput} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// `aml-auth logs …` as a script runs it: the built CLI as a child process (no TTY) against a
// sandbox started here, with profiles written through the real store.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = readFileSync(join(root, 'assets/sample-request.json'), 'utf8');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: RunningSandbox;
let work: string;
let env: NodeJS.ProcessEnv;
let scoringEnv: NodeJS.ProcessEnv;
let ops: {clientId: string; clientSecret: string; objectId: string};
let scoring: {clientId: string; clientSecret: string; objectId: string};
let sub: string;
const runs: Run[] = [];

function aml(args: string[], childEnv: NodeJS.ProcessEnv = env): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [cli, ...args], {cwd: root, env: childEnv});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end();
    child.once('close', (code) => {
      const run = {code, stdout, stderr};
      runs.push(run);
      done(run);
    });
  });
}
const json = (run: Run) => JSON.parse(run.stdout) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const lawDev = () =>
  `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.OperationalInsights/workspaces/law-dev`;

beforeAll(async () => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  sandbox = await startTestSandbox();
  const o = principal(sandbox, 'ops-automation');
  const s = principal(sandbox, 'scoring-client');
  ops = {clientId: o.clientId!, clientSecret: o.clientSecret!, objectId: o.objectId};
  scoring = {clientId: s.clientId!, clientSecret: s.clientSecret!, objectId: s.objectId};
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-logs-'));
  const configDir = join(work, 'config');
  const profile = (
    over: Partial<ProfileInput> & Pick<ProfileInput, 'name' | 'endpoint' | 'authMode'>,
  ): ProfileInput => ({
    cloud: sandbox.descriptor.cloudFile,
    tenantId: sandbox.descriptor.tenantId,
    signIn: {method: 'service-principal', clientId: ops.clientId},
    subscription: {id: sub, name: 'Sandbox Dev'},
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    ...over,
  });
  const {store} = openProfileStore({dir: configDir});
  store.save(profile({name: 'dev', endpoint: 'churn-scorer', authMode: 'key'}));
  store.save(profile({name: 'fraud', endpoint: 'fraud-aad', authMode: 'aad_token'}));
  const asScorer = {signIn: {method: 'service-principal' as const, clientId: scoring.clientId}};
  store.save(profile({name: 'scorer', endpoint: 'churn-scorer', authMode: 'key', ...asScorer}));
  store.save(
    profile({name: 'scorer-loan', endpoint: 'loan-aml', authMode: 'aml_token', ...asScorer}),
  );
  // scoring-client: Reader on the ML workspace only (not on the Log Analytics workspace).
  const scope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
  const assigned = await request(
    sandbox,
    `${scope}/providers/Microsoft.Authorization/roleAssignments/${crypto.randomUUID()}?api-version=2022-04-01`,
    {
      method: 'PUT',
      headers: {
        authorization: `Bearer ${await tokenFor(sandbox, 'ops-automation')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        properties: {
          roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`,
          principalId: scoring.objectId,
          principalType: 'ServicePrincipal',
        },
      }),
    },
  );
  expect(assigned.status).toBe(201);
  env = {
    ...cleanEnv(),
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: configDir,
    AZURE_CLIENT_SECRET: ops.clientSecret,
  };
  scoringEnv = {...env, AZURE_CLIENT_SECRET: scoring.clientSecret};
}, 60_000);

afterAll(async () => {
  // Nothing secret ever reaches the output.
  for (const r of runs) {
    for (const secret of [ops.clientSecret, scoring.clientSecret]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    expect(r.stderr).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // no stack trace
  }
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe('aml-auth logs traffic', () => {
  it('json: the seeded churn-scorer history — key callers, the KQL it ran, the summary', async () => {
    const run = await aml(['logs', 'traffic', '-p', 'dev', '-o', 'json']);
    expect(run.code).toBe(0);
    const doc = json(run);
    expect(doc.endpoint.name).toBe('churn-scorer');
    expect(doc.workspace.name).toBe('law-dev');
    expect(doc.since).toBe('1h');
    expect(doc.kql).toContain('| where EndpointName == "churn-scorer"');
    expect(doc.kql).toContain('| where TimeGenerated > ago(1h)');
    expect(doc.requests.length).toBeGreaterThan(3);
    expect(new Set(doc.requests.map((r: {authType: string}) => r.authType))).toEqual(
      new Set(['Key']),
    );
    expect(doc.summary.total).toBe(doc.requests.length);
    expect(doc.summary.byAuthType).toEqual([{authType: 'Key', count: doc.requests.length}]);
  });

  it('text: a table, the summary line, and --show-query prints the KQL', async () => {
    const run = await aml(['logs', 'traffic', '-p', 'dev', '--failures', '--show-query']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Traffic log of churn-scorer — last 1h, from law-dev, failures only/,
    );
    expect(run.stdout).toMatch(/STATUS\s+REASON\s+AUTH\s+CALLER/);
    expect(run.stdout).toContain('key_auth_access_denied');
    expect(run.stdout).toContain('(key: no identity)');
    expect(run.stdout).toMatch(/2 requests · Key 2 · \(no identity\) 2 · 100% failed \(2\)/);
    expect(run.stdout).toContain('| where ResponseCode != 200');
  });

  it('exit 5 while traffic logging is off, naming the command that turns it on', async () => {
    const run = await aml(['logs', 'traffic', '-p', 'fraud']);
    expect(run.code).toBe(5);
    expect(run.stderr).toContain('Traffic logging is off for fraud-aad');
    expect(run.stderr).toContain('aml-auth logs enable');
  });

  it('bad flags: one line with a hint, exit 2, before any sign-in', async () => {
    for (const [args, what] of [
      [['--since', 'soon'], "--since 'soon' is not a time window"],
      [['--auth-type', 'bearer'], "--auth-type 'bearer' is not an auth type"],
      [['--identity', 'bob'], "--identity 'bob' is not an object ID"],
      [['--top', '0'], "--top '0' is not a row count"],
    ] as const) {
      const run = await aml(['logs', 'traffic', '-p', 'dev', ...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(what);
      expect(run.stderr).toMatch(/hint: /);
    }
    const text = await aml(['logs', 'traffic', '-p', 'dev', '-o', 'env']);
    expect(text.code).toBe(2);
  });

  it('a reader of the ML workspace without access to the Log Analytics workspace: exit 4, in the words of the permission', async () => {
    const run = await aml(['logs', 'traffic', '-p', 'scorer'], scoringEnv);
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Microsoft.OperationalInsights/workspaces/query/read');
    expect(run.stderr).toContain('Log Analytics Reader');
  });
});

describe('aml-auth logs enable', () => {
  it('usage: --workspace-id is required and must be a workspace ID or a known name', async () => {
    const missing = await aml(['logs', 'enable', '-p', 'fraud']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('logs enable needs --workspace-id');
    const badId = await aml([
      'logs',
      'enable',
      '-p',
      'fraud',
      '--workspace-id',
      '/subscriptions/x',
    ]);
    expect(badId.code).toBe(2);
    const unknown = await aml(['logs', 'enable', '-p', 'fraud', '--workspace-id', 'law-nope']);
    expect(unknown.code).toBe(5);
    expect(unknown.stderr).toContain('no Log Analytics workspace named "law-nope"');
    expect(unknown.stderr).toContain('law-dev (rg-ws-dev)');
  });

  it('403 without diagnosticSettings/write: exit 4 naming the action and the role', async () => {
    const run = await aml(
      ['logs', 'enable', '-p', 'scorer-loan', '--workspace-id', lawDev()],
      scoringEnv,
    );
    expect(run.code).toBe(4);
    expect(run.stderr).toContain('Microsoft.Insights/diagnosticSettings/write');
    expect(run.stderr).toContain('Monitoring Contributor');
  });

  it('turns it on by name; a second time changes nothing; then two callers show up with their auth type and identity', async () => {
    const on = await aml(['logs', 'enable', '-p', 'fraud', '--workspace-id', 'law-dev']);
    expect(on.code).toBe(0);
    expect(on.stdout).toContain('traffic logging is on for fraud-aad');
    expect(on.stdout).toContain('Records take a few minutes');
    const again = await aml([
      'logs',
      'enable',
      '-p',
      'fraud',
      '--workspace-id',
      lawDev(),
      '-o',
      'json',
    ]);
    expect(again.code).toBe(0);
    expect(json(again)).toMatchObject({
      created: false,
      setting: 'aml-auth-traffic-log',
      status: {on: true},
    });

    const listed = await aml(['logs', 'workspaces', '-p', 'fraud', '-o', 'json']);
    expect(json(listed).workspaces.map((w: {name: string}) => w.name)).toEqual(['law-dev']);

    // ops-automation (Owner) scores with an Entra token; a management token is refused.
    const uri = `${sandbox.url}/inference/fraud-aad.eastus/score`;
    const headers = (t: string) => ({
      authorization: `Bearer ${t}`,
      'content-type': 'application/json',
    });
    const ok = await request(sandbox, uri, {
      method: 'POST',
      headers: headers(await tokenFor(sandbox, 'ops-automation', 'https://ml.azure.com/.default')),
      body: SAMPLE,
    });
    expect(ok.status).toBe(200);
    const wrong = await request(sandbox, uri, {
      method: 'POST',
      headers: headers(await tokenFor(sandbox, 'ops-automation')),
      body: SAMPLE,
    });
    expect(wrong.status).toBe(401);
    sandbox.advanceClock(5_000); // past the ingestion delay

    const all = json(await aml(['logs', 'traffic', '-p', 'fraud', '--since', '15m', '-o', 'json']));
    expect(all.requests).toHaveLength(2);
    expect(all.summary).toMatchObject({total: 2, failures: 1});
    const failed = await aml(['logs', 'traffic', '-p', 'fraud', '--failures', '-o', 'json']);
    expect(json(failed).requests).toMatchObject([
      {
        responseCode: 401,
        responseCodeReason: 'aad_token_invalid_audience',
        authType: 'AADToken',
        identity: ops.objectId,
        identityName: 'ops-automation',
      },
    ]);
    const byId = await aml([
      'logs',
      'traffic',
      '-p',
      'fraud',
      '--request-id',
      ok.headers['x-request-id']!,
      '--auth-type',
      'aad_token',
      '--identity',
      ops.objectId,
    ]);
    expect(byId.code).toBe(0);
    expect(byId.stdout).toMatch(/200\s+OK\s+AADToken\s+ops-automation\s+main/);
    expect(byId.stdout).toContain('1 request · AADToken 1 · ops-automation 1 · 0% failed (0)');
    const keyOnly = await aml(['logs', 'traffic', '-p', 'fraud', '--auth-type', 'key']);
    expect(keyOnly.code).toBe(0);
    expect(keyOnly.stdout).toContain('no requests in this window');
    expect(keyOnly.stderr).toContain('records take a few minutes');
  });
});
