import {spawn} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';
import {spawnCli as spawnPty} from '../helpers/pty';

// The guide's commands one by one, as a script runs them (pipes, no TTY) and, for the question a
// change asks, on a real pseudo-terminal: outputs, refusals before anything is sent, exit codes.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const guide = join(root, 'test/e2e/guide');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

let sandbox: RunningSandbox;
let work: string;
let env: NodeJS.ProcessEnv;
let opsSecret: string;
let sub: string;
const transcripts: Run[] = [];

function aml(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
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
    child.once('close', (code) => {
      const run = {code, stdout, stderr};
      transcripts.push(run);
      done(run);
    });
  });
}

/** Signed in as ops-automation (Owner of the dev subscription). */
const sp = () => [
  '--cloud',
  sandbox.descriptor.cloudFile,
  '--auth-method',
  'service-principal',
  '--tenant',
  sandbox.descriptor.tenantId,
];
const ws = () => ['--subscription', sub, '--workspace', 'ws-dev'];
const json = (run: Run) => JSON.parse(run.stdout) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  sandbox = await startTestSandbox();
  const ops = principal(sandbox, 'ops-automation');
  opsSecret = ops.clientSecret!;
  sub = subscriptionId(sandbox);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-guide-commands-'));
  env = {
    ...cleanEnv(),
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: join(work, 'config'),
    AZURE_CLIENT_ID: ops.clientId!,
    AZURE_CLIENT_SECRET: ops.clientSecret!,
  };
}, 60_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe('aml-auth endpoints', () => {
  it('create --name --auth-mode prints the endpoint in az ml’s field names', async () => {
    const run = await aml([
      'endpoints',
      'create',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '--auth-mode',
      'aml_token',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({
      name: 'cmd-aml',
      auth_mode: 'aml_token',
      provisioning_state: 'Succeeded',
      scoring_uri: expect.stringMatching(/^https:\/\/.*\/score$/) as unknown,
      identity: {type: 'system_assigned'},
      resourceGroup: 'rg-ws-dev',
    });
    expect(run.stderr).toMatch(/creating cmd-aml: Succeeded/);
  });

  it('create --no-wait returns once Azure accepted it, still Creating', async () => {
    const run = await aml([
      'endpoints',
      'create',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-nowait',
      '--auth-mode',
      'key',
      '--no-wait',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect(json(run)).toMatchObject({name: 'cmd-nowait', provisioning_state: 'Creating'});
    expect(run.stderr).toContain('follow it with: aml-auth endpoints show --name cmd-nowait');
  });

  it('list -o json is an array of endpoints', async () => {
    const run = await aml(['endpoints', 'list', ...sp(), ...ws(), '-o', 'json']);
    expect(run.code).toBe(0);
    const names = (json(run) as {name: string}[]).map((e) => e.name);
    expect(names).toEqual(expect.arrayContaining(['churn-scorer', 'fraud-aad', 'cmd-aml']));
  });

  it('create --file refuses unknown and unsupported keys before signing in; nothing is created', async () => {
    const file = join(work, 'bad.yml');
    writeFileSync(file, 'name: cmd-bad\nauth_mode: key\ntraffic:\n  blue: 100\nowner: me\n');
    // No credentials at all: the refusal comes before any sign-in.
    const run = await aml(['endpoints', 'create', ...ws(), '--file', file], {
      AZURE_CLIENT_SECRET: '',
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "unknown key 'owner'; 'traffic' not supported by aml-auth endpoints create — nothing was created",
    );
    const list = await aml(['endpoints', 'list', ...sp(), ...ws(), '-o', 'env']);
    expect(list.stdout).not.toContain('cmd-bad');
  });

  it('update without a terminal and without --yes refuses (exit 2) and changes nothing', async () => {
    const run = await aml([
      'endpoints',
      'update',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '--auth-mode',
      'aad_token',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no terminal to ask on');
    expect(run.stderr).toContain('hint: add --yes');
    const show = await aml([
      'endpoints',
      'show',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '-o',
      'json',
    ]);
    expect(json(show).auth_mode).toBe('aml_token');
  });

  it('on a terminal, update asks y/N on stderr: "n" changes nothing (exit 1), "y" changes it', async () => {
    const args = [
      'endpoints',
      'update',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '--auth-mode',
      'key',
    ];
    const ptyEnv = {
      AML_AUTH_CONFIG_DIR: env.AML_AUTH_CONFIG_DIR!,
      AZURE_CLIENT_ID: env.AZURE_CLIENT_ID!,
      AZURE_CLIENT_SECRET: env.AZURE_CLIENT_SECRET!,
      NO_COLOR: '1',
    };
    const no = spawnPty(args, {env: ptyEnv});
    await no.waitForText('from aml_token to key?', 20_000);
    expect(no.screen()).toContain('[y/N]');
    await no.type('n\r');
    expect((await no.exited(20_000)).exitCode).toBe(1);
    expect(no.screen()).toContain('nothing was changed');
    const still = await aml([
      'endpoints',
      'show',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '-o',
      'json',
    ]);
    expect(json(still).auth_mode).toBe('aml_token');

    const yes = spawnPty([...args, '-o', 'json'], {env: ptyEnv});
    await yes.waitForText('[y/N]', 20_000);
    await yes.type('y\r');
    expect((await yes.exited(20_000)).exitCode).toBe(0);
    const now = await aml([
      'endpoints',
      'show',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '-o',
      'json',
    ]);
    expect(json(now).auth_mode).toBe('key');
  }, 60_000);

  it('delete --yes deletes; deleting it again is not found (exit 5)', async () => {
    const del = await aml([
      'endpoints',
      'delete',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '--yes',
      '-o',
      'json',
    ]);
    expect(del.code).toBe(0);
    expect(json(del)).toEqual({name: 'cmd-aml', deleted: true, waited: true});
    const again = await aml([
      'endpoints',
      'delete',
      ...sp(),
      ...ws(),
      '--name',
      'cmd-aml',
      '--yes',
    ]);
    expect(again.code).toBe(5);
  });
});

describe('aml-auth roles', () => {
  const scoringFile = join(guide, 'custom-role-for-scoring.json');

  it('define refuses a placeholder it cannot fill, before signing in (exit 2)', async () => {
    const run = await aml(['roles', 'define', '--file', scoringFile], {AZURE_CLIENT_SECRET: ''});
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('<subscriptionId>');
    expect(run.stderr).toContain('hint: pass --subscription');
  });

  it('define: created, then the same file reused; a differing file exit 2 until --update', async () => {
    const args = [
      'roles',
      'define',
      ...sp(),
      '--subscription',
      sub,
      '--resource-group',
      'rg-ws-dev',
    ];
    const first = await aml([...args, '--file', scoringFile, '-o', 'json']);
    expect(first.code).toBe(0);
    expect(json(first).outcome).toBe('created');
    const second = await aml([...args, '--file', scoringFile, '-o', 'json']);
    expect(json(second).outcome).toBe('unchanged');
    expect(json(second).role.id).toBe(json(first).role.id);

    const changed = join(work, 'scoring-changed.json');
    writeFileSync(
      changed,
      readFileSync(scoringFile, 'utf8').replace(
        '"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action"',
        '"Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action"',
      ),
    );
    const differs = await aml([...args, '--file', changed]);
    expect(differs.code).toBe(2);
    expect(differs.stdout).toContain(
      'Actions adds microsoft.machinelearningservices/workspaces/onlineendpoints/score/action',
    );
    expect(differs.stderr).toContain('add --update');
    const updated = await aml([...args, '--file', changed, '--update', '-o', 'json']);
    expect(updated.code).toBe(0);
    expect(json(updated)).toMatchObject({outcome: 'updated', role: {id: json(first).role.id}});
  });

  it('list --custom-only at the resource group shows the defined role', async () => {
    const run = await aml([
      'roles',
      'list',
      ...sp(),
      ...ws(),
      '--scope',
      'resource-group',
      '--custom-only',
      '-o',
      'json',
    ]);
    expect(run.code).toBe(0);
    expect((json(run) as {roleName: string}[]).map((r) => r.roleName)).toEqual([
      'Custom role for scoring - online endpoint',
    ]);
  });

  it('assign by UPN is idempotent; assignments --assignee lists it', async () => {
    const args = [
      'roles',
      'assign',
      ...sp(),
      ...ws(),
      '--role',
      'Custom role for scoring - online endpoint',
      '--assignee',
      'scientist@contoso.sandbox',
      '--scope',
      'endpoint',
      '--endpoint',
      'fraud-aad',
      '-o',
      'json',
    ];
    const first = await aml(args);
    expect(first.code).toBe(0);
    expect(json(first)).toMatchObject({
      existed: false,
      principal: {type: 'User', matchedBy: 'userPrincipalName'},
    });
    const second = await aml(args);
    expect(json(second)).toMatchObject({
      existed: true,
      assignment: {id: json(first).assignment.id},
    });

    const list = await aml([
      'roles',
      'assignments',
      ...sp(),
      ...ws(),
      '--scope',
      'endpoint',
      '--endpoint',
      'fraud-aad',
      '--assignee',
      'scientist@contoso.sandbox',
      '-o',
      'json',
    ]);
    expect(list.code).toBe(0);
    const roles = (json(list) as {roleName: string; inherited: boolean}[]).map((a) => [
      a.roleName,
      a.inherited,
    ]);
    // Reader comes from the workspace (inherited); the new one is at the endpoint itself.
    expect(roles).toEqual([
      ['Custom role for scoring - online endpoint', false],
      ['Reader', true],
    ]);
  });

  it('assign: a mistyped role is not found (exit 5) with the nearest name; a usage slip is exit 2', async () => {
    const typo = await aml([
      'roles',
      'assign',
      ...sp(),
      ...ws(),
      '--role',
      'AzureML Data Scientst',
      '--assignee-object-id',
      principal(sandbox, 'scoring-client').objectId,
      '--assignee-principal-type',
      'ServicePrincipal',
    ]);
    expect(typo.code).toBe(5);
    expect(typo.stderr).toContain('Did you mean "AzureML Data Scientist"?');
    const noAssignee = await aml(['roles', 'assign', ...sp(), ...ws(), '--role', 'Reader']);
    expect(noAssignee.code).toBe(2);
    expect(noAssignee.stderr).toContain('who should get the role?');
  });
});

describe('aml-auth profiles save', () => {
  it('saves a profile from selectors that creds can use; an existing name needs --force', async () => {
    const args = ['profiles', 'save', 'ci', ...sp(), ...ws(), '--endpoint', 'churn-scorer'];
    const saved = await aml([...args, '-o', 'json']);
    expect(saved.code).toBe(0);
    expect(json(saved).profile).toMatchObject({
      name: 'ci',
      endpoint: 'churn-scorer',
      authMode: 'key',
      resourceGroup: 'rg-ws-dev',
      subscription: {id: sub, name: 'Sandbox Dev'},
      signIn: {method: 'service-principal', clientId: env.AZURE_CLIENT_ID},
    });
    const file = readFileSync(json(saved).path as string, 'utf8');
    expect(file).not.toContain(opsSecret);

    const again = await aml(args);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('add --force');
    expect((await aml([...args, '--force'])).code).toBe(0);

    const creds = await aml(['creds', '-p', 'ci', '-o', 'json']);
    expect(creds.code).toBe(0);
    expect(json(creds).credential.kind).toBe('key');

    // Changing the auth mode through the profile: the profile remembers the new one.
    const update = await aml([
      'endpoints',
      'update',
      '-p',
      'ci',
      '--auth-mode',
      'aad_token',
      '--yes',
    ]);
    expect(update.code).toBe(0);
    const show = await aml(['profiles', 'show', 'ci', '-o', 'json']);
    expect(json(show).profile.authMode).toBe('aad_token');
  });
});

describe('every run', () => {
  it('printed no secret on stderr and no stack trace', () => {
    for (const run of transcripts) {
      expect(run.stderr).not.toContain(opsSecret);
      expect(run.stderr).not.toMatch(/\n\s+at .*:\d+:\d+\)?\n/);
    }
  });
});
