import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';
import {startTestSandbox} from '../helpers/sandbox';

// Bursts of keys in one write on the credentials and invoke screens: every key counts, in order,
// including the keys that arrive with the one opening a field or a confirmation.

let sandbox: RunningSandbox;
let configDir: string;
const running: PtyApp[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({autoApprove: 'owner', autoApproveDelayMs: 200});
  configDir = mkdtempSync(join(tmpdir(), 'aml-auth-bursts-ci-'));
});
afterAll(async () => {
  for (const app of running) app.kill('SIGKILL');
  await sandbox?.stop();
  rmSync(configDir, {recursive: true, force: true});
});

/** Signs in as the owner and opens an entry of churn-scorer's home. */
async function open(entry: 'Credentials' | 'Invoke'): Promise<PtyApp> {
  const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {
    env: {AML_AUTH_CONFIG_DIR: configDir, HOME: configDir},
    cols: 110,
    rows: 36,
  });
  running.push(app);
  const first = await app.waitForText(/How do you want to sign in\?|Resume/);
  if (first.includes('Resume')) {
    const rows = first.split('\n').filter((l) => /^\s*(›\s)?(Resume|\+ New setup)/.test(l)).length;
    for (let i = 1; i < rows; i++) await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitForText('How do you want to sign in?');
  }
  await app.press(KEY.enter); // device code
  await app.waitForText('Tenant:');
  await app.press(KEY.enter);
  await app.waitForText('Signed in', 15_000);
  await app.press(KEY.enter);
  await app.waitForText('Sandbox Dev');
  await app.press(KEY.enter);
  await app.waitForText('ws-dev');
  await app.press(KEY.enter);
  await app.waitForText('churn-scorer');
  await app.press(KEY.enter);
  await app.waitForText('Auth mode of churn-scorer');
  await app.press('k');
  await app.waitForText('Save this setup as a profile');
  await app.press(KEY.enter);
  const saved = await app.waitForText(/Saved profile|Overwrite it\?/);
  if (saved.includes('Overwrite it?')) await app.press('y');
  await app.waitForText('Save profile');
  for (let i = 0; i < 5; i++) await app.press(KEY.up);
  for (let i = 0; i < {Credentials: 1, Invoke: 2}[entry]; i++) await app.press(KEY.down);
  await app.press(KEY.enter);
  return app;
}

const row = (screen: string, name: string) =>
  screen
    .split('\n')
    .find((l) => new RegExp(`^\\s*(›\\s)?${name}\\s`).test(l.replace(/^[│\s]*/, ' ')))
    ?.trim();

describe('bursts of keys on the credentials and invoke screens', () => {
  it('invoke: n, two backspaces, 3, enter in one write send three requests', async () => {
    const app = await open('Invoke');
    await app.waitForText('traffic-routed');
    // n opens the count field (10); the backspaces erase it; 3 is typed; enter sends 3.
    await app.burst('n', KEY.backspace, KEY.backspace, '3', KEY.enter);
    const screen = await app.waitForText(/\d+ requests · p50/, 15_000);
    expect(screen).toMatch(/\b3 requests · p50/);
    expect(screen).not.toContain('How many requests');
    // f, ctrl+u, a path, enter in one write: the path replaces the file, enter keeps it.
    await app.burst('f', KEY.ctrl('u'), ...'nope.json', KEY.enter);
    const edited = await app.waitForText('request nope.json');
    expect(edited).not.toContain('Request file:');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);

  it('credentials: ↓↓↓ g y in one write regenerate the secondary key; ↑ v then show the primary', async () => {
    const app = await open('Credentials');
    const first = await app.waitForText(/primary\s+••••/);
    expect(row(first, 'primary')).toMatch(/^›/);
    // Three ↓: the secondary; g asks; y confirms — all in one write.
    await app.burst(KEY.down, KEY.down, KEY.down, 'g', 'y');
    const regenerated = await app.waitForText('(new)', 15_000);
    expect(row(regenerated, 'secondary')).toMatch(/^› secondary\s+••••\S{4} \(new\)/);
    expect(row(regenerated, 'primary')).not.toContain('(new)');
    expect(regenerated).not.toContain('Regenerate the secondary key of');
    // ↑ back to the primary, v reveals it.
    await app.burst(KEY.up, 'v');
    const shown = await app.waitForText(/› primary\s+[A-Za-z0-9+/]{43}=/);
    expect(row(shown, 'secondary')).not.toMatch(/^›/);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});
