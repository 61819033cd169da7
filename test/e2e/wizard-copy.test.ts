import {join} from 'node:path';
import {describe, expect, it} from 'vitest';
import {shellQuote} from '../../source/lib/shell';
import {openProfileStore} from '../../source/profiles';
import {KEY, type PtyApp} from '../helpers/pty';
import {principal, subscriptionId} from '../helpers/sandbox';
import {signInToEndpoints, saveChurnScorer, wizardSandbox} from '../helpers/wizard-e2e';

// The wizard in a pseudo-terminal (issue 15, item 4): "copy as curl" shows the command it copied
// (the secret masked), with --cacert for a cloud with its own CA; and a service-principal profile
// resumes with AZURE_CLIENT_SECRET when it is set, as the commands do.

const e2e = wizardSandbox('wizard-copy');
// No multiplexer and no desktop clipboard: the copy is a plain OSC 52, visible in the bytes.
const NO_CLIPBOARD = {TMUX: '', STY: '', DISPLAY: '', WAYLAND_DISPLAY: ''};

/** The texts the app sent with OSC 52, decoded. */
const osc52Texts = (raw: string) =>
  // eslint-disable-next-line no-control-regex
  [...raw.matchAll(/\u001b\]52;c;([A-Za-z0-9+/=]*)\u0007/g)].map((m) =>
    Buffer.from(m[1]!, 'base64').toString('utf8'),
  );

async function openInvoke(): Promise<PtyApp> {
  const app = e2e.wizard({
    env: {AML_AUTH_CONFIG_DIR: join(e2e.configDir, 'invoke'), HOME: e2e.configDir, ...NO_CLIPBOARD},
    cols: 120,
    rows: 44,
  });
  await signInToEndpoints(app);
  await saveChurnScorer(app);
  await app.waitForText('Save profile');
  for (let i = 0; i < 5; i++) await app.press(KEY.up);
  for (let i = 0; i < 2; i++) await app.press(KEY.down);
  await app.press(KEY.enter);
  await app.waitForText('traffic-routed');
  return app;
}

describe('copy as curl on the invoke screen', () => {
  it('shows the command it copied, with --cacert for the sandbox CA; with the secret, masked on screen', async () => {
    const app = await openInvoke();
    const ca = shellQuote(e2e.sandbox.descriptor.caCertFile);
    await app.press('k');
    const shown = await app.waitForText('The curl command (with $DATA_PLANE_TOKEN) sent to');
    expect(shown).toContain(`--cacert ${ca}`);
    expect(shown).toContain('"Authorization: Bearer $DATA_PLANE_TOKEN"');
    const [copied] = osc52Texts(app.raw());
    expect(copied).toContain(`  --cacert ${ca} \\\n`);
    expect(copied).toContain('"Authorization: Bearer $DATA_PLANE_TOKEN"');
    // The command on screen is the one copied, line for line.
    for (const line of copied!.split('\n')) expect(shown).toContain(line.trim());

    // Send once, then K y: the command WITH the key — copied whole, shown masked.
    await app.press(KEY.enter);
    await app.waitForText(/200/, 15_000);
    await app.press('K');
    await app.waitForText('WITH the secret credential in it?');
    await app.press('y');
    const secretShown = await app.waitForText('The curl command WITH the secret sent to');
    const withSecret = osc52Texts(app.raw()).at(-1)!;
    const key = /Authorization: Bearer ([A-Za-z0-9+/]{43}=)/.exec(withSecret)?.[1];
    expect(key).toBeDefined();
    expect(secretShown).not.toContain(key!);
    expect(secretShown).toMatch(/Authorization: Bearer ••••\S{4}/);
    expect(secretShown).toContain(`--cacert ${ca}`);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 90_000);
});

describe('copy as curl on the credentials screen', () => {
  it('k copies a curl with $DATA_PLANE_TOKEN and --cacert, and shows it', async () => {
    const app = e2e.wizard({
      env: {
        AML_AUTH_CONFIG_DIR: join(e2e.configDir, 'creds'),
        HOME: e2e.configDir,
        ...NO_CLIPBOARD,
      },
      cols: 120,
      rows: 44,
    });
    await signInToEndpoints(app);
    await saveChurnScorer(app);
    await app.waitForText('Save profile');
    for (let i = 0; i < 5; i++) await app.press(KEY.up);
    await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitForText(/primary\s+••••/);
    await app.press('k');
    const shown = await app.waitForText('The curl command (with $DATA_PLANE_TOKEN) sent to');
    const ca = shellQuote(e2e.sandbox.descriptor.caCertFile);
    expect(shown).toContain(`--cacert ${ca}`);
    const copied = osc52Texts(app.raw()).at(-1)!;
    expect(copied).toContain('"Authorization: Bearer $DATA_PLANE_TOKEN"');
    for (const line of copied.split('\n')) expect(shown).toContain(line.trim());
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 90_000);
});

describe('resuming a service-principal profile', () => {
  function saveProfile(dir: string) {
    const sandbox = e2e.sandbox;
    const {store} = openProfileStore({dir});
    store.save({
      name: 'sp-dev',
      cloud: sandbox.descriptor.cloudFile,
      tenantId: sandbox.descriptor.tenantId,
      signIn: {
        method: 'service-principal',
        clientId: principal(sandbox, 'ops-automation').clientId!,
      },
      subscription: {id: subscriptionId(sandbox), name: 'Sandbox Dev'},
      resourceGroup: 'rg-ws-dev',
      workspace: 'ws-dev',
      endpoint: 'churn-scorer',
      authMode: 'key',
    });
  }

  it('signs in with AZURE_CLIENT_SECRET when it is set, without asking for the secret', async () => {
    const dir = join(e2e.configDir, 'sp-env');
    saveProfile(dir);
    const secret = principal(e2e.sandbox, 'ops-automation').clientSecret!;
    const app = e2e.wizard({env: {AML_AUTH_CONFIG_DIR: dir, AZURE_CLIENT_SECRET: secret}});
    await app.waitForText('Resume sp-dev');
    await app.press(KEY.enter);
    const home = await app.waitForText('Credentials', 20_000);
    expect(home).toContain('Sandbox Dev › ws-dev › churn-scorer (key)');
    expect(app.raw()).not.toContain('Client secret');
    expect(app.raw()).not.toContain(secret);
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);

  it('without it, asks for the secret as before', async () => {
    const dir = join(e2e.configDir, 'sp-ask');
    saveProfile(dir);
    const app = e2e.wizard({env: {AML_AUTH_CONFIG_DIR: dir, AZURE_CLIENT_SECRET: ''}});
    await app.waitForText('Resume sp-dev');
    await app.press(KEY.enter);
    await app.waitForText('Client secret');
    await app.press(KEY.ctrl('c'));
    expect((await app.exited()).exitCode).toBe(130);
  }, 60_000);
});
