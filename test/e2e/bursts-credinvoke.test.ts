import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {KEY, type PtyApp} from '../helpers/pty';
import {signInToEndpoints, saveChurnScorer, wizardSandbox} from '../helpers/wizard-e2e';

// Bursts of keys in one write on the credentials and invoke screens: every key counts, in order,
// including the keys that arrive with the one opening a field or a confirmation.

const e2e = wizardSandbox('bursts-ci');

/** Signs in as the owner and opens an entry of churn-scorer's home. */
async function open(entry: 'Credentials' | 'Invoke'): Promise<PtyApp> {
  // A profile folder of its own, so every run starts at sign-in.
  const app = e2e.wizard({
    env: {AML_AUTH_CONFIG_DIR: join(e2e.configDir, entry), HOME: e2e.configDir},
    cols: 110,
    rows: 36,
  });
  await signInToEndpoints(app);
  await saveChurnScorer(app);
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
