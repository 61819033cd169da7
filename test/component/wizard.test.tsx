import {afterEach, describe, expect, it} from 'vitest';
import {createHub} from '../../source/lib/hub';
import type {RetryNotice} from '../../source/domain/types';
import {EnvProvider} from '../../source/app/app-context';
import {Wizard} from '../../source/app/wizard/app';
import type {Profile} from '../../source/app/profiles-port';
import {endpoint, fakeServices, memoryProfiles, testEnv} from '../helpers/fake-services';
import {keys, renderApp} from '../helpers/ink';
import type {AppEnvironment} from '../../source/app/app-context';

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

function start(env: AppEnvironment) {
  const app = renderApp(
    <EnvProvider value={env}>
      <Wizard />
    </EnvProvider>,
  );
  cleanup = app.unmount;
  return app;
}

/** Device-code sign-in with the defaults, then Dev › ws-one: the endpoint list. */
async function toEndpoints(app: ReturnType<typeof start>) {
  await app.waitForText('How do you want to sign in?');
  await app.press(keys.enter, keys.enter);
  await app.waitForText('Signed in');
  await app.press(keys.enter);
  await app.waitForText('Dev');
  await app.press(keys.enter);
  await app.waitForText('ws-one');
  await app.press(keys.enter);
}

const savedProfile = (name: string, lastUsedAt: string): Profile => ({
  name,
  cloud: 'TestCloud',
  tenantId: '22222222-2222-2222-2222-222222222222',
  signIn: {method: 'device-code'},
  subscription: {id: 'aaaaaaaa-0000-0000-0000-000000000001', name: 'Dev'},
  resourceGroup: 'rg1',
  workspace: 'ws-one',
  endpoint: `${name}-ep`,
  authMode: 'key',
  createdAt: lastUsedAt,
  lastUsedAt,
});

describe('the wizard, part 1, with fake services', () => {
  it('walks sign-in → subscription → workspace → endpoint → auth mode → save', async () => {
    const env = testEnv();
    const app = start(env);
    await app.waitForText('How do you want to sign in?');
    // Device code is highlighted by default; it asks for an optional tenant.
    await app.press(keys.enter);
    await app.waitForText('Tenant:');
    await app.press(keys.enter);
    await app.waitForText('Signed in');
    expect(app.frame()).toContain('ada@contoso.test');
    await app.press('i');
    await app.waitForText('aud is the management audience');
    await app.press(keys.enter);
    await app.waitForText('Choose a subscription');
    await app.waitForText('Prod');
    await app.type('pro');
    await app.waitFor((f) => f.includes('filter: pro') && !f.includes('› Dev'), 'filtered list');
    await app.press(keys.escape); // clears the filter
    await app.waitFor((f) => !f.includes('filter:'), 'filter cleared');
    await app.press(keys.enter);
    await app.waitForText('Choose a workspace in Dev');
    await app.waitForText('ws-two');
    await app.press(keys.down, keys.enter);
    await app.waitForText('Choose an online endpoint in ws-two');
    await app.waitForText('churn');
    await app.press(keys.enter);
    await app.waitForText('Auth mode of churn');
    await app.press(keys.enter); // the current mode: keep it
    await app.waitForText('Save this setup as a profile');
    await app.press(keys.enter);
    await app.waitForText('Saved profile churn');
    const profiles = env.profiles as ReturnType<typeof memoryProfiles>;
    expect(profiles.saved.map((p) => [p.name, p.endpoint, p.authMode, p.workspace])).toEqual([
      ['churn', 'churn', 'key', 'ws-two'],
    ]);
    expect(JSON.stringify(profiles.saved)).not.toContain('eyJ'); // no token in a profile
  });

  it('explains an empty subscription list, and Esc goes back to sign in', async () => {
    const services = fakeServices({
      listSubscriptions: async () => [],
    });
    const app = start(testEnv({services}));
    await app.waitForText('How do you want to sign in?');
    await app.press(keys.enter, keys.enter);
    await app.waitForText('Signed in');
    await app.press(keys.enter);
    await app.waitForText('No subscriptions for ada@contoso.test in tenant 22222222');
    // Esc goes back to sign-in, to try another tenant.
    await app.press(keys.escape);
    await app.waitForText('How do you want to sign in?');
  });

  it('shows the error panel when listing fails, and ctrl+r retries', async () => {
    let attempts = 0;
    const services = fakeServices({
      listWorkspaces: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('denied by policy');
        return [];
      },
    });
    const app = start(testEnv({services}));
    await app.waitForText('How do you want to sign in?');
    await app.press(keys.enter, keys.enter);
    await app.waitForText('Signed in');
    await app.press(keys.enter);
    await app.waitForText('Choose a subscription');
    await app.waitForText('Dev');
    await app.press(keys.enter);
    await app.waitForText('denied by policy');
    await app.press(keys.ctrl('r'));
    await app.waitForText('No Azure ML workspaces you can read in Dev');
    expect(attempts).toBe(2);
  });

  it('creates an endpoint with live name validation, then switches its auth mode after confirming', async () => {
    const services = fakeServices();
    const app = start(testEnv({services}));
    await toEndpoints(app);
    await app.waitForText('churn');
    await app.press(keys.ctrl('n'));
    await app.waitForText('New online endpoint in ws-one');
    await app.type('9x');
    await app.waitForText('Must start with a letter.');
    await app.press(keys.backspace, keys.backspace);
    await app.type('my-ep-');
    await app.waitForText('Must not end with a hyphen.');
    await app.press(keys.backspace);
    await app.press(keys.enter); // to auth mode
    await app.press(keys.down); // key → aml_token
    await app.waitForText('[aml_token]');
    await app.press(keys.enter, keys.enter); // identity, then submit
    await app.waitForText('Create my-ep in ws-one');
    await app.press('y');
    await app.waitForText('Auth mode of my-ep');
    expect(services.calls.createEndpoint?.[0]?.[1]).toMatchObject({
      authMode: 'aml_token',
      identityType: 'SystemAssigned',
      location: 'eastus',
    });
    // Switch to aad_token: asks first, says what callers lose.
    await app.press(keys.down, keys.enter);
    await app.waitForText('Switch my-ep from aml_token to aad_token?');
    expect(app.frame()).toContain('clients that send Azure ML tokens will get 401');
    await app.press('y');
    await app.waitForText('Auth mode is now aad_token');
    expect(services.calls.setAuthMode).toEqual([['my-ep', 'aad_token']]);
  });

  it('resumes the most recent profile first and lands on its endpoint', async () => {
    const profiles = memoryProfiles([
      savedProfile('older', '2026-01-01T00:00:00.000Z'),
      savedProfile('newer', '2026-02-01T00:00:00.000Z'),
    ]);
    const services = fakeServices();
    const app = start(testEnv({profiles, services}));
    await app.waitForText('Resume a saved setup');
    const f = app.frame();
    expect(f.indexOf('Resume newer')).toBeLessThan(f.indexOf('Resume older'));
    expect(f).toContain('newer-ep · key · TestCloud');
    await app.press(keys.enter);
    await app.waitForText('Credentials');
    expect(app.frame()).toContain('newer-ep in ws-one');
    expect(services.calls.signIn?.[0]?.[0]).toBe('device-code');
    expect(app.frame()).toContain('Dev › ws-one › newer-ep (key)');
  });

  it('renames and deletes profiles from the start screen', async () => {
    const profiles = memoryProfiles([savedProfile('alpha', '2026-01-01T00:00:00.000Z')]);
    const app = start(testEnv({profiles}));
    await app.waitForText('Resume alpha');
    await app.press(keys.ctrl('e'));
    await app.waitForText('Rename alpha to');
    await app.type('-2');
    await app.press(keys.enter);
    await app.waitForText('Renamed alpha to alpha-2');
    expect(profiles.list().map((p) => p.name)).toEqual(['alpha-2']);
    await app.press(keys.ctrl('d'));
    await app.waitForText('Delete profile alpha-2?');
    await app.press('y');
    await app.waitForText('Deleted profile alpha-2');
    expect(profiles.list()).toEqual([]);
  });

  it('? opens help generated from the keymap, except while typing', async () => {
    const app = start(testEnv());
    await app.waitForText('How do you want to sign in?');
    await app.press('?');
    await app.waitForText('Copy the device code to the clipboard');
    await app.press(keys.escape);
    await app.waitFor((f) => !f.includes('Copy the device code'), 'help closed');
    await app.press(keys.enter);
    await app.waitForText('Tenant:');
    await app.press('?');
    await app.waitForText('Tenant: ?');
    expect(app.frame()).not.toContain('Copy the device code');
  });

  it('shows the device code inside the UI and copies it', async () => {
    let release: () => void = () => {};
    const services = fakeServices({
      signIn: async (_m, _p, callbacks) => {
        callbacks.onDeviceCode?.({
          userCode: 'ABCD12345',
          verificationUri: 'https://login.test/device',
          message: 'x',
          expiresOn: new Date(Date.now() + 900_000),
        });
        await new Promise<void>((r) => (release = r));
        const {signInResult} = await import('../helpers/fake-services');
        return signInResult();
      },
    });
    const env = testEnv({services});
    const app = start(env);
    await app.waitForText('How do you want to sign in?');
    await app.press(keys.enter, keys.enter);
    await app.waitForText('ABCD12345');
    expect(app.frame()).toContain('https://login.test/device');
    await app.press('c');
    await app.waitForText('OSC 52');
    expect(env.copied).toEqual(['ABCD12345']);
    release();
    await app.waitForText('Signed in');
  });

  it('browser without a browser: the reason, the URL and port; c copies it; d signs in with a code', async () => {
    const calls: {method: string; aborted: () => boolean}[] = [];
    const url = 'https://login.test/t/oauth2/v2.0/authorize?state=s1&x=\u001b[31m';
    const services = fakeServices({
      signIn: async (method, _p, callbacks, signal) => {
        calls.push({method, aborted: () => signal?.aborted ?? false});
        if (method === 'browser') {
          callbacks.onBrowser?.({
            url,
            opened: false,
            reason: 'xdg-open is not installed',
            port: 41234,
          });
          await new Promise<void>(() => undefined);
        }
        callbacks.onDeviceCode?.({
          userCode: 'DEVCODE42',
          verificationUri: 'https://login.test/device',
          message: 'x',
          expiresOn: new Date(Date.now() + 900_000),
        });
        const {signInResult} = await import('../helpers/fake-services');
        return signInResult();
      },
    });
    const env = testEnv({services});
    const app = start(env);
    await app.waitForText('How do you want to sign in?');
    await app.press(keys.down, keys.enter, keys.enter); // Browser, its optional tenant
    const frame = await app.waitForText(
      'No browser could be opened here: xdg-open is not installed.',
    );
    const prose = frame.replace(/\s*\n\s*/g, ' ');
    expect(prose).toContain('SSH port forward of port 41234 (ssh -L 41234:localhost:41234');
    // The URL is shown with its control characters made visible.
    expect(frame.replace(/\n/g, '')).toContain('state=s1&x=\\x1b[31m');
    expect(frame).not.toContain('\u001b[31m');
    expect(prose).toContain('press d to sign in with one instead');
    expect(prose).toMatch(/Waiting for the browser to come back with the sign-in… \d+s/);
    expect(frame).not.toContain('Check the sign-in details');
    await app.press('c');
    await app.waitForText('The sign-in URL');
    expect(env.copied).toEqual([url]);
    await app.press('d');
    await app.waitForText('Signed in');
    expect(calls.map((c) => c.method)).toEqual(['browser', 'device-code']);
    // The browser sign-in was aborted when the device code took over.
    expect(calls[0]!.aborted()).toBe(true);
  });

  it('masks a client secret and keeps it out of the saved profile', async () => {
    const env = testEnv();
    const app = start(env);
    await app.waitForText('How do you want to sign in?');
    await app.type('secret');
    await app.waitForText('Service principal (secret)');
    await app.press(keys.enter);
    await app.waitForText('Client secret:');
    await app.type('contoso.test');
    await app.press(keys.enter);
    await app.type('33333333-3333-3333-3333-333333333333');
    await app.press(keys.enter);
    await app.type('hunter2-very-secret');
    await app.waitForText('•••••••••••••••••••');
    expect(app.frame()).not.toContain('hunter2');
    await app.press(keys.enter);
    await app.waitForText('Signed in');
    const call = (env.services as ReturnType<typeof fakeServices>).calls.signIn?.[0];
    expect(call?.[0]).toBe('service-principal');
    expect(call?.[1]).toMatchObject({
      tenantId: 'contoso.test',
      clientId: '33333333-3333-3333-3333-333333333333',
      clientSecret: 'hunter2-very-secret',
    });
    await app.press(keys.enter);
    await app.waitForText('Dev');
    await app.press(keys.enter);
    await app.waitForText('ws-one');
    await app.press(keys.enter);
    await app.waitForText('churn');
    await app.press(keys.enter);
    await app.waitForText('Auth mode of churn');
    await app.press('k');
    await app.waitForText('Save this setup');
    await app.press(keys.enter);
    await app.waitForText('Saved profile');
    const saved = (env.profiles as ReturnType<typeof memoryProfiles>).saved;
    expect(JSON.stringify(saved)).not.toContain('hunter2');
    expect(saved[0]?.signIn).toEqual({
      method: 'service-principal',
      clientId: '33333333-3333-3333-3333-333333333333',
    });
  });

  it('waits for an endpoint that is still Creating before choosing it', async () => {
    const services = fakeServices({
      listEndpoints: async () => [endpoint('slow', {provisioningState: 'Creating'})],
      waitForEndpoint: async (ref, onProgress) => {
        onProgress({provisioningState: 'Creating', elapsedMs: 4000});
        await new Promise((r) => setTimeout(r, 100));
        return endpoint(ref.endpoint);
      },
    });
    const app = start(testEnv({services}));
    await toEndpoints(app);
    await app.waitForText('slow');
    await app.press(keys.enter);
    await app.waitForText('Auth mode of slow');
  });
});

describe('the embedded sandbox panel (ctrl+s)', () => {
  const SECRET = 'sandbox-secret-value-0123456789';
  const sandbox = {
    url: 'https://127.0.0.1:4443',
    cloudFile: '/tmp/sb/cloud.json',
    caCertFile: '/tmp/sb/ca.pem',
    tenantId: '22222222-2222-2222-2222-222222222222',
    principals: [
      {
        kind: 'servicePrincipal' as const,
        name: 'ops-automation',
        objectId: '33333333-3333-3333-3333-333333333333',
        clientId: '44444444-4444-4444-4444-444444444444',
        clientSecret: SECRET,
      },
    ],
  };

  it('shows the cloud file and client IDs, the secret masked until v; esc leaves the screen as it was', async () => {
    const app = start(testEnv({sandbox}));
    await app.waitForText('How do you want to sign in?');
    await app.press(keys.down); // the method list's highlight: kept under the panel
    await app.press(keys.ctrl('s'));
    let f = await app.waitForText('Secrets masked: v reveals them.');
    expect(f).toContain('cloud file  /tmp/sb/cloud.json');
    expect(f).toContain('client ID    44444444-4444-4444-4444-444444444444');
    expect(f).toContain('secret       ••••6789');
    expect(f).not.toContain(SECRET);
    expect(f).not.toContain('How do you want to sign in?');
    await app.press('v');
    f = await app.waitForText('Secrets shown: v masks them.');
    expect(f).toContain(`secret       ${SECRET}`);
    expect(f).toContain(`AZURE_CLIENT_SECRET='${SECRET}'`);
    await app.press(keys.escape);
    f = await app.waitForText('How do you want to sign in?');
    expect(f).not.toContain(SECRET);
    await app.press(keys.enter); // Browser: the highlight moved before the panel opened
    await app.waitForText('Browser — opens the sign-in page');
    // Opened again: masked again.
    await app.press(keys.ctrl('s'));
    f = await app.waitForText('Secrets masked: v reveals them.');
    expect(f).not.toContain(SECRET);
  });

  it('without --sandbox ctrl+s does nothing', async () => {
    const app = start(testEnv());
    await app.waitForText('How do you want to sign in?');
    await app.press(keys.ctrl('s'));
    await new Promise((r) => setTimeout(r, 100));
    expect(app.frame()).toContain('How do you want to sign in?');
    expect(app.frame()).not.toContain('Secrets masked');
  });
});

describe('Resource Manager retries', () => {
  it('a retry the services report shows under the header until its wait is over', async () => {
    const retries = createHub<RetryNotice>();
    const app = start({...testEnv(), retries});
    await app.waitForText('How do you want to sign in?');
    expect(app.frame()).not.toContain('↻');
    retries.emit({host: 'arm.test', status: 429, retryInSeconds: 0, attempt: 1, maxAttempts: 4});
    const frame = await app.waitForText('↻ Resource Manager at arm.test is throttling (429)');
    expect(frame).toContain('retrying in 0 s (attempt 2 of 4)');
    // The screen under it is unchanged and still answers keys.
    expect(frame).toContain('How do you want to sign in?');
    // Gone once the wait (0 s) and a moment after it have passed.
    await new Promise((r) => setTimeout(r, 3000));
    expect(app.frame()).not.toContain('↻');
  });
});
