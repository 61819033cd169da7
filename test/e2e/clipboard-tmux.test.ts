import {execFile, execFileSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as pty from 'node-pty';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {openProfileStore} from '../../source/profiles';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';
import {shellQuote} from '../../source/lib/shell';

// `aml-auth creds --copy` inside a real tmux (issue 15, item 4), one private tmux server per
// setting: with `set-clipboard on` tmux's own buffer holds the key (show-buffer proves it); with
// `allow-passthrough on` the OSC 52 reaches the terminal tmux runs in (a pseudo-terminal here,
// whose bytes prove it); with neither, nothing is copied and the command says so (exit 2).
// Needs tmux (.ci/run installs it); skipped where it is missing.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');

function findTmux(): string | undefined {
  try {
    return execFileSync('sh', ['-c', 'command -v tmux'], {encoding: 'utf8'}).trim() || undefined;
  } catch {
    return undefined;
  }
}
const tmux = findTmux();

let sandbox: RunningSandbox;
let work: string;
let key: string;
const servers: string[] = [];

function tmuxRun(server: string, args: string[]): Promise<{code: number; stdout: string}> {
  return new Promise((done) => {
    execFile(
      tmux!,
      ['-S', server, '-f', '/dev/null', ...args],
      {env: cleanEnv(), encoding: 'utf8'},
      (err, stdout) => done({code: err ? Number((err as {code?: number}).code ?? 1) : 0, stdout}),
    );
  });
}

async function until<T>(what: string, check: () => T | undefined, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * `creds -p dev --copy` in a pane of a new tmux server with these options; stdout to a file,
 * stderr on the pane (the terminal OSC 52 goes to). Starts when `go` is created.
 */
async function copyInTmux(name: string, options: string[][]) {
  const dir = mkdtempSync(join(work, `${name}-`));
  // Its socket in the test's folder: removed with it.
  const server = join(work, `${name}.sock`);
  servers.push(server);
  const env = {
    AML_AUTH_CONFIG_DIR: join(work, 'config'),
    AZURE_CLIENT_SECRET: principal(sandbox, 'ops-automation').clientSecret!,
    AZURE_CONFIG_DIR: join(work, 'no-az'),
    NO_COLOR: '1',
  };
  const script = join(dir, 'run.sh');
  writeFileSync(
    script,
    [
      ...Object.entries(env).map(([k, v]) => `export ${k}=${shellQuote(v)}`),
      `while [ ! -e ${shellQuote(join(dir, 'go'))} ]; do sleep 0.05; done`,
      `cd ${shellQuote(root)}`,
      `${shellQuote(process.execPath)} ${shellQuote(cli)} creds -p dev --copy > ${shellQuote(join(dir, 'out'))}`,
      `echo $? > ${shellQuote(join(dir, 'rc.tmp'))} && mv ${shellQuote(join(dir, 'rc.tmp'))} ${shellQuote(join(dir, 'rc'))}`,
      'sleep 60',
    ].join('\n'),
    {mode: 0o600},
  );
  const started = await tmuxRun(server, [
    'new-session',
    '-d',
    '-s',
    'main',
    '-x',
    '200',
    '-y',
    '30',
    `sh ${shellQuote(script)}`,
  ]);
  expect(started.code).toBe(0);
  for (const opt of options) expect((await tmuxRun(server, opt)).code).toBe(0);
  const go = () => writeFileSync(join(dir, 'go'), '');
  const finished = async () => {
    const rc = await until('the command to finish', () =>
      existsSync(join(dir, 'rc'))
        ? Number(readFileSync(join(dir, 'rc'), 'utf8').trim())
        : undefined,
    );
    const pane = (await tmuxRun(server, ['capture-pane', '-p', '-J', '-t', 'main'])).stdout;
    const buffer = await tmuxRun(server, ['show-buffer']);
    return {rc, out: readFileSync(join(dir, 'out'), 'utf8'), pane, buffer};
  };
  return {server, go, finished};
}

beforeAll(async () => {
  if (!tmux) return;
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  sandbox = await startTestSandbox();
  work = mkdtempSync(join(tmpdir(), 'aml-auth-clip-'));
  const ops = principal(sandbox, 'ops-automation');
  const {store} = openProfileStore({dir: join(work, 'config')});
  store.save({
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
  // Asynchronously: the sandbox answers from this process.
  key = await new Promise<string>((done, fail) =>
    execFile(
      process.execPath,
      [cli, 'creds', '-p', 'dev', '--query', 'primaryKey', '-o', 'tsv'],
      {
        env: {
          ...cleanEnv(),
          AML_AUTH_CONFIG_DIR: join(work, 'config'),
          AZURE_CLIENT_SECRET: ops.clientSecret!,
        },
        encoding: 'utf8',
      },
      (err, stdout) => (err ? fail(err) : done(stdout.trim())),
    ),
  );
  expect(key).toMatch(/^[A-Za-z0-9+/]{43}=$/);
}, 60_000);

afterAll(async () => {
  for (const s of servers) await tmuxRun(s, ['kill-server']);
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

describe.skipIf(!tmux)('creds --copy inside tmux', () => {
  it("set-clipboard on: the key is in tmux's buffer, and the command says tmux's clipboard", async () => {
    const t = await copyInTmux('on', [['set', '-g', 'set-clipboard', 'on']]);
    t.go();
    const {rc, out, buffer} = await t.finished();
    expect(rc).toBe(0);
    expect(buffer.stdout).toBe(key);
    expect(out).toMatch(
      /^✓ Copied the primary key of churn-scorer to the clipboard \(tmux's clipboard, set-clipboard on\)\.\n$/,
    );
    expect(out).not.toContain(key);
  });

  it('set-clipboard external and allow-passthrough off: nothing copied, and it says so (exit 2)', async () => {
    const t = await copyInTmux('off', [
      ['set', '-g', 'set-clipboard', 'external'],
      ['set', '-g', 'allow-passthrough', 'off'],
    ]);
    t.go();
    const {rc, out, pane, buffer} = await t.finished();
    expect(rc).toBe(2);
    expect(out).toBe('');
    expect(pane).toContain(
      'aml-auth: could not copy: tmux lets no clipboard sequence through here (set-clipboard external, allow-passthrough off)',
    );
    expect(pane).toContain('tmux set -g set-clipboard on');
    expect(pane).not.toMatch(/copied/i);
    expect(buffer.code).not.toBe(0);
    expect(buffer.stdout).not.toContain(key);
  });

  it('allow-passthrough on: the OSC 52 reaches the terminal tmux runs in, not a tmux buffer', async () => {
    const t = await copyInTmux('passthrough', [
      ['set', '-g', 'set-clipboard', 'external'],
      ['set', '-g', 'allow-passthrough', 'on'],
    ]);
    // A client in a pseudo-terminal: what tmux passes through arrives in its bytes.
    const client = pty.spawn(tmux!, ['-S', t.server, '-f', '/dev/null', 'attach', '-t', 'main'], {
      name: 'xterm-256color',
      cols: 200,
      rows: 30,
      env: {...(cleanEnv() as Record<string, string>), TERM: 'xterm-256color'},
    });
    let raw = '';
    client.onData((d) => (raw += d));
    try {
      await until('the client to attach', () => (raw.length > 0 ? true : undefined));
      t.go();
      const {rc, out, buffer} = await t.finished();
      expect(rc).toBe(0);
      expect(out).toMatch(
        /^✓ Sent the primary key of churn-scorer to the clipboard \(through tmux to the terminal, OSC 52 passthrough\)\.\n$/,
      );
      const b64 = Buffer.from(key, 'utf8').toString('base64');
      await until('the OSC 52 at the outer terminal', () =>
        raw.includes(`\u001b]52;c;${b64}\u0007`) ? true : undefined,
      );
      expect(buffer.code).not.toBe(0);
    } finally {
      client.kill();
    }
  });
});
