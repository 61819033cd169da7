import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore, type ProfileInput} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// Azure CLI's output conventions on every command (issue 15, item 2): -o json|jsonc|tsv|table|
// yaml|none and --query (JMESPath), through the built CLI with pipes against a sandbox; and the
// guide's lines — `az ml online-endpoint get-credentials … -o tsv --query accessToken` — with
// `aml-auth creds` in its place, into `export` lines in a real bash, then a real curl.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: RunningSandbox;
let work: string;
let env: NodeJS.ProcessEnv;

function spawnRun(cmd: string, args: string[], input = ''): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {cwd: root, env, stdio: ['pipe', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin.end(input);
    child.once('close', (code) => done({code, stdout, stderr}));
  });
}
const aml = (args: string[], input?: string) => spawnRun(process.execPath, [cli, ...args], input);
const bash = (script: string) => spawnRun('bash', ['--norc', '--noprofile', '-c', script]);

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  sandbox = await startTestSandbox();
  work = mkdtempSync(join(tmpdir(), 'aml-auth-output-'));
  const ops = principal(sandbox, 'ops-automation');
  const base = (over: Pick<ProfileInput, 'name' | 'endpoint' | 'authMode'>): ProfileInput => ({
    cloud: sandbox.descriptor.cloudFile,
    tenantId: sandbox.descriptor.tenantId,
    signIn: {method: 'service-principal', clientId: ops.clientId!},
    subscription: {id: subscriptionId(sandbox), name: 'Sandbox Dev'},
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    ...over,
  });
  const {store} = openProfileStore({dir: join(work, 'config')});
  store.save(base({name: 'dev', endpoint: 'churn-scorer', authMode: 'key'}));
  store.save(base({name: 'loan', endpoint: 'loan-aml', authMode: 'aml_token'}));
  store.save(base({name: 'fraud', endpoint: 'fraud-aad', authMode: 'aad_token'}));
  for (const n of ['tmp-a', 'tmp-b']) store.save(base({name: n, endpoint: 'x', authMode: 'key'}));
  env = {
    ...cleanEnv(),
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: join(work, 'config'),
    AZURE_CLIENT_SECRET: ops.clientSecret!,
    CA: sandbox.descriptor.caCertFile,
  };
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe("creds: az's field names, so the guide's lines carry over", () => {
  it('key mode: primaryKey and secondaryKey beside ours', async () => {
    const doc = JSON.parse((await aml(['creds', '-p', 'dev', '-o', 'json'])).stdout);
    expect(doc.primaryKey).toBe(doc.keys.primary);
    expect(doc.secondaryKey).toBe(doc.keys.secondary);
    expect(doc.primaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(doc).not.toHaveProperty('accessToken');
  });

  it('token modes: accessToken, expiryTimeUtc and refreshAfterTimeUtc in epoch seconds, tokenType', async () => {
    for (const p of ['loan', 'fraud']) {
      const doc = JSON.parse((await aml(['creds', '-p', p, '-o', 'json'])).stdout);
      expect(doc.accessToken).toBe(doc.credential.value);
      expect(doc.expiryTimeUtc).toBe(doc.credential.expiresOnEpoch);
      expect(doc.refreshAfterTimeUtc).toBe(doc.credential.refreshAfterEpoch);
      expect(Number.isInteger(doc.expiryTimeUtc)).toBe(true);
      expect(doc.tokenType).toBe('Bearer');
      expect(doc).not.toHaveProperty('primaryKey');
    }
  });

  it('export VAR=$(aml-auth creds … -o tsv --query X) for each mode, then curl scores 200', async () => {
    const A = `"${process.execPath}" dist/cli.js`;
    const script = `set -euo pipefail
export SCORING_URI=$(${A} creds -p loan --query scoringUri -o tsv)
export DATA_PLANE_TOKEN=$(${A} creds -p loan -o tsv --query accessToken)
export EXPIRES=$(${A} creds -p loan --query expiryTimeUtc -o tsv)
export KEY_URI=$(${A} creds -p dev --query scoringUri -o tsv)
export PRIMARY_KEY=$(${A} creds -p dev --query primaryKey -o tsv)
export AAD_URI=$(${A} creds -p fraud --query scoringUri -o tsv)
export AAD_TOKEN=$(${A} creds -p fraud --query accessToken -o tsv)
post() { curl -sS --cacert "$CA" -o /dev/null -w '%{http_code}\\n' -H "Authorization: Bearer $1" -H 'Content-Type: application/json' --data-binary @assets/sample-request.json "$2"; }
post "$DATA_PLANE_TOKEN" "$SCORING_URI"
post "$PRIMARY_KEY" "$KEY_URI"
post "$AAD_TOKEN" "$AAD_URI"
[ "$EXPIRES" -gt "$(date +%s)" ] && echo expiry-in-future`;
    const r = await bash(script);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('200\n200\n200\nexpiry-in-future\n');
  });
});

describe('-o and --query on every command', () => {
  it('creds: table, yaml, jsonc, none; a multiselect keeps its order in tsv', async () => {
    const table = await aml([
      'creds',
      '-p',
      'loan',
      '--query',
      '{mode: authMode, type: tokenType}',
      '-o',
      'table',
    ]);
    expect(table.stdout).toBe('Mode       Type\n---------  ------\naml_token  Bearer\n');
    const tsv = await aml([
      'creds',
      '-p',
      'dev',
      '--query',
      '{b: endpoint, a: authMode}',
      '-o',
      'tsv',
    ]);
    expect(tsv.stdout).toBe('churn-scorer\tkey\n');
    const yaml = await aml([
      'creds',
      '-p',
      'dev',
      '--query',
      '{endpoint: endpoint, mode: authMode}',
      '-o',
      'yaml',
    ]);
    expect(yaml.stdout).toBe('endpoint: churn-scorer\nmode: key\n');
    const jsonc = await aml(['creds', '-p', 'dev', '--query', 'authMode', '-o', 'jsonc']);
    expect(jsonc.stdout).toBe('"key"\n');
    const none = await aml(['creds', '-p', 'dev', '-o', 'none']);
    expect(none.code).toBe(0);
    expect(none.stdout).toBe('');
  });

  it('--query without -o prints JSON, as az does; a query that selects nothing prints nothing', async () => {
    expect((await aml(['creds', '-p', 'dev', '--query', 'authMode'])).stdout).toBe('"key"\n');
    const nothing = await aml(['creds', '-p', 'dev', '--query', 'noSuchField', '-o', 'tsv']);
    expect(nothing.code).toBe(0);
    expect(nothing.stdout).toBe('');
  });

  it('invoke: --query status and the body', async () => {
    const r = await aml([
      'invoke',
      '-p',
      'dev',
      '--request',
      'assets/sample-request.json',
      '--query',
      'status',
      '-o',
      'tsv',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('200\n');
    const rep = await aml([
      'invoke',
      '-p',
      'dev',
      '--request',
      'assets/sample-request.json',
      '--repeat',
      '3',
      '-o',
      'yaml',
      '--query',
      '{n: count}',
    ]);
    expect(rep.code, rep.stderr).toBe(0);
    expect(rep.stdout).toMatch(/^n: 3\n$/);
  });

  it('roles check: the checklist as tsv rows', async () => {
    const r = await aml([
      'roles',
      'check',
      '-p',
      'dev',
      '--query',
      'checks[].[action, ok]',
      '-o',
      'tsv',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row[0]).toMatch(
        /^Microsoft\.(MachineLearningServices|Authorization|Insights|OperationalInsights)\//,
      );
      expect(row[1]).toBe('True');
    }
  });

  it('token inspect: claims by query, read from creds -o json on stdin', async () => {
    const doc = (await aml(['creds', '-p', 'fraud', '-o', 'json'])).stdout;
    const r = await aml(['token', 'inspect', '--query', 'audience', '-o', 'tsv'], doc);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('https://ml.azure.com\n');
  });

  it('profiles list, show, rename and rm', async () => {
    const names = await aml(['profiles', 'list', '--query', 'profiles[].name', '-o', 'tsv']);
    expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual([
      'dev',
      'fraud',
      'loan',
      'tmp-a',
      'tmp-b',
    ]);
    const table = await aml([
      'profiles',
      'list',
      '--query',
      "profiles[?name=='dev'].{name: name, endpoint: endpoint}",
      '-o',
      'table',
    ]);
    expect(table.stdout).toBe('Name    Endpoint\n------  ------------\ndev     churn-scorer\n');
    const show = await aml([
      'profiles',
      'show',
      'loan',
      '--query',
      'profile.authMode',
      '-o',
      'tsv',
    ]);
    expect(show.stdout).toBe('aml_token\n');
    const renamed = await aml([
      'profiles',
      'rename',
      'tmp-a',
      'tmp-c',
      '--query',
      'renamed.to',
      '-o',
      'tsv',
    ]);
    expect(renamed.stdout).toBe('tmp-c\n');
    const removed = await aml(['profiles', 'rm', 'tmp-b', '-o', 'none']);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe('');
  });
});

describe('bad --query and -o: one line, exit 2, before anything is done', () => {
  it('an expression that does not parse', async () => {
    // No secret in this environment: had the command signed in, it would fail with exit 3.
    const r = await spawnRun(
      process.execPath,
      [cli, 'creds', '-p', 'dev', '--query', '[?name=='],
      '',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(
      /^aml-auth: --query '\[\?name==' is not a JMESPath expression: .+\n {2}hint: .+\n$/,
    );
  });

  it('an expression that fails on the result names it', async () => {
    const r = await aml(['profiles', 'list', '--query', 'length(profiles[0].name) + `1`']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--query with -o text or env is refused, naming the formats that take it', async () => {
    for (const o of ['text', 'env']) {
      const r = await aml(['profiles', 'list', '--query', 'profiles', '-o', o]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`-o ${o} is not one`);
      expect(r.stderr).toContain('use -o json, jsonc, tsv, table or yaml');
    }
  });

  it('an unknown -o lists the formats', async () => {
    const r = await aml(['profiles', 'list', '-o', 'xml']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/text, json, jsonc, tsv, table, yaml, none, env/);
  });

  it('secrets never reach stderr', async () => {
    const r = await aml(['creds', '-p', 'dev', '--query', 'primaryKey', '-o', 'tsv']);
    expect(r.stderr).toBe('');
    const key = r.stdout.trim();
    const all = await aml(['creds', '-p', 'dev', '-o', 'yaml', '--debug']);
    expect(all.stdout).toContain(key);
    expect(all.stderr).not.toContain(key);
    for (const f of readdirSync(join(work, 'config')))
      expect(readFileSync(join(work, 'config', f), 'utf8')).not.toContain(key);
  });
});
