import {
  DeviceCodeCredential,
  InteractiveBrowserCredential,
  type AccessToken,
  type GetTokenOptions,
} from '@azure/identity';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {tokenCacheNote} from '../../source/app/wizard/steps/sign-in/methods';
import {createCredential} from '../../source/azure/credentials';
import {ServiceError} from '../../source/azure/errors';
import {
  chooseTokenCache,
  enablePersistencePlugin,
  oneAtATime,
  persistenceOptions,
  plaintextCachePath,
  preparePlaintextCache,
  probeKeyring,
  resolveTokenCache,
} from '../../source/azure/token-cache';
import type {CloudConfig} from '../../source/domain/types';
import {resolvable} from '../helpers/keyring';

const work = mkdtempSync(join(tmpdir(), 'aml-auth-token-cache-'));
const pluginInstalled = resolvable('@azure/identity-cache-persistence');
afterAll(() => rmSync(work, {recursive: true, force: true}));

const PLAIN = '/home/me/.IdentityService/aml-auth';
const ok = {ok: true};
const noBus = {ok: false, reason: 'no D-Bus session, so no OS keyring'};

describe('chooseTokenCache', () => {
  it('auto: the keyring when the probe passes, else memory with the reason', () => {
    expect(chooseTokenCache('auto', ok, true, PLAIN)).toEqual({kind: 'keyring'});
    expect(chooseTokenCache('auto', noBus, true, PLAIN)).toEqual({
      kind: 'memory',
      reason: 'no D-Bus session, so no OS keyring',
    });
    expect(chooseTokenCache('auto', ok, false, PLAIN)).toEqual({
      kind: 'memory',
      reason: 'the token cache plugin (@azure/identity-cache-persistence) is not installed',
    });
  });

  it('memory: never persisted, whatever the keyring could do', () => {
    expect(chooseTokenCache('memory', ok, true, PLAIN)).toEqual({
      kind: 'memory',
      reason: 'you chose --token-cache memory',
    });
  });

  it('keyring: the keyring, or an error that names the cause and the ways out', () => {
    expect(chooseTokenCache('keyring', ok, true, PLAIN)).toEqual({kind: 'keyring'});
    let error: unknown;
    try {
      chooseTokenCache('keyring', noBus, true, PLAIN);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ServiceError);
    const app = (error as ServiceError).appError;
    expect(app).toMatchObject({
      kind: 'invalid',
      title: 'No OS keyring for --token-cache keyring',
      detail: 'no D-Bus session, so no OS keyring',
    });
    expect(app.nextSteps.join(' ')).toMatch(/--token-cache auto.*--token-cache plaintext/);
  });

  it('plaintext: still the keyring when it works; the file only where it does not', () => {
    expect(chooseTokenCache('plaintext', ok, true, PLAIN)).toEqual({kind: 'keyring'});
    expect(chooseTokenCache('plaintext', noBus, true, PLAIN)).toEqual({
      kind: 'plaintext',
      path: PLAIN,
      reason: 'no D-Bus session, so no OS keyring',
    });
    expect(() => chooseTokenCache('plaintext', noBus, true, undefined)).toThrow(
      'No plaintext token cache here',
    );
    expect(() => chooseTokenCache('plaintext', noBus, false, PLAIN)).toThrow(ServiceError);
  });

  it('only the non-memory choices switch the credential option on, unencrypted only for plaintext', () => {
    expect(persistenceOptions({kind: 'memory'})).toEqual({});
    expect(persistenceOptions({kind: 'keyring'})).toEqual({
      tokenCachePersistenceOptions: {
        enabled: true,
        name: 'aml-auth',
        unsafeAllowUnencryptedStorage: false,
      },
    });
    expect(
      persistenceOptions({kind: 'plaintext', path: PLAIN}).tokenCachePersistenceOptions,
    ).toMatchObject({unsafeAllowUnencryptedStorage: true});
  });

  it('the plaintext file is where the plugin writes it: $HOME/.IdentityService/aml-auth', () => {
    expect(plaintextCachePath({HOME: '/home/me'})).toBe(PLAIN);
    expect(plaintextCachePath({})).toBeUndefined();
  });
});

/** A stand-in keytar module with the given body for setPassword/getPassword/deletePassword. */
function fakeKeytar(name: string, body: string): string {
  const file = join(work, `${name}.cjs`);
  writeFileSync(file, body);
  return file;
}

describe('probeKeyring (a child process with a stand-in keytar)', () => {
  it('passes when a secret written can be read back and deleted', async () => {
    const store = fakeKeytar(
      'works',
      `const m = new Map();
       module.exports = {
         setPassword: async (s, a, v) => { m.set(s + a, v); },
         getPassword: async (s, a) => m.get(s + a) ?? null,
         deletePassword: async (s, a) => m.delete(s + a),
       };`,
    );
    expect(await probeKeyring({keytarPath: store})).toEqual({ok: true});
  });

  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no D-Bus session, so no OS keyring'],
    ['The given address is empty', 'no D-Bus session, so no OS keyring'],
    ['Cannot create an item in a locked collection', 'the OS keyring is locked'],
    [
      'The name org.freedesktop.secrets was not provided by any .service files',
      'no Secret Service (GNOME Keyring or KWallet) is running',
    ],
    ['Something else', 'the OS keyring refused a test secret: Something else'],
  ])('fails with a reason a person can act on: %s', async (message, reason) => {
    const store = fakeKeytar(
      `fails-${reason.length}`,
      `module.exports = {
         setPassword: async () => { throw new Error(${JSON.stringify(message)}); },
         getPassword: async () => null,
         deletePassword: async () => false,
       };`,
    );
    expect(await probeKeyring({keytarPath: store})).toEqual({ok: false, reason});
  });

  it.each([
    [
      'The module keytar.node was compiled against a different Node.js version using NODE_MODULE_VERSION 115.',
      'the keyring module (keytar) was built for another Node.js version: reinstall aml-auth with this one',
    ],
    [
      'libsecret-1.so.0: cannot open shared object file: No such file or directory',
      'libsecret is not installed (Debian/Ubuntu: libsecret-1-0)',
    ],
  ])('a keytar that cannot even load says why: %s', async (message, reason) => {
    const store = fakeKeytar(
      `unloadable-${reason.length}`,
      `throw new Error(${JSON.stringify(message)});`,
    );
    expect(await probeKeyring({keytarPath: store})).toEqual({ok: false, reason});
  });

  it('fails when the keyring returns something else than was written', async () => {
    const store = fakeKeytar(
      'forgets',
      `module.exports = {setPassword: async () => {}, getPassword: async () => null, deletePassword: async () => false};`,
    );
    expect(await probeKeyring({keytarPath: store})).toEqual({
      ok: false,
      reason: 'the keyring did not return what was written',
    });
  });

  it('gives up on a keyring that never answers, and kills the probe', async () => {
    const store = fakeKeytar(
      'hangs',
      `require('node:fs').writeFileSync(${JSON.stringify(join(work, 'hangs.pid'))}, String(process.pid));
       setInterval(() => {}, 1000);
       module.exports = {setPassword: () => new Promise(() => {}), getPassword: async () => null, deletePassword: async () => false};`,
    );
    // The reason proves the timer fired (without it this would wait for the test's timeout).
    const result = await probeKeyring({keytarPath: store, timeoutMs: 400});
    expect(result).toEqual({
      ok: false,
      reason: 'the keyring did not answer within 400 ms (locked, or waiting for an unlock prompt?)',
    });
    // And the child is gone, not left waiting on the keyring.
    const pid = Number(readFileSync(join(work, 'hangs.pid'), 'utf8'));
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // SIGKILL was sent when the timer fired; give the loop a moment to reap it.
    for (let i = 0; i < 40 && alive(); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive()).toBe(false);
  });

  it('survives a probe that crashes (a native module that aborts)', async () => {
    const store = fakeKeytar('crashes', `process.exit(134);`);
    expect(await probeKeyring({keytarPath: store})).toEqual({
      ok: false,
      reason: 'the keyring probe ended without an answer (exit 134)',
    });
  });

  it('on Windows the plugin uses DPAPI: nothing to probe', async () => {
    expect(await probeKeyring({platform: 'win32', keytarPath: '/nowhere'})).toEqual({ok: true});
  });
});

describe('preparePlaintextCache', () => {
  it('creates the folder 0700 and the file 0600 before the plugin writes to it', () => {
    const file = join(work, 'fresh', '.IdentityService', 'aml-auth');
    preparePlaintextCache(file);
    expect(statSync(join(file, '..')).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(file).size).toBe(0);
  });

  it('tightens a file left readable by others, and leaves an existing folder and content alone', () => {
    const dir = join(work, 'shared', '.IdentityService');
    mkdirSync(dir, {recursive: true, mode: 0o755});
    chmodSync(dir, 0o755);
    const file = join(dir, 'aml-auth');
    writeFileSync(file, '{"Account":{}}', {mode: 0o644});
    chmodSync(file, 0o644);
    preparePlaintextCache(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o755);
    expect(statSync(file).size).toBe('{"Account":{}}'.length);
  });
});

describe('resolveTokenCache', () => {
  it.skipIf(!pluginInstalled)(
    'plaintext where the file cannot be made: a clear error naming the path, not a crash',
    async () => {
      const notAFolder = join(work, 'home-is-a-file');
      writeFileSync(notAFolder, '');
      const error = await resolveTokenCache('plaintext', {HOME: notAFolder}).catch(
        (err: unknown) => err,
      );
      expect(error).toBeInstanceOf(ServiceError);
      expect((error as ServiceError).appError).toMatchObject({
        title: 'The plaintext token cache cannot be created',
        detail: expect.stringContaining(`${notAFolder}/.IdentityService/aml-auth: ENOTDIR`),
      });
    },
  );

  it('memory asks nothing of the keyring and says why', async () => {
    expect(await resolveTokenCache('memory', {}, 'the sandbox is new each run')).toEqual({
      kind: 'memory',
      reason: 'the sandbox is new each run',
    });
  });
});

describe('oneAtATime', () => {
  it('runs token requests one after another, in order, and a failure does not block the next', async () => {
    let active = 0;
    let most = 0;
    const order: string[] = [];
    const inner = {
      async getToken(scopes: string | string[], _options?: GetTokenOptions) {
        const scope = String(scopes);
        active++;
        most = Math.max(most, active);
        order.push(`start ${scope}`);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        order.push(`end ${scope}`);
        if (scope === 'b') throw new Error('refresh failed');
        return {token: `t-${scope}`, expiresOnTimestamp: 1} satisfies AccessToken;
      },
    };
    const queued = oneAtATime(inner);
    const results = await Promise.allSettled([
      queued.getToken('a'),
      queued.getToken('b'),
      queued.getToken('c'),
    ]);
    expect(most).toBe(1);
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseFulfilledResult<AccessToken>).value.token).toBe('t-c');
  });
});

describe('createCredential with a persistent cache', () => {
  const cloud: CloudConfig = {
    name: 'local',
    resourceManagerEndpoint: 'https://127.0.0.1:8443/',
    authorityHost: 'https://127.0.0.1:8443',
    managementScope: 'https://management.azure.com/.default',
    mlScope: 'https://ml.azure.com/.default',
    custom: true,
  };

  it('without a cache: the SDK credential itself, memory', () => {
    for (const method of ['device-code', 'browser'] as const) {
      const created = createCredential(cloud, method, {}, {}, {}, {kind: 'memory'});
      expect(created.tokenCache).toEqual({kind: 'memory'});
      expect(created.credential).toBeInstanceOf(
        method === 'device-code' ? DeviceCodeCredential : InteractiveBrowserCredential,
      );
    }
  });

  it.skipIf(!pluginInstalled)(
    'with the plugin on and a keyring that fails later: no unhandled rejection ends the process, requests queue',
    async () => {
      // The plugin reads HOME when it loads; keep its change-marker file in this test's folder.
      process.env.HOME = work;
      const unhandled: unknown[] = [];
      const listener = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', listener);
      try {
        await enablePersistencePlugin();
        // No D-Bus here: the plugin's keyring read fails for both caches the SDK asks for.
        const created = createCredential(cloud, 'device-code', {}, {}, {}, {kind: 'keyring'});
        expect(created.tokenCache).toEqual({kind: 'keyring'});
        // Wrapped, so token requests run one at a time (see oneAtATime).
        expect(created.credential).not.toBeInstanceOf(DeviceCodeCredential);
        await new Promise((r) => setTimeout(r, 500));
        expect(unhandled).toEqual([]);
      } finally {
        process.off('unhandledRejection', listener);
      }
    },
  );

  it('a service principal needs no cache, whatever was resolved', () => {
    const created = createCredential(
      cloud,
      'service-principal',
      {tenantId: 't', clientId: 'c', clientSecret: 's'},
      {},
      {},
      {kind: 'keyring'},
    );
    expect(created.tokenCache).toEqual({
      kind: 'memory',
      reason: 'this method signs in again the same way on every run, without a prompt',
    });
  });
});

describe('tokenCacheNote (the signed-in screen)', () => {
  it('the keyring: quiet, and what it buys', () => {
    expect(tokenCacheNote({kind: 'keyring'}, 'device-code')).toEqual({
      text: 'Tokens are cached in your OS keyring: the next run signs in silently while a refresh is possible.',
      warn: false,
    });
  });

  it('plaintext: a warning with the file, ~ for HOME', () => {
    const note = tokenCacheNote(
      {kind: 'plaintext', path: `${process.env.HOME}/.IdentityService/aml-auth`, reason: 'x'},
      'browser',
    );
    expect(note.warn).toBe(true);
    expect(note.text).toBe(
      'Tokens are cached UNENCRYPTED in ~/.IdentityService/aml-auth (readable by you only), as --token-cache plaintext asked: x.',
    );
  });

  it('memory: the reason, and for a person the consequence', () => {
    const reason = 'no D-Bus session, so no OS keyring';
    expect(tokenCacheNote({kind: 'memory', reason}, 'device-code').text).toBe(
      'Tokens are kept in memory only: no D-Bus session, so no OS keyring. The next run asks you to sign in again (the profile remembers who you are).',
    );
    expect(
      tokenCacheNote(
        {kind: 'memory', reason: 'the Azure CLI keeps its own sign-in (az login)'},
        'cli',
      ).text,
    ).toBe('Tokens are kept in memory only: the Azure CLI keeps its own sign-in (az login).');
  });
});
