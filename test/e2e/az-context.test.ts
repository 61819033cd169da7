import {execFileSync, spawn} from 'node:child_process';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {AZ_CLOUD_NAME, azRecipe} from '../../source/commands/sandbox';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// Azure CLI's context as the commands' selectors (issue 15, item 3), with files a live az wrote:
// the sandbox registered with `az cloud register` and signed in with `az login`, `az configure
// --defaults group= workspace= location=`, `az cloud show` saved as a cloud file. Needs the `az`
// command (.ci/run installs it); skipped where it is missing.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = JSON.stringify({
  input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]},
});

function findAz(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v az'], {encoding: 'utf8'}).trim() || undefined;
  } catch {
    return undefined;
  }
}
const az = findAz();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((done) => {
    const child = spawn(cmd, args, {cwd: work, env, stdio: ['ignore', 'pipe', 'pipe']});
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => done({code, stdout, stderr}));
  });
}

let sandbox: RunningSandbox;
let work: string;
let sub: string;
let env: NodeJS.ProcessEnv;

const aml = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  run(process.execPath, [cli, ...args], {...env, ...extra});
const azRun = (args: string[]) => run(az!, args, env);

async function scores(uri: string, credential: string): Promise<number> {
  const r = await request(sandbox, uri, {
    method: 'POST',
    headers: {authorization: `Bearer ${credential}`, 'content-type': 'application/json'},
    body: SAMPLE,
  });
  return r.status;
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-az-context-'));
  const base = cleanEnv();
  env = {
    ...base,
    PATH: `${dirname(process.execPath)}${delimiter}${base.PATH ?? ''}`,
    AZURE_CONFIG_DIR: join(work, 'az'),
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    AZURE_CORE_SURVEY_MESSAGE: 'false',
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: join(work, 'aml-config'),
  };
  if (!az) return;
  const lines = azRecipe(sandbox.descriptor).filter((l) => !l.startsWith('#'));
  const setup = await run('bash', ['--norc', '--noprofile', '-c', lines.join(' && ')], env);
  expect(setup.code, setup.stderr).toBe(0);
  // What the recipe's export gives an interactive shell: az (and we) trust the sandbox CA.
  env.REQUESTS_CA_BUNDLE = sandbox.descriptor.caCertFile;
  const defaults = await azRun([
    'configure',
    '--defaults',
    'group=rg-ws-dev',
    'workspace=ws-dev',
    'location=eastus',
  ]);
  expect(defaults.code, defaults.stderr).toBe(0);
}, 120_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe.skipIf(!az)("az's context fills the selectors", () => {
  it("--auth-method cli alone: az's active cloud, its default subscription, az configure --defaults", async () => {
    const r = await aml([
      'creds',
      '--auth-method',
      'cli',
      '--endpoint',
      'churn-scorer',
      '--query',
      '[scoringUri, primaryKey]',
      '-o',
      'tsv',
      '--debug',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`target: cloud ${AZ_CLOUD_NAME} (az)`);
    expect(r.stderr).toContain(`subscription ${sub} (az)`);
    expect(r.stderr).toContain('resource group rg-ws-dev (az), workspace ws-dev (az)');
    const [uri, key] = r.stdout.trimEnd().split('\n');
    expect(await scores(uri!, key!)).toBe(200);
  });

  it('a cloud registered with az cloud register, by name; AZURE_SUBSCRIPTION_ID; a flag over both', async () => {
    const sp = principal(sandbox, 'ops-automation');
    const spEnv = {AZURE_CLIENT_ID: sp.clientId!, AZURE_CLIENT_SECRET: sp.clientSecret!};
    const args = [
      'creds',
      '--cloud',
      AZ_CLOUD_NAME.toLowerCase(),
      '--auth-method',
      'service-principal',
      '--tenant',
      sandbox.descriptor.tenantId,
      '--endpoint',
      'loan-aml',
      '--debug',
    ];
    const fromEnv = await aml([...args, '--query', 'accessToken', '-o', 'tsv'], {
      ...spEnv,
      AZURE_SUBSCRIPTION_ID: sub,
    });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(fromEnv.stderr).toContain(`subscription ${sub} (environment)`);
    const uri = (
      await aml([...args, '--query', 'scoringUri', '-o', 'tsv'], {
        ...spEnv,
        AZURE_SUBSCRIPTION_ID: sub,
      })
    ).stdout.trim();
    expect(await scores(uri, fromEnv.stdout.trim())).toBe(200);

    // Another subscription in the environment: it is used (ws-dev is not there), until a flag
    // names the right one.
    const prod = subscriptionId(sandbox, 'Sandbox Prod');
    const wrong = await aml([...args, '-o', 'none'], {...spEnv, AZURE_SUBSCRIPTION_ID: prod});
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain(`subscription ${prod} (environment)`);
    const flag = await aml([...args, '--subscription', 'Sandbox Dev', '-o', 'none'], {
      ...spEnv,
      AZURE_SUBSCRIPTION_ID: prod,
    });
    expect(flag.code, flag.stderr).toBe(0);
    expect(flag.stderr).toContain('subscription Sandbox Dev (flag)');
  });

  it('az cloud show saved as a file is a cloud file', async () => {
    const shown = await azRun(['cloud', 'show', '-n', AZ_CLOUD_NAME, '-o', 'json']);
    expect(shown.code, shown.stderr).toBe(0);
    const file = join(work, 'az-cloud.json');
    writeFileSync(file, shown.stdout);
    const r = await aml([
      'creds',
      '--cloud',
      file,
      '--auth-method',
      'cli',
      '--endpoint',
      'fraud-aad',
      '--query',
      '{uri: scoringUri, token: accessToken, type: tokenType}',
      '-o',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {uri: string; token: string; type: string};
    expect(doc.type).toBe('Bearer');
    expect(await scores(doc.uri, doc.token)).toBe(200);
  });

  it('an unknown cloud name says where names come from (exit 2)', async () => {
    const r = await aml([
      'creds',
      '--cloud',
      'NoSuchCloud',
      '--subscription',
      sub,
      '--endpoint',
      'churn-scorer',
      '-o',
      'none',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('az cloud register');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
