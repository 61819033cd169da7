import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {KEY, type PtyApp} from '../helpers/pty';
import {signInToEndpoints, saveChurnScorer, wizardSandbox} from '../helpers/wizard-e2e';

// Keys that arrive together — key repeat, a paste, a busy terminal — reach the app in one read.
// Every one of them must count, in order: each burst below is one write to the pseudo-terminal.

const e2e = wizardSandbox('bursts');

/** The row of the screen that holds the highlight (›). */
const highlightedRow = (screen: string) =>
  screen
    .split('\n')
    .find((line) => line.trimStart().startsWith('›'))
    ?.trim();

async function signedInAtEndpoints(): Promise<PtyApp> {
  const app = e2e.wizard();
  await signInToEndpoints(app);
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
    await saveChurnScorer(app);
    expect(highlightedRow(app.screen())).toMatch(/^› Roles/);
    await app.burst(KEY.down, KEY.down, KEY.down);
    await app.waitForText(/› Deployments/);
    await app.burst(KEY.up, KEY.up, KEY.enter); // back to Credentials, and open it in the same write
    await app.waitForText('Credentials', 10_000);
    await app.waitForText(/primary|Primary/, 10_000);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});

describe('a screen taller than an 80×24 terminal', () => {
  it('keeps the header and the footer on screen; the top of the screen gives way', async () => {
    const app = e2e.wizard({
      cols: 80,
      rows: 24,
      env: {AML_AUTH_CONFIG_DIR: join(e2e.configDir, '80x24')},
    });
    await app.waitForText('How do you want to sign in?');
    await app.press(KEY.enter);
    await app.waitForText('Tenant:');
    await app.press(KEY.enter);
    // Approve as the scientist, who cannot assign roles: Roles then shows the admin hand-off.
    const code = /enter the code ([A-Z0-9]{9})/.exec(
      await app.waitForText(/enter the code [A-Z0-9]{9}/),
    )![1]!;
    e2e.sandbox.approveDeviceCode(code, 'scientist');
    await app.waitForText('Signed in', 15_000);
    await app.press(KEY.enter);
    await app.waitForText('Sandbox Dev'); // all the scientist can see
    await app.press(KEY.enter);
    await app.waitForText('ws-dev');
    await app.press(KEY.enter);
    await app.waitForText('churn-scorer');
    await saveChurnScorer(app);
    await app.press(KEY.enter); // Roles
    const screen = await app.waitForText('c copies them', 15_000);
    expect(screen).toContain('az role assignment create');
    const rows = screen.split('\n');
    expect(rows[0]).toMatch(/^aml-auth · Roles · /);
    expect(screen).toMatch(/r re-check .* esc back/);
    // Nothing drawn past the last row: the frame fits the terminal.
    expect(rows.length).toBeLessThanOrEqual(24);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});
