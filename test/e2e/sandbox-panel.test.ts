import {mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';

// `aml-auth --sandbox`: ctrl+s shows the embedded sandbox's cloud file and principals, client
// secrets masked until revealed, so the secret sign-in method can be tried inside it.

const tmp = mkdtempSync(join(tmpdir(), 'aml-auth-panel-'));
let app: PtyApp | undefined;
afterAll(() => {
  app?.kill('SIGKILL');
  rmSync(tmp, {recursive: true, force: true});
});

interface Principal {
  name: string;
  clientId?: string;
  clientSecret?: string;
  certificateFile?: string;
}

describe('the embedded sandbox panel', () => {
  it('ctrl+s shows the cloud file and principals with secrets masked; v reveals; the secret signs in', async () => {
    app = spawnCli(['--sandbox'], {
      env: {TMPDIR: tmp, AML_AUTH_CONFIG_DIR: join(tmp, '.config')},
      rows: 48,
    });
    await app.waitForText('How do you want to sign in?', 15_000);
    const folder = readdirSync(tmp).find((f) => f !== '.config')!;
    const cloudFile = join(tmp, folder, 'cloud.json');
    const cloud = JSON.parse(readFileSync(cloudFile, 'utf8')) as {principals: Principal[]};
    const ops = cloud.principals.find((p) => p.name === 'ops-automation')!;
    const secret = ops.clientSecret!;
    expect(secret.length).toBeGreaterThan(8);

    await app.press(KEY.ctrl('s'));
    let screen = await app.waitForText('Secrets masked: v reveals them.');
    const tenantId = /^ {2}tenant {6}(\S+)$/m.exec(screen)?.[1];
    expect(tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(screen).toContain(`cloud file  ${cloudFile}`);
    expect(screen).toContain('ops-automation');
    expect(screen).toContain(`client ID    ${ops.clientId}`);
    expect(screen).toContain(`secret       ••••${secret.slice(-4)}`);
    expect(screen).not.toContain(secret);
    // The screen under the panel takes no keys: the method list's filter stays empty.
    await app.press('x');
    expect(app.screen()).not.toContain(secret);

    await app.press('v');
    screen = await app.waitForText('Secrets shown: v masks them.');
    expect(screen).toContain(`secret       ${secret}`);
    await app.press('v');
    screen = await app.waitForText('Secrets masked: v reveals them.');
    expect(screen.split('\n').filter((l) => l.includes('secret  '))).not.toContainEqual(
      expect.stringContaining(secret),
    );
    await app.press('v');
    await app.waitForText('Secrets shown: v masks them.');

    // Esc closes it, back on the method list as it was; sign in with the secret shown.
    await app.press(KEY.escape);
    await app.waitForText('How do you want to sign in?');
    expect(app.screen()).not.toContain('Secrets shown');
    await app.press(KEY.down, KEY.down, KEY.enter); // device code → browser → service principal
    await app.waitForText('Service principal (secret)');
    await app.press(KEY.enter); // the tenant is the sandbox's already
    await app.type(ops.clientId!);
    await app.press(KEY.enter);
    await app.type(secret);
    await app.press(KEY.enter);
    screen = await app.waitForText('Signed in', 15_000);
    expect(screen).toContain(ops.clientId!);

    // The panel opens masked again, from any screen.
    await app.press(KEY.ctrl('s'));
    await app.waitForText('Secrets masked: v reveals them.');
    await app.press(KEY.ctrl('s'));
    await app.waitForText('Signed in');

    // The environment method, as the panel says: another terminal, while this one runs.
    const other = spawnCli(['--cloud', cloudFile], {
      env: {
        AML_AUTH_CONFIG_DIR: join(tmp, '.config-2'),
        AZURE_TENANT_ID: tenantId!,
        AZURE_CLIENT_ID: ops.clientId!,
        AZURE_CLIENT_SECRET: secret,
      },
    });
    try {
      await other.waitForText('How do you want to sign in?', 15_000);
      // device code → browser → secret → certificate → managed identity → environment
      await other.press(KEY.down, KEY.down, KEY.down, KEY.down, KEY.down, KEY.enter);
      const signedIn = await other.waitForText('Signed in', 15_000);
      expect(signedIn).toContain(ops.clientId!);
    } finally {
      other.kill('SIGKILL');
    }
    app.kill('SIGTERM');
    await app.exited();
  });

  it('the certificate the panel names signs in with the certificate method', async () => {
    const cert = spawnCli(['--sandbox'], {
      env: {TMPDIR: tmp, AML_AUTH_CONFIG_DIR: join(tmp, '.config-3')},
      rows: 48,
    });
    try {
      await cert.waitForText('How do you want to sign in?', 15_000);
      await cert.press(KEY.ctrl('s'));
      const screen = await cert.waitForText('Secrets masked: v reveals them.');
      const cloudFile = /^ {2}cloud file {2}(\S+)$/m.exec(screen)![1]!;
      const cloud = JSON.parse(readFileSync(cloudFile, 'utf8')) as {principals: Principal[]};
      const ops = cloud.principals.find((p) => p.name === 'ops-automation')!;
      expect(screen).toContain(`certificate  ${ops.certificateFile}`);
      await cert.press(KEY.escape);
      await cert.waitForText('How do you want to sign in?');
      // device code → browser → secret → certificate
      await cert.press(KEY.down, KEY.down, KEY.down, KEY.enter);
      await cert.waitForText('Service principal (certificate)');
      await cert.press(KEY.enter); // the sandbox's tenant
      await cert.type(ops.clientId!);
      await cert.press(KEY.enter);
      await cert.type(ops.certificateFile!);
      await cert.press(KEY.enter);
      const signedIn = await cert.waitForText('Signed in', 15_000);
      expect(signedIn).toContain(ops.clientId!);
    } finally {
      cert.kill('SIGTERM');
      await cert.exited();
    }
  });
});
