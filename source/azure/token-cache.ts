/**
 * The persistent token cache: @azure/identity-cache-persistence, used only where it is safe.
 *
 * On Linux the plugin keeps MSAL's cache in the Secret Service (GNOME Keyring, KWallet) through
 * keytar; on macOS in the Keychain; on Windows in a DPAPI-encrypted file. Two traps decide the
 * shape of this module (DESIGN.md, "Persistent token cache is a trap on headless Linux"):
 * - without a D-Bus session, merely constructing a credential with `tokenCachePersistenceOptions`
 *   ends the process with an unhandled rejection, and a locked keyring fails only when saving;
 * - `unsafeAllowUnencryptedStorage` silently falls back to a world-readable plaintext file.
 * So the keyring is probed first — a write, read and delete in a child process, where a hung or
 * crashing libsecret cannot take the app with it — and the plugin is enabled only after that
 * probe succeeds. Plaintext happens only when asked for by name, and then in a 0600 file.
 *
 * The plugin and keytar are optional dependencies (keytar builds from source against
 * libsecret-1-dev); when they are missing, tokens stay in memory and the reason says so.
 */
import {spawn} from 'node:child_process';
import {chmodSync, closeSync, existsSync, mkdirSync, openSync} from 'node:fs';
import {createRequire} from 'node:module';
import {join} from 'node:path';
import {useIdentityPlugin, type TokenCredential} from '@azure/identity';
import {ServiceError} from './errors';
import type {TokenCacheInfo, TokenCacheMode} from '../domain/types';

/**
 * The cache's name. @azure/identity asks the plugin for `<name>.cae` and `<name>.nocae` but then
 * spreads our options over that, so both are `<name>`: one file, `~/.IdentityService/aml-auth`
 * (a change marker beside the keyring entry, or the whole cache when plaintext).
 */
export const TOKEN_CACHE_NAME = 'aml-auth';

const PLUGIN_MODULE = '@azure/identity-cache-persistence';
const KEYTAR_MODULE = 'keytar';

/** How long the keyring may take to answer the probe (an unlock prompt may be on screen). */
export const PROBE_TIMEOUT_MS = 8000;

export interface KeyringProbe {
  ok: boolean;
  /** Why the keyring cannot be used, in words for the screen. */
  reason?: string;
}

/**
 * Runs in a child `node`: a write, read and delete of a probe secret through keytar (the same
 * library the plugin uses), under its own service name so no real cache entry is touched. Prints
 * one JSON line.
 */
const PROBE_SCRIPT = `
const service = 'aml-auth keyring probe';
const account = 'probe-' + process.pid;
const say = (o) => process.stdout.write(JSON.stringify(o) + '\\n');
(async () => {
  try {
    const keytar = require(process.env.AML_AUTH_KEYTAR_PATH);
    await keytar.setPassword(service, account, 'probe');
    const read = await keytar.getPassword(service, account);
    await keytar.deletePassword(service, account);
    say(read === 'probe' ? {ok: true} : {ok: false, reason: 'the keyring did not return what was written'});
  } catch (err) {
    say({ok: false, error: String((err && err.message) || err)});
  }
})();
`;

const requireHere = createRequire(import.meta.url);

/** The installed module's entry file, or undefined when the optional dependency is absent. */
function installed(name: string): string | undefined {
  try {
    return requireHere.resolve(name);
  } catch {
    return undefined;
  }
}

export interface ProbeOptions {
  /** keytar's entry file (default: the installed one). Tests point it at a stand-in. */
  keytarPath?: string;
  timeoutMs?: number;
  platform?: NodeJS.Platform;
}

/** Whether the OS secret store works: a write/read/delete round trip in a child process. */
export function probeKeyring(options: ProbeOptions = {}): Promise<KeyringProbe> {
  const platform = options.platform ?? process.platform;
  // Windows: the plugin encrypts a file with DPAPI for the current user; there is no keyring.
  if (platform === 'win32') return Promise.resolve({ok: true});
  const keytarPath = options.keytarPath ?? installed(KEYTAR_MODULE);
  if (!keytarPath) {
    return Promise.resolve({
      ok: false,
      reason:
        'the keyring module (keytar) is not installed — on Linux it builds at install time against libsecret-1-dev',
    });
  }
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result: KeyringProbe) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const child = spawn(process.execPath, ['-e', PROBE_SCRIPT], {
      env: {...process.env, AML_AUTH_KEYTAR_PATH: keytarPath},
      stdio: ['ignore', 'pipe', 'ignore'],
      windowsHide: true,
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({
        ok: false,
        reason: `the keyring did not answer within ${timeoutMs < 1000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`} (locked, or waiting for an unlock prompt?)`,
      });
    }, timeoutMs);
    child.on('error', (err) =>
      finish({ok: false, reason: `the keyring probe failed: ${err.message}`}),
    );
    child.on('close', (code, signal) => {
      const line = out.trim().split('\n').pop() ?? '';
      try {
        // `error` is libsecret's message, to be put in words; `reason` is already in words.
        const parsed = JSON.parse(line) as KeyringProbe & {error?: string};
        finish(
          parsed.ok
            ? {ok: true}
            : {ok: false, reason: parsed.reason ?? keyringReason(parsed.error)},
        );
      } catch {
        finish({
          ok: false,
          reason: `the keyring probe ended without an answer (${signal ?? `exit ${code}`})`,
        });
      }
    });
  });
}

/** libsecret's messages, in words a user can act on. */
function keyringReason(message: string | undefined): string {
  const m = message ?? 'unknown error';
  if (/NODE_MODULE_VERSION|compiled against a different Node/i.test(m))
    return 'the keyring module (keytar) was built for another Node.js version: reinstall aml-auth with this one';
  if (/libsecret-1\.so|cannot open shared object/i.test(m))
    return 'libsecret is not installed (Debian/Ubuntu: libsecret-1-0)';
  if (/org\.freedesktop\.secrets|ServiceUnknown|was not provided/i.test(m))
    return 'no Secret Service (GNOME Keyring or KWallet) is running';
  if (/autolaunch D-Bus|DBUS_SESSION_BUS_ADDRESS|dbus|address is empty/i.test(m))
    return 'no D-Bus session, so no OS keyring';
  if (/locked/i.test(m)) return 'the OS keyring is locked';
  return `the OS keyring refused a test secret: ${m}`;
}

/**
 * Where the plugin writes its unencrypted file on Linux and macOS: `$HOME/.IdentityService`
 * (the plugin reads HOME itself, not os.homedir()).
 */
export function plaintextCachePath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.HOME ? join(env.HOME, '.IdentityService', TOKEN_CACHE_NAME) : undefined;
}

/**
 * The plugin creates its files with the default umask (0644, in a 0755 folder). Create them first,
 * 0600 — and the folder 0700 when it is new — so the tokens are readable by this user only; the
 * plugin's later writes keep the mode.
 */
export function preparePlaintextCache(path: string): void {
  const dir = join(path, '..');
  if (!existsSync(dir)) mkdirSync(dir, {recursive: true, mode: 0o700});
  closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/**
 * The decision, given the mode and the probe: where tokens will live, or a ServiceError when the
 * mode asks for something this machine cannot give.
 */
export function chooseTokenCache(
  mode: TokenCacheMode,
  probe: KeyringProbe,
  pluginInstalled: boolean,
  plaintextPath: string | undefined,
  memoryReason = 'you chose --token-cache memory',
): TokenCacheInfo {
  if (mode === 'memory') return {kind: 'memory', reason: memoryReason};
  const reason = !pluginInstalled
    ? `the token cache plugin (${PLUGIN_MODULE}) is not installed`
    : probe.ok
      ? undefined
      : (probe.reason ?? 'the OS keyring is not available');
  if (!reason) return {kind: 'keyring'};
  if (mode === 'auto') return {kind: 'memory', reason};
  if (mode === 'plaintext' && pluginInstalled && plaintextPath)
    return {kind: 'plaintext', path: plaintextPath, reason};
  if (mode === 'keyring')
    throw new ServiceError({
      kind: 'invalid',
      title: 'No OS keyring for --token-cache keyring',
      detail: reason,
      nextSteps: [
        'Start or unlock your keyring (GNOME Keyring or KWallet, over a D-Bus session).',
        'Or use --token-cache auto (memory when there is no keyring).',
        'Or opt in to an unencrypted file with --token-cache plaintext.',
      ],
    });
  throw new ServiceError({
    kind: 'invalid',
    title: 'No plaintext token cache here',
    detail: pluginInstalled ? 'HOME is not set, so the cache file has no folder' : reason,
    nextSteps: pluginInstalled
      ? ['Set HOME, or use --token-cache auto or memory.']
      : [
          `Install aml-auth with its optional dependencies (${PLUGIN_MODULE}).`,
          'Or use --token-cache auto or memory.',
        ],
  });
}

let probed: Promise<KeyringProbe> | undefined;
let pluginEnabled: Promise<void> | undefined;

/** MSAL's cache plugin interface, as msal-node-extensions' PersistenceCachePlugin has it. */
interface CachePlugin {
  beforeCacheAccess(context: unknown): Promise<void>;
  afterCacheAccess(context: unknown): Promise<void>;
  /** When the plugin last read the store; it reads again only if the store changed since. */
  lastSync?: number;
}

interface CacheControl {
  setPersistence(provider: (options?: unknown) => Promise<CachePlugin>): void;
}

/**
 * Reads the store before every cache access. MSAL clears its in-memory cache before each silent
 * lookup and expects the plugin to refill it, but the plugin refills only when the store's mtime
 * is later than its last read — in milliseconds. A plaintext save right after a sign-in lands in
 * the same millisecond, so the next lookup in the same process found an empty cache
 * (AuthenticationRequired). Forgetting the last read makes every access a real read.
 */
function alwaysReload(plugin: CachePlugin): CachePlugin {
  return {
    beforeCacheAccess(context) {
      plugin.lastSync = 0;
      return plugin.beforeCacheAccess(context);
    },
    afterCacheAccess: (context) => plugin.afterCacheAccess(context),
  };
}

/**
 * Registers the plugin once. Each credential asks the plugin for two caches (CAE and non-CAE)
 * and awaits only the one it uses; the other promise's rejection would be unhandled and end the
 * process if the keyring failed after the probe. The provider is wrapped so every promise it
 * returns is marked handled — the one awaited still rejects where it is awaited.
 */
export async function enablePersistencePlugin(): Promise<void> {
  pluginEnabled ??= (async () => {
    const specifier = PLUGIN_MODULE;
    const mod = (await import(specifier)) as {cachePersistencePlugin: (context: unknown) => void};
    useIdentityPlugin((context: unknown) => {
      const ctx = context as {cachePluginControl: CacheControl};
      mod.cachePersistencePlugin({
        ...ctx,
        cachePluginControl: {
          setPersistence: (provider) =>
            ctx.cachePluginControl.setPersistence((options) => {
              const cache = provider(options).then(alwaysReload);
              cache.catch(() => undefined);
              return cache;
            }),
        } satisfies CacheControl,
      });
    });
  })();
  return pluginEnabled;
}

/**
 * Where an interactive sign-in's tokens will live, with the plugin enabled when they persist.
 * The probe runs once per process.
 */
export async function resolveTokenCache(
  mode: TokenCacheMode,
  env: NodeJS.ProcessEnv = process.env,
  memoryReason?: string,
): Promise<TokenCacheInfo> {
  if (mode === 'memory') return chooseTokenCache(mode, {ok: false}, false, undefined, memoryReason);
  const pluginInstalled = installed(PLUGIN_MODULE) !== undefined;
  const probe = pluginInstalled ? await (probed ??= probeKeyring()) : {ok: false};
  const choice = chooseTokenCache(mode, probe, pluginInstalled, plaintextCachePath(env));
  if (choice.kind === 'plaintext') {
    try {
      preparePlaintextCache(choice.path!);
    } catch (err) {
      throw new ServiceError(
        {
          kind: 'invalid',
          title: 'The plaintext token cache cannot be created',
          detail: `${choice.path}: ${(err as Error).message}`,
          nextSteps: ['Make the folder writable by you, or use --token-cache auto or memory.'],
        },
        {cause: err},
      );
    }
  }
  if (choice.kind !== 'memory') await enablePersistencePlugin();
  return choice;
}

/**
 * One token request at a time for a credential with a persistent cache. MSAL's silent path
 * clears the in-memory cache and refills it from the store; a second request that clears it in
 * between finds no refresh token (msal-node issue #7909). The wizard asks concurrently (header
 * countdown, lists), so requests queue here instead.
 */
export function oneAtATime(credential: TokenCredential): TokenCredential {
  let last: Promise<unknown> = Promise.resolve();
  return {
    getToken(scopes, options) {
      const next = last.then(
        () => credential.getToken(scopes, options),
        () => credential.getToken(scopes, options),
      );
      last = next.catch(() => undefined);
      return next;
    },
  };
}

/** The credential options that turn the cache on (none for memory). */
export function persistenceOptions(cache: TokenCacheInfo) {
  return cache.kind === 'memory'
    ? {}
    : {
        tokenCachePersistenceOptions: {
          enabled: true,
          name: TOKEN_CACHE_NAME,
          unsafeAllowUnencryptedStorage: cache.kind === 'plaintext',
        },
      };
}
