import {describe, expect, it} from 'vitest';
import {KEY} from '../helpers/pty';
import {signInToEndpoints, wizardSandbox} from '../helpers/wizard-e2e';

// Bursts of keys in one write on the sign-in, save and start screens: every key counts, in order,
// and a key acts on the mode the keys before it left (not on the last frame drawn).

const SHIFT_TAB = '\u001B[Z';

const e2e = wizardSandbox('bursts-signin');

const spawn = () => e2e.wizard();

/** The row of the screen that holds the highlight (›). */
const highlightedRow = (screen: string) =>
  screen
    .split('\n')
    .find((line) => line.trimStart().startsWith('›'))
    ?.trim();

// Ink splits a chunk at escape sequences (arrows, shift+tab), backspaces and ctrl+c; other bytes
// of a chunk stay together (a paste), so each burst separates its keys with those.
const backspaces = (n: number) => Array.from({length: n}, () => KEY.backspace);

describe('bursts of keys in one write: sign in, save, start', () => {
  it('the service-principal form: text typed after shift+tab lands in the field it reaches', async () => {
    const app = spawn();
    await app.waitForText('How do you want to sign in?');
    await app.burst(KEY.down, KEY.down, KEY.enter); // device code → browser → service principal
    await app.waitForText('Client secret:');
    expect(highlightedRow(app.screen())).toMatch(/^› Tenant: \S+/);
    // Tenant → (wraps to) Client secret → Client ID, then type there and erase two letters.
    await app.burst(SHIFT_TAB, SHIFT_TAB, 'not-a-guid', KEY.backspace, KEY.backspace);
    const typed = await app.waitForText(/› Client ID: not-a-gu$/m);
    expect(typed).toMatch(/^ {2}Tenant: [0-9a-f-]{36}$/m); // untouched
    // Back to the tenant, erase it all and type another.
    await app.burst(SHIFT_TAB, ...backspaces(40), 'contoso.test');
    const tenant = await app.waitForText(/› Tenant: contoso\.test$/m);
    expect(tenant).toMatch(/^ {2}Client ID: not-a-gu$/m);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);

  it('save: erasing and Enter in one write save the name left', async () => {
    const app = spawn();
    await signInToEndpoints(app);
    await app.press(KEY.enter);
    await app.waitForText('Auth mode of churn-scorer');
    await app.press('k');
    await app.waitForText('Profile name: churn-scorer');
    await app.burst(...backspaces(3), KEY.enter);
    await app.waitForText(/Saved profile churn-sco$/m);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);

  it('the start screen: ctrl+e, erasing, typing and Enter in one write rename the profile', async () => {
    const app = spawn();
    const shown = await app.waitForText(/Resume (churn-\S+)/); // the profile the test before saved
    const name = /Resume (churn-\S+)/.exec(shown)![1]!;
    // All of these reach the app before the rename field is drawn.
    await app.burst(
      KEY.ctrl('e'),
      ...backspaces(name.length),
      'renamed-2x',
      KEY.backspace,
      KEY.enter,
    );
    const renamed = await app.waitForText(`Renamed ${name} to renamed-2.`);
    expect(renamed).toContain('Resume renamed-2');
    expect(renamed).not.toContain('filter:');
    await app.press(KEY.ctrl('d'));
    await app.waitForText('Delete profile renamed-2?');
    await app.press('y');
    const deleted = await app.waitForText('Deleted profile renamed-2.');
    expect(deleted).not.toContain('Resume renamed-2');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});
