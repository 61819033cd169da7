import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';
import {startTestSandbox} from '../helpers/sandbox';

// Keys that arrive together — key repeat, a paste, a busy terminal — reach the app in one read.
// Every one of them must count, in order: each burst below is one write to the pseudo-terminal.

let sandbox: RunningSandbox;
let configDir: string;
const running: PtyApp[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({autoApprove: 'owner', autoApproveDelayMs: 200});
  configDir = mkdtempSync(join(tmpdir(), 'aml-auth-bursts-'));
});
afterAll(async () => {
  for (const app of running) app.kill('SIGKILL');
  await sandbox?.stop();
  rmSync(configDir, {recursive: true, force: true});
});

/** The row of the screen that holds the highlight (›). */
const highlightedRow = (screen: string) =>
  screen
    .split('\n')
    .find((line) => line.trimStart().startsWith('›'))
    ?.trim();

async function signedInAtEndpoints(): Promise<PtyApp> {
  const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {
    env: {AML_AUTH_CONFIG_DIR: configDir},
  });
  running.push(app);
  await app.waitForText('How do you want to sign in?');
  await app.press(KEY.enter); // device code
  await app.waitForText('Tenant:');
  await app.press(KEY.enter);
  await app.waitForText('Signed in', 15_000);
  await app.press(KEY.enter);
  await app.waitForText('Sandbox Prod');
  await app.press(KEY.enter); // Sandbox Dev
  await app.waitForText('ws-experiments');
  await app.press(KEY.enter); // ws-dev
  await app.waitForText('churn-scorer');
  return app;
}

describe('bursts of keys in one write', () => {
  it('the new-endpoint form: four backspaces erase four letters, → → moves the auth mode twice', async () => {
    const app = await signedInAtEndpoints();
    await app.press(KEY.ctrl('n'));
    await app.waitForText('New online endpoint in ws-dev');
    await app.burst(...'burstname');
    await app.waitForText('Name: burstname');
    await app.burst(KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
    const erased = await app.waitForText(/Name: burst\b/);
    expect(erased).not.toContain('burstn');
    await app.burst(KEY.tab, KEY.right, KEY.right); // to the auth-mode field, key → aad_token
    const moved = await app.waitForText('[aad_token]');
    expect(moved).not.toContain('[aml_token]');
    await app.burst(KEY.left, KEY.left, KEY.left); // wraps: aad_token → aml_token → key → aad_token
    await app.waitForText(/\[aad_token\]/);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);

  it('a duplicate name is caught while typing, from the list already loaded', async () => {
    const app = await signedInAtEndpoints();
    await app.press(KEY.ctrl('n'));
    await app.waitForText('New online endpoint in ws-dev');
    await app.burst(...'Churn-Scorer');
    const screen = await app.waitForText('already exists in this workspace');
    expect(screen).toContain('An endpoint named Churn-Scorer already exists');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);

  it('the endpoint home: three ↓ move three rows; ↑ ↑ Enter in one write opens Credentials', async () => {
    const app = await signedInAtEndpoints();
    await app.press(KEY.enter); // churn-scorer
    await app.waitForText('Auth mode of churn-scorer');
    await app.press('k');
    await app.waitForText('Save this setup as a profile');
    await app.press(KEY.enter);
    await app.waitForText('Saved profile churn-scorer');
    expect(highlightedRow(app.screen())).toMatch(/^› Roles/);
    await app.burst(KEY.down, KEY.down, KEY.down);
    await app.waitForText(/› Auth mode/);
    await app.burst(KEY.up, KEY.up, KEY.enter); // back to Credentials, and open it in the same write
    await app.waitForText('Credentials', 10_000);
    await app.waitForText(/primary|Primary/, 10_000);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});
