import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {startTestSandbox} from '../helpers/sandbox';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';

let sandbox: RunningSandbox;
let configDir: string;
const running: PtyApp[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({
    autoApprove: 'owner',
    autoApproveDelayMs: 300,
    provisioningDelayMs: 400,
  });
  configDir = mkdtempSync(join(tmpdir(), 'aml-auth-e2e-'));
});
afterAll(async () => {
  for (const app of running) app.kill('SIGKILL');
  await sandbox?.stop();
  rmSync(configDir, {recursive: true, force: true});
});

function wizard(args: string[] = []) {
  const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile, ...args], {
    env: {AML_AUTH_CONFIG_DIR: configDir},
  });
  running.push(app);
  return app;
}

describe('the wizard in a real terminal against the sandbox', () => {
  it('signs in, picks Sandbox Dev / ws-dev, creates an endpoint, switches its auth mode, saves, and resumes', async () => {
    const app = wizard();
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.enter); // device code
    await app.waitForText('Tenant:');
    await app.press(KEY.enter);
    await app.waitForText('Signed in', 15_000);
    expect(app.screen()).toContain('owner@contoso.sandbox');
    await app.press('i');
    await app.waitForText('aud is the management audience');
    await app.press(KEY.enter);
    await app.waitForText('Sandbox Prod');
    await app.press(KEY.enter); // Sandbox Dev sorts first
    await app.waitForText('ws-experiments');
    await app.press(KEY.enter); // ws-dev
    await app.waitForText('churn-scorer');
    expect(app.screen()).toContain('loan-aml');
    await app.press(KEY.ctrl('n'));
    await app.waitForText('New online endpoint in ws-dev');
    await app.type('e2e-endpoint');
    await app.press(KEY.enter, KEY.enter, KEY.enter); // name → auth mode (key) → identity → confirm
    await app.waitForText('Create e2e-endpoint in ws-dev');
    await app.press('y');
    await app.waitForText('Auth mode of e2e-endpoint', 15_000);
    await app.press(KEY.down, KEY.down, KEY.enter); // aad_token
    await app.waitForText('Switch e2e-endpoint from key to aad_token?');
    await app.press('y');
    await app.waitForText('Auth mode is now aad_token', 15_000);
    await app.press(KEY.enter);
    await app.waitForText('Save this setup as a profile');
    await app.press(KEY.enter);
    await app.waitForText('Saved profile e2e-endpoint');
    await app.press('q');
    expect((await app.exited()).exitCode).toBe(0);

    // The profile file holds no secret of any kind.
    const file = readFileSync(join(configDir, 'config.json'), 'utf8');
    expect(file).toContain('"e2e-endpoint"');
    expect(file).toContain('aad_token');
    for (const p of sandbox.descriptor.principals)
      if (p.clientSecret) expect(file).not.toContain(p.clientSecret);
    expect(file).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/); // no JWT
    expect(file).not.toContain(sandbox.descriptor.adminToken);

    // Start again: resume the profile and land on the endpoint.
    const again = wizard();
    await again.waitForText('Resume e2e-endpoint');
    expect(again.screen()).toContain('e2e-endpoint · aad_token');
    await again.press(KEY.enter);
    await again.waitForText('Credentials', 15_000);
    expect(again.screen()).toContain('Sandbox Dev › ws-dev › e2e-endpoint (aad_token)');
    await again.press(KEY.ctrl('c'));
    const exit = await again.exited();
    expect(exit.exitCode).toBe(130);
    // The terminal is restored: the cursor is shown again on the way out.
    expect(again.raw()).toContain('\u001B[?25h');
  }, 60_000);

  it('as the scientist, shows a clear permission error where the scientist lacks rights', async () => {
    sandbox.reset();
    const app = wizard();
    await app.waitForText(/How do you want to sign in\?|Resume/);
    if (app.screen().includes('Resume')) {
      await app.press(KEY.down, KEY.enter); // "+ New setup" is the last item
      await app.waitForText('How do you want to sign in?');
    }
    await app.press(KEY.enter);
    await app.waitForText('Tenant:');
    await app.press(KEY.enter);
    // Approve as the scientist through the device page, before automatic approval (as owner).
    const screen = await app.waitForText(/enter the code [A-Z0-9]{9}/);
    const code = /enter the code ([A-Z0-9]{9})/.exec(screen)![1]!;
    sandbox.approveDeviceCode(code, 'scientist');
    await app.waitForText('Signed in', 15_000);
    expect(app.screen()).toContain('scientist@contoso.sandbox');
    await app.press(KEY.enter);
    await app.waitForText('Sandbox Dev');
    expect(app.screen()).not.toContain('Sandbox Prod');
    await app.press(KEY.enter);
    await app.waitForText('ws-dev');
    await app.press(KEY.enter);
    await app.waitForText('churn-scorer');
    await app.press(KEY.ctrl('n'));
    await app.waitForText('New online endpoint in ws-dev');
    await app.type('sci-endpoint');
    await app.press(KEY.enter, KEY.enter, KEY.enter);
    await app.waitForText('Create sci-endpoint');
    await app.press('y');
    const error = await app.waitForText('AuthorizationFailed', 15_000);
    expect(error).toContain('onlineEndpoints/write');
    expect(error).toMatch(/AzureML Data Scientist|Contributor/);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});

describe('aml-auth in a terminal where CI=true is set', () => {
  it('renders each frame live, as anywhere else', async () => {
    const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {
      env: {AML_AUTH_CONFIG_DIR: join(configDir, 'no-profiles'), CI: 'true'},
    });
    running.push(app);
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.down);
    await app.waitForText(/› Browser/); // the highlight moved from Device code: a live frame
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 30_000);
});

describe('aml-auth without a terminal', () => {
  it('refuses in one line and names the scriptable way', async () => {
    const {execFile} = await import('node:child_process');
    const {CLI} = await import('../helpers/pty');
    const result = await new Promise<{code: number | null; stderr: string}>((resolve) => {
      const child = execFile(
        process.execPath,
        [CLI, '--cloud', sandbox.descriptor.cloudFile],
        {env: {...process.env, AML_AUTH_CONFIG_DIR: configDir}},
        (err, _stdout, stderr) =>
          resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stderr}),
      );
      child.stdin?.end();
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/needs an interactive terminal/);
    expect(result.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
