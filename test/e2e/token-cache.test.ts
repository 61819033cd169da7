import {execFile} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {
  keyringUnavailable,
  readKeyring,
  resolvable,
  startKeyring,
  type Keyring,
} from '../helpers/keyring';
import {CLI, KEY, spawnCli, type PtyApp} from '../helpers/pty';
import {startTestSandbox} from '../helpers/sandbox';
import {cleanEnv} from '../helpers/cli-env';

// Across runs, a device-code sign-in saved in a profile is reused without a new code exactly when
// its tokens were cached: in the OS keyring (a real GNOME Keyring on a private D-Bus), or in a
// plaintext file the user opted in to. Without either, tokens stay in memory and every screen and
// error says so. The CLI runs for real: the wizard in a pseudo-terminal, the commands with pipes.

let sandbox: RunningSandbox;
const running: PtyApp[] = [];
const folders: string[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({autoApprove: 'owner', autoApproveDelayMs: 300});
});
afterAll(async () => {
  for (const app of running) app.kill('SIGKILL');
  await sandbox?.stop();
  for (const f of folders) rmSync(f, {recursive: true, force: true});
});

/** A fresh HOME (where the plaintext cache and the keyring files go) with a config folder. */
function home(): {HOME: string; AML_AUTH_CONFIG_DIR: string} {
  const dir = mkdtempSync(join(tmpdir(), 'aml-auth-cache-'));
  folders.push(dir);
  return {HOME: dir, AML_AUTH_CONFIG_DIR: join(dir, 'config')};
}

/** Device-code sign-ins the sandbox has been asked for so far. */
const deviceCodeRequests = () =>
  sandbox.requests().filter((r) => r.path.endsWith('/oauth2/v2.0/devicecode')).length;

/** Sign in with a device code, keep churn-scorer's mode, save it as `name`; returns the sign-in screen. */
async function saveProfileThroughWizard(
  env: Record<string, string>,
  name: string,
  args: string[] = [],
): Promise<string> {
  const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile, ...args], {env});
  running.push(app);
  await app.waitForText('How do you want to sign in?');
  await app.press(KEY.enter); // device code
  await app.waitForText('Tenant:');
  await app.press(KEY.enter);
  const signedIn = await app.waitForText('Signed in', 20_000);
  await app.press(KEY.enter);
  await app.waitForText('Sandbox Prod');
  await app.press(KEY.enter); // Sandbox Dev
  await app.waitForText('ws-experiments');
  await app.press(KEY.enter); // ws-dev
  await app.waitForText('churn-scorer');
  await app.press(KEY.enter); // churn-scorer sorts first
  await app.waitForText('Auth mode of churn-scorer');
  await app.press('k'); // keep key
  await app.waitForText('Save this setup as a profile');
  await app.press(...Array.from({length: 'churn-scorer'.length}, () => KEY.backspace));
  await app.type(name);
  await app.press(KEY.enter);
  await app.waitForText(`Saved profile ${name}`);
  await app.press('q');
  expect((await app.exited()).exitCode).toBe(0);
  return signedIn;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A scriptable command with pipes (no TTY), in an environment with no D-Bus unless given. */
function aml(args: string[], env: Record<string, string>): Promise<Run> {
  const base = cleanEnv();
  return new Promise((resolve) => {
    execFile(
      // AML_AUTH_TEST_NODE runs the CLI on another Node (e.g. 22), as the PTY helper does.
      process.env.AML_AUTH_TEST_NODE ?? process.execPath,
      [CLI, ...args],
      {env: {...base, NO_COLOR: '1', ...env}, timeout: 30_000},
      (err, stdout, stderr) =>
        resolve({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

// Where no keyring can be made (no gnome-keyring, keytar not built) these tests skip with the
// reason — except where AML_AUTH_REQUIRE_KEYRING is set (.ci/run sets it): there they must run.
const required = Boolean(process.env.AML_AUTH_REQUIRE_KEYRING);
const unavailable = keyringUnavailable();
const keyringSkip = required ? undefined : unavailable;
if (keyringSkip) console.warn(`OS keyring tests skipped: ${keyringSkip}`);
// Without the optional plugin (keytar builds only where libsecret-1-dev is installed, else npm
// drops the whole optional tree) every persistent mode is refused with that reason instead.
const pluginInstalled = resolvable('@azure/identity-cache-persistence');
const PLUGIN_MISSING =
  'the token cache plugin (@azure/identity-cache-persistence) is not installed';
if (!pluginInstalled)
  console.warn(`Token cache plugin absent: ${PLUGIN_MISSING}; its refusals are checked instead`);

describe.skipIf(keyringSkip !== undefined)(
  `with an OS keyring (GNOME Keyring on a private D-Bus)${keyringSkip ? ` — skipped: ${keyringSkip}` : ''}`,
  () => {
    let keyring: Keyring;
    let env: Record<string, string>;

    beforeAll(async () => {
      if (unavailable) throw new Error(`AML_AUTH_REQUIRE_KEYRING is set, but ${unavailable}`);
      const h = home();
      keyring = await startKeyring(h.HOME);
      env = {...h, DBUS_SESSION_BUS_ADDRESS: keyring.address};
    });
    afterAll(() => keyring?.stop());

    it('the wizard caches tokens in the keyring, and later runs sign in without a device code', async () => {
      const signedIn = await saveProfileThroughWizard(env, 'kr');
      expect(signedIn).toContain('Tokens are cached in your OS keyring');
      const codesAfterSignIn = deviceCodeRequests();

      // The MSAL cache is in the keyring (the plugin's shared entry); on disk only a change marker.
      const cache = readKeyring(
        keyring.address,
        env.HOME!,
        'Microsoft.Developer.IdentityService',
        'MSALCache',
      );
      expect(cache).toContain('"RefreshToken"');
      expect(cache).toContain('owner@contoso.sandbox');
      const marker = readFileSync(join(env.HOME!, '.IdentityService', 'aml-auth'), 'utf8');
      expect(marker).toBe('{}');

      // A command reuses the profile's sign-in: no --device-code, no new code, the key printed.
      const creds = await aml(['creds', '-p', 'kr', '-o', 'json'], env);
      expect(creds.stderr).toBe('');
      expect(creds.code).toBe(0);
      const out = JSON.parse(creds.stdout) as {credential: {kind: string; value: string}};
      expect(out.credential.kind).toBe('key');
      expect(out.credential.value.length).toBeGreaterThan(20);

      // So does the wizard: resuming the profile lands on the endpoint without a code.
      const again = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {env});
      running.push(again);
      await again.waitForText('Resume kr');
      await again.press(KEY.enter);
      await again.waitForText('Credentials', 20_000);
      expect(again.screen()).toContain('ws-dev › churn-scorer (key)');
      await again.press(KEY.ctrl('c'));
      expect((await again.exited()).exitCode).toBe(130);
      expect(deviceCodeRequests()).toBe(codesAfterSignIn);

      // The same profile on a machine without the keyring: memory only, said in one line.
      const noKeyring = await aml(['creds', '-p', 'kr'], {
        HOME: env.HOME!,
        AML_AUTH_CONFIG_DIR: env.AML_AUTH_CONFIG_DIR!,
      });
      expect(noKeyring.code).toBe(3);
      expect(noKeyring.stderr).toMatch(
        /^aml-auth: the saved sign-in of profile "kr" cannot be reused: tokens are kept in memory only \(no D-Bus session, so no OS keyring\), so a device code would be needed\n {2}hint: add --device-code/,
      );
      expect(noKeyring.stdout).toBe('');
    }, 90_000);

    it('--sandbox keeps tokens in memory even with a keyring: its cloud is new each run', async () => {
      const h = home();
      const app = spawnCli(['--sandbox'], {
        env: {...h, DBUS_SESSION_BUS_ADDRESS: keyring.address},
      });
      running.push(app);
      await app.waitForText('How do you want to sign in?');
      await app.press(KEY.enter);
      await app.waitForText('Tenant:');
      await app.press(KEY.enter);
      await app.waitForText('Signed in', 20_000);
      const screen = await app.waitForText(/Tokens are kept\s+in\s+memory\s+only/);
      expect(screen.replace(/\s+/g, ' ')).toContain(
        'Tokens are kept in memory only: the embedded sandbox is new each run, so its tokens could not be reused.',
      );
      await app.press(KEY.ctrl('c'));
      expect((await app.exited()).exitCode).toBe(130);
      expect(existsSync(join(h.HOME, '.IdentityService'))).toBe(false);
    }, 60_000);
  },
);

/** `creds` for churn-scorer by names, signing in with a device code. */
const deviceCodeCreds = () => [
  'creds',
  '--cloud',
  sandbox.descriptor.cloudFile,
  '--auth-method',
  'device-code',
  '--device-code',
  '--subscription',
  'Sandbox Dev',
  '--workspace',
  'ws-dev',
  '--endpoint',
  'churn-scorer',
];

describe('without an OS keyring', () => {
  it('--token-cache keyring refuses in one line, before any device code', async () => {
    const h = home();
    const before = deviceCodeRequests();
    const run = await aml([...deviceCodeCreds(), '--token-cache', 'keyring'], h);
    expect(run.code).toBe(3);
    const reason = pluginInstalled ? 'no D-Bus session, so no OS keyring' : PLUGIN_MISSING;
    expect(
      run.stderr.startsWith(`aml-auth: No OS keyring for --token-cache keyring: ${reason}\n`),
    ).toBe(true);
    expect(run.stderr).toMatch(/\n {2}hint: Start or unlock your keyring/);
    expect(run.stderr).toMatch(/hint:[\s\S]*--token-cache auto/);
    expect(run.stderr).not.toContain('devicelogin');
    expect(run.stdout).toBe('');
    expect(deviceCodeRequests()).toBe(before);
  }, 30_000);

  it('--token-cache is checked against its choices', async () => {
    const run = await aml(['creds', '--token-cache', 'disk'], home());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'disk' is invalid");
    expect(run.stderr).toContain('auto, keyring, memory, plaintext');
  });

  it.runIf(!pluginInstalled)(
    'without the plugin, plaintext is refused in the wizard and by a command, and nothing is written',
    async () => {
      const h = home();
      const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {
        env: {...h, AML_AUTH_TOKEN_CACHE: 'plaintext'},
      });
      running.push(app);
      await app.waitForText('How do you want to sign in?');
      await app.press(KEY.enter); // device code
      await app.waitForText('Tenant:');
      const before = deviceCodeRequests();
      await app.press(KEY.enter);
      const screen = (await app.waitForText('No plaintext token cache here', 20_000)).replace(
        /[│\s]+/g,
        ' ',
      );
      expect(screen).toContain(PLUGIN_MISSING);
      expect(screen).toContain('Or use --token-cache auto or memory.');
      expect(screen).not.toContain('Signed in');
      await app.press(KEY.ctrl('c'));
      expect((await app.exited()).exitCode).toBe(130);

      const run = await aml(deviceCodeCreds(), {...h, AML_AUTH_TOKEN_CACHE: 'plaintext'});
      expect(run.code).toBe(3);
      expect(run.stderr).toContain(PLUGIN_MISSING);
      expect(run.stdout).toBe('');
      expect(deviceCodeRequests()).toBe(before);
      expect(existsSync(join(h.HOME, '.IdentityService'))).toBe(false);
    },
    60_000,
  );

  it.runIf(pluginInstalled)(
    'plaintext only when asked: a 0600 file the next run reuses only with the same opt-in',
    async () => {
      const h = home();
      // The opt-in from the environment, as a shell profile would set it.
      const signedIn = await saveProfileThroughWizard(
        {...h, AML_AUTH_TOKEN_CACHE: 'plaintext'},
        'pt',
      );
      expect(signedIn.replace(/\s+/g, ' ')).toContain(
        'Tokens are cached UNENCRYPTED in ~/.IdentityService/aml-auth (readable by you only), as --token-cache plaintext asked: no D-Bus session, so no OS keyring.',
      );
      const file = join(h.HOME, '.IdentityService', 'aml-auth');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(statSync(join(h.HOME, '.IdentityService')).mode & 0o777).toBe(0o700);
      // It really is the token cache, unencrypted: the screen's warning is no exaggeration.
      expect(readFileSync(file, 'utf8')).toContain('"RefreshToken"');
      const codes = deviceCodeRequests();

      const reuse = await aml(['creds', '-p', 'pt', '--token-cache', 'plaintext', '-o', 'json'], h);
      expect(reuse.stderr).toBe('');
      expect(reuse.code).toBe(0);
      expect(JSON.parse(reuse.stdout)).toMatchObject({credential: {kind: 'key'}});
      expect(deviceCodeRequests()).toBe(codes);

      // Without the opt-in, the file is not read: memory only, and the command says why.
      const auto = await aml(['creds', '-p', 'pt'], h);
      expect(auto.code).toBe(3);
      expect(auto.stderr).toContain('tokens are kept in memory only (no D-Bus session');
    },
    90_000,
  );

  it('memory only by default: the wizard says so and writes no cache file', async () => {
    const h = home();
    const signedIn = await saveProfileThroughWizard(h, 'mem');
    expect(signedIn.replace(/\s+/g, ' ')).toContain(
      `Tokens are kept in memory only: ${pluginInstalled ? 'no D-Bus session, so no OS keyring' : PLUGIN_MISSING}. The next run asks you to sign in again`,
    );
    expect(existsSync(join(h.HOME, '.IdentityService'))).toBe(false);
  }, 60_000);
});
