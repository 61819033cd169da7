import {mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox} from '../helpers/sandbox';
import {KEY, spawnCli, type PtyApp} from '../helpers/pty';

let sandbox: RunningSandbox;
let configDir: string;
const running: PtyApp[] = [];
/** Every key and token the sandbox handed out during the run, to look for on disk afterwards. */
const secretsSeen = new Set<string>();

beforeAll(async () => {
  // Short lifetimes: an Azure ML token reaches refresh-after in 10 s.
  sandbox = await startTestSandbox({
    autoApprove: 'owner',
    autoApproveDelayMs: 300,
    provisioningDelayMs: 300,
    tokenLifetimeMs: 20_000,
  });
  configDir = mkdtempSync(join(tmpdir(), 'aml-auth-e2e2-'));
  // The app's HOME is inside the scanned folder too: nothing it writes anywhere escapes the check.
  mkdirSync(join(configDir, 'home'));
});
afterAll(async () => {
  for (const app of running) app.kill('SIGKILL');
  await sandbox?.stop();
  rmSync(configDir, {recursive: true, force: true});
});

function wizard() {
  const app = spawnCli(['--cloud', sandbox.descriptor.cloudFile], {
    env: {AML_AUTH_CONFIG_DIR: configDir, HOME: join(configDir, 'home')},
    cols: 110,
    rows: 36,
  });
  running.push(app);
  return app;
}

/** Signs in (as `user`, through the device page code on screen) and walks to an endpoint's home. */
async function toHome(app: PtyApp, user: 'owner' | 'scientist', endpoint: string, downs: number) {
  const first = await app.waitForText(/How do you want to sign in\?|Resume/);
  if (first.includes('Resume')) {
    const rows = first.split('\n').filter((l) => /^\s*(›\s)?(Resume|\+ New setup)/.test(l)).length;
    for (let i = 1; i < rows; i++) await app.press(KEY.down);
    await app.press(KEY.enter);
    await app.waitForText('How do you want to sign in?');
  }
  await app.press(KEY.enter);
  await app.waitForText('Tenant:');
  await app.press(KEY.enter);
  const screen = await app.waitForText(/enter the code [A-Z0-9]{9}/);
  if (user !== 'owner')
    sandbox.approveDeviceCode(/enter the code ([A-Z0-9]{9})/.exec(screen)![1]!, user);
  await app.waitForText('Signed in', 15_000);
  await app.press(KEY.enter);
  await app.waitForText('Choose a subscription');
  await app.waitForText('Sandbox Dev');
  await app.press(KEY.enter);
  await app.waitForText('ws-dev');
  await app.press(KEY.enter);
  await app.waitForText(endpoint);
  for (let i = 0; i < downs; i++) await app.press(KEY.down);
  await app.press(KEY.enter);
  await app.waitForText(`Auth mode of ${endpoint}`);
  await app.press('k');
  await app.waitForText('Save this setup as a profile');
  await app.press(KEY.enter);
  const saved = await app.waitForText(/Saved profile|Overwrite it\?/);
  if (saved.includes('Overwrite it?')) await app.press('y');
  await app.waitForText('Saved profile');
}

async function openEntry(app: PtyApp, entry: 'Roles' | 'Credentials' | 'Invoke') {
  await app.waitForText('Save profile');
  // Home remembers the entry opened last; go to the top first.
  for (let i = 0; i < 5; i++) await app.press(KEY.up);
  const downs = {Roles: 0, Credentials: 1, Invoke: 2}[entry];
  for (let i = 0; i < downs; i++) await app.press(KEY.down);
  await app.press(KEY.enter);
}

describe('the wizard: roles, credentials and scoring, in a real terminal against the sandbox', () => {
  it('scientist lacks listKeys; the owner assigns AzureML Data Scientist and the re-check shows ✓', async () => {
    const sci = wizard();
    await toHome(sci, 'scientist', 'churn-scorer', 0);
    await openEntry(sci, 'Roles');
    const before = await sci.waitForText('list keys');
    expect(before).toMatch(/✗ list keys\s+needed/);
    expect(before).toMatch(/✓ read the endpoint/);
    expect(before).toContain('You cannot assign roles here');
    expect(before).toContain('az role assignment create');
    await sci.press(KEY.escape);
    await sci.press('q');
    expect((await sci.exited()).exitCode).toBe(0);

    const owner = wizard();
    await toHome(owner, 'owner', 'churn-scorer', 0);
    await openEntry(owner, 'Roles');
    await owner.waitForText('list keys');
    await owner.press('a');
    await owner.waitForText('Which role?');
    await owner.press(KEY.down, KEY.enter); // AzureML Data Scientist
    await owner.waitForText('Assign to whom?');
    await owner.press(KEY.down, KEY.enter); // another principal…
    await owner.waitForText('Object ID');
    await owner.type(principal(sandbox, 'scientist').objectId);
    await owner.press(KEY.enter);
    await owner.waitForText('At which scope?');
    await owner.press(KEY.enter); // workspace
    await owner.waitForText('Assign AzureML Data Scientist');
    await owner.press('y');
    await owner.waitForText(/Assigned AzureML Data Scientist/, 15_000);
    const after = await owner.waitForText(/✓ list keys/, 15_000);
    expect(after).toContain(`Roles for ${principal(sandbox, 'scientist').objectId}`);
    await owner.press(KEY.escape);
    await owner.waitForText('Save profile');
    await owner.press('q');
    await owner.exited();
  }, 90_000);

  it('fetches a key, regenerates it: the old key is refused and the new one scores', async () => {
    const app = wizard();
    await toHome(app, 'owner', 'churn-scorer', 0);
    await openEntry(app, 'Credentials');
    await app.waitForText('primary');
    expect(app.screen()).toMatch(/primary\s+••••/);
    await app.press('v');
    const shown = await app.waitForText(/primary\s+[A-Za-z0-9+/]{43}=/);
    const oldKey = /primary\s+([A-Za-z0-9+/]{43}=)/.exec(shown)![1]!;
    secretsSeen.add(oldKey);
    await app.press('g');
    await app.waitForText('Regenerate the primary key');
    await app.press('y');
    const regenerated = await app.waitForText('(new)', 15_000);
    const newKey = /primary\s+([A-Za-z0-9+/]{43}=)/.exec(regenerated)![1]!;
    secretsSeen.add(newKey);
    expect(newKey).not.toBe(oldKey);
    const uri = /https:\/\/127\.0\.0\.1:\d+\/inference\/churn-scorer\.eastus\/score/;
    const scoringUri = sandbox.url + '/inference/churn-scorer.eastus/score';
    expect(scoringUri).toMatch(uri);
    const body = readFileSync(new URL('../../assets/sample-request.json', import.meta.url), 'utf8');
    const score = (key: string) =>
      request(sandbox, scoringUri, {
        method: 'POST',
        headers: {authorization: `Bearer ${key}`, 'content-type': 'application/json'},
        body,
      });
    expect((await score(oldKey)).status).toBe(401);
    expect((await score(newKey)).status).toBe(200);
    // Invoke in the app uses the credential just fetched: 200.
    await app.press(KEY.escape);
    await openEntry(app, 'Invoke');
    await app.waitForText('traffic-routed');
    await app.press(KEY.enter);
    await app.waitForText(/200 · \d+ ms · deployment (blue|green)/);
    await app.press(KEY.ctrl('c'));
    await app.exited();
  }, 60_000);

  it('on loan-aml an Azure ML token reaches refresh-after and is refreshed; v2 is reached by header', async () => {
    const app = wizard();
    await toHome(app, 'owner', 'loan-aml', 2);
    await openEntry(app, 'Credentials');
    await app.waitForText('refresh after');
    await app.waitForText('Refreshed automatically', 20_000);
    await app.press(KEY.escape);
    await openEntry(app, 'Invoke');
    await app.waitForText('traffic-routed');
    await app.press('t');
    await app.waitForText('reachable only by name');
    await app.press(KEY.down, KEY.down, KEY.enter);
    await app.waitForText('target deployment v2');
    await app.press(KEY.enter);
    const answer = await app.waitForText(/200 · \d+ ms · deployment v2/);
    expect(answer).toContain('"decision"');
    await app.press(KEY.ctrl('c'));
    await app.exited();
  }, 60_000);

  it('on fraud-aad invokes with an Entra token and gets 200', async () => {
    const app = wizard();
    await toHome(app, 'owner', 'fraud-aad', 1);
    await openEntry(app, 'Credentials');
    await app.waitForText('is the ML audience');
    await app.press(KEY.escape);
    await openEntry(app, 'Invoke');
    await app.waitForText('traffic-routed');
    await app.press(KEY.enter);
    const answer = await app.waitForText(/200 · \d+ ms · deployment main/);
    expect(answer).toMatch(/"(fraud|legit)"/);
    await app.press(KEY.ctrl('c'));
    await app.exited();
  }, 60_000);

  it('wrote no key or token anywhere in the config dir or its HOME', () => {
    const files: string[] = [];
    const walk = (d: string) => {
      for (const f of readdirSync(d)) {
        const p = join(d, f);
        if (statSync(p).isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(configDir);
    expect(files.length).toBeGreaterThan(0);
    expect(secretsSeen.size).toBeGreaterThan(0);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const s of secretsSeen) expect(text).not.toContain(s);
      expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}/);
      for (const p of sandbox.descriptor.principals)
        if (p.clientSecret) expect(text).not.toContain(p.clientSecret);
    }
  });
});
