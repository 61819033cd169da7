import {execFileSync, spawn} from 'node:child_process';
import {randomUUID} from 'node:crypto';
import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {request as httpRequest} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {azRecipe} from '../../source/commands/sandbox';
import {cleanEnv} from '../helpers/cli-env';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';
import {request, tokenFor, subscriptionId} from '../helpers/sandbox';
import {wizardSandbox} from '../helpers/wizard-e2e';

// The wizard's sign-in methods that signin-methods.test.ts (commands) and wizard.test.ts (device
// code) leave out, in a real pseudo-terminal: Browser where no browser can be opened (issue 14),
// on the embedded sandbox whose browser sign-in is approved as the owner (issue 16); Managed
// identity through the App Service style endpoint; Azure CLI through an `az` signed in to the
// sandbox (skipped, with a note, where az is missing).

const scratch = mkdtempSync(join(tmpdir(), 'aml-auth-wizard-signin-'));
const running: PtyApp[] = [];
afterAll(() => {
  for (const app of running) app.kill('SIGKILL');
  rmSync(scratch, {recursive: true, force: true});
});

/** The URL that starts a line, with the rows it wraps onto (every row but its last is full). */
function wrappedUrl(screen: string, cols = 100): string {
  const lines = screen.split('\n');
  let i = lines.findIndex((l) => l.startsWith('https://'));
  let url = lines[i]!;
  while (lines[i]!.length === cols && i + 1 < lines.length) url += lines[++i]!;
  return url;
}

function get(url: string, ca: string): Promise<{status: number; text: string}> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, {ca}, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({status: res.statusCode ?? 0, text}));
    });
    req.on('error', reject);
    req.end();
  });
}

/** What the browser does with the form_post page: post its fields to the loopback redirect. */
function postForm(page: string): Promise<number> {
  const action = new URL(/action="([^"]+)"/.exec(page)![1]!);
  const fields = [...page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map(
    (m) => [m[1]!, m[2]!] as [string, string],
  );
  const body = new URLSearchParams(fields).toString();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: action.hostname === 'localhost' ? '127.0.0.1' : action.hostname,
        port: Number(action.port),
        path: action.pathname,
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Whether something listens on the loopback port: its answer, or the connection error. */
function loopbackAnswers(port: number): Promise<string> {
  return new Promise((resolve) => {
    const req = httpRequest({host: '127.0.0.1', port, path: '/', method: 'GET'}, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end();
  });
}

describe('Browser sign-in where no browser can be opened (embedded sandbox)', () => {
  it('says why, shows the URL and port; opening it by hand signs in as the owner and goes on', async () => {
    const tmp = mkdtempSync(join(scratch, 'browser-'));
    const emptyBin = mkdtempSync(join(scratch, 'bin-'));
    const app = spawnCli(['--sandbox'], {
      // No xdg-open on PATH, no $BROWSER: the state of an SSH session or a container.
      env: {TMPDIR: tmp, AML_AUTH_CONFIG_DIR: join(tmp, '.config'), PATH: emptyBin, BROWSER: ''},
      rows: 40,
    });
    running.push(app);
    await app.waitForText('How do you want to sign in?', 15_000);
    const folder = readdirSync(tmp).find((f) => f !== '.config')!;
    const cloud = JSON.parse(readFileSync(join(tmp, folder, 'cloud.json'), 'utf8')) as {
      caCertFile: string;
    };
    const ca = readFileSync(cloud.caCertFile, 'utf8');

    await app.press(KEY.down, KEY.enter); // device code → Browser
    await app.waitForText('Tenant:');
    await app.press(KEY.enter);
    const screen = await app.waitForText(
      'No browser could be opened here: xdg-open is not installed.',
    );
    expect(screen).not.toContain('Check the sign-in details');
    expect(screen).not.toMatch(/ENOENT|at .*\.js:\d+/);
    const port = /port\s+(\d+)\s+\(ssh\s+-L/.exec(screen.replace(/\n/g, ' '))?.[1];
    expect(Number(port)).toBeGreaterThan(0);
    expect(screen).toContain('press d to sign in with one instead');
    await app.waitForText(/Waiting for the browser to come back with the sign-in… \d+s/);

    // Esc cancels: the wizard is back on the form and the loopback port is closed.
    await app.press(KEY.escape);
    await app.waitForText('Sign-in cancelled.');
    expect(await loopbackAnswers(Number(port))).toBe('ECONNREFUSED');
    await app.press(KEY.enter); // sign in again: a new URL
    const again = await app.waitForText(
      /Waiting for the browser to come back with the sign-in… \d+s/,
    );
    const newPort = /port\s+(\d+)\s+\(ssh\s+-L/.exec(again.replace(/\n/g, ' '))?.[1];
    expect(newPort).not.toBe(port);

    const url = wrappedUrl(again);
    const q = new URL(url).searchParams;
    expect(q.get('redirect_uri')).toBe(`http://localhost:${newPort}`);
    expect(q.get('code_challenge_method')).toBe('S256');

    // The test is the browser: the sandbox auto-approves as the owner and answers with the form
    // that posts the code to the loopback, where the wizard's sign-in is waiting.
    const page = await get(url, ca);
    expect(page.status).toBe(200);
    expect(await postForm(page.text)).toBe(200);
    const signedIn = await app.waitForText('Signed in', 15_000);
    expect(signedIn).toContain('owner@contoso.sandbox');
    await app.press(KEY.enter);
    await app.waitForText('Sandbox Prod');
  });
});

describe('a command with --auth-method browser on a terminal, where no browser can be opened', () => {
  const w = wizardSandbox('browser-command');

  it('prints why, the URL and the port on stderr, waits, and goes on once the URL is opened', async () => {
    const emptyBin = mkdtempSync(join(scratch, 'bin-'));
    const d = w.sandbox.descriptor;
    const app = spawnCli(
      [
        'creds',
        '--cloud',
        d.cloudFile,
        '--auth-method',
        'browser',
        '--subscription',
        'Sandbox Dev',
        '--workspace',
        'ws-dev',
        '--endpoint',
        'churn-scorer',
        '-o',
        'json',
      ],
      {env: {PATH: emptyBin, BROWSER: '', AML_AUTH_CONFIG_DIR: w.configDir}, rows: 40},
    );
    running.push(app);
    const screen = await app.waitForText('Waiting for the sign-in… Ctrl+C cancels');
    expect(screen).toContain('No browser could be opened here: xdg-open is not installed.');
    expect(screen.replace(/\n/g, '')).toMatch(/SSH port forward of port \d+ \(ssh -L/);
    const page = await get(wrappedUrl(screen), w.sandbox.caPem);
    expect(await postForm(page.text)).toBe(200);
    expect((await app.exited(20_000)).exitCode).toBe(0);
    expect(app.raw()).toContain('"scoringUri"');
    expect(app.raw()).not.toMatch(/at .*\.js:\d+/);
  });
});

describe('Managed identity and Azure CLI in the wizard (sandbox from a cloud file)', () => {
  const w = wizardSandbox('wizard-signin');
  const mi = (name: string) => w.sandbox.descriptor.managedIdentities.find((m) => m.name === name)!;
  const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';

  /** AzureML Data Scientist on ws-dev, so the identity sees Sandbox Dev and ws-dev. */
  async function grantWsDev(objectId: string) {
    const sub = subscriptionId(w.sandbox);
    const ws = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
    const res = await request(
      w.sandbox,
      `${ws}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${await tokenFor(w.sandbox, 'ops-automation')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`,
            principalId: objectId,
            principalType: 'ServicePrincipal',
          },
        }),
      },
    );
    expect(res.status).toBe(201);
  }

  const miEnv = () => ({
    IDENTITY_ENDPOINT: w.sandbox.descriptor.identityEndpoint,
    IDENTITY_HEADER: w.sandbox.descriptor.identityHeader,
  });

  it('managed identity, system-assigned: signed in as the host identity, on to its workspace', async () => {
    const host = mi('sandbox-host');
    await grantWsDev(host.objectId);
    const app = w.wizard({env: miEnv()});
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter); // → Managed identity
    await app.waitForText('Client ID:');
    await app.press(KEY.enter); // no client ID: the system-assigned identity
    await app.waitForText('Signed in', 15_000);
    // The identity's lines may come a frame after the heading.
    const screen = await app.waitForText(host.objectId);
    expect(screen).toContain(host.clientId);
    await app.press(KEY.enter);
    await app.waitForText('Sandbox Dev');
    await app.press(KEY.enter);
    await app.waitForText('ws-dev');
    app.kill();
  });

  it('managed identity, user-assigned by client ID', async () => {
    const scorer = mi('scorer-id');
    const app = w.wizard({env: miEnv()});
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
    await app.waitForText('Client ID:');
    await app.type(scorer.clientId);
    await app.press(KEY.enter);
    await app.waitForText('Signed in', 15_000);
    const screen = await app.waitForText(scorer.objectId);
    expect(screen).toContain(scorer.clientId);
    app.kill();
  });

  it('managed identity without the endpoint variables: an explained failure, the wizard stays', async () => {
    const app = w.wizard({env: {IDENTITY_ENDPOINT: '', IDENTITY_HEADER: ''}});
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
    await app.waitForText('Client ID:');
    await app.press(KEY.enter);
    const screen = await app.waitForText('✗', 30_000);
    expect(screen).not.toMatch(/at .*\.js:\d+/);
    await app.press(KEY.enter);
    await app.waitForText('Client ID:');
    app.kill();
  });

  const az = (() => {
    try {
      return execFileSync('sh', ['-c', 'command -v az'], {encoding: 'utf8'}).trim() || undefined;
    } catch {
      return undefined;
    }
  })();
  if (!az)
    console.warn(
      'Azure CLI (az) not found: the wizard Azure CLI test is skipped (apt-get install azure-cli)',
    );

  it.skipIf(!az)(
    'Azure CLI: az signed in to the sandbox as ops-automation; the wizard reuses it',
    async () => {
      const azConfig = mkdtempSync(join(scratch, 'az-'));
      const env = {
        ...cleanEnv(),
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        AZURE_CONFIG_DIR: azConfig,
        AZURE_CORE_COLLECT_TELEMETRY: 'false',
        AZURE_CORE_NO_COLOR: 'true',
        AZURE_CORE_SURVEY_MESSAGE: 'false',
      };
      const lines = azRecipe(w.sandbox.descriptor).filter((l) => !l.startsWith('#'));
      const setup = await new Promise<{code: number | null; stderr: string}>((resolve) => {
        const child = spawn('bash', ['--norc', '--noprofile', '-c', lines.join(' && ')], {
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.once('close', (code) => resolve({code, stderr}));
      });
      expect(setup.code, setup.stderr).toBe(0);

      const ops = w.sandbox.descriptor.principals.find((p) => p.name === 'ops-automation')!;
      const app = w.wizard({
        env: {
          PATH: env.PATH,
          AZURE_CONFIG_DIR: azConfig,
          REQUESTS_CA_BUNDLE: w.sandbox.descriptor.caCertFile,
          AZURE_CORE_COLLECT_TELEMETRY: 'false',
        },
      });
      await app.waitForText('How do you want to sign in?');
      await app.press(KEY.up, KEY.enter); // device code → Azure CLI
      await app.waitForText('Tenant:');
      await app.press(KEY.enter);
      await app.waitForText('Signed in', 60_000);
      const screen = await app.waitForText(ops.objectId);
      expect(screen).toContain(ops.clientId!);
      await app.press(KEY.enter);
      // ops-automation's own subscription.
      await app.waitForText('Sandbox Dev', 30_000);
      app.kill();
    },
    120_000,
  );
});
