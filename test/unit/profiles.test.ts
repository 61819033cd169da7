import {generateKeyPairSync} from 'node:crypto';
import fs from 'node:fs';
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {dirname, join} from 'node:path';
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest';
import {
  CURRENT_SCHEMA_VERSION,
  configPath,
  findSecrets,
  isSecretFieldName,
  isValidProfileName,
  migrate,
  openProfileStore,
  ProfileError,
  type Migration,
  type ProfileErrorCode,
  type ProfileInput,
} from '../../source/profiles';

const posix = process.platform !== 'win32';
const isRoot = process.getuid?.() === 0;

let tmp: string;
let dir: string;
let clock: number;
const now = () => new Date(clock);
const advance = (ms: number) => {
  clock += ms;
};
const open = () => openProfileStore({dir, now});
const file = () => join(dir, 'config.json');

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'aml-auth-profiles-'));
  dir = join(tmp, 'store');
  clock = Date.parse('2025-03-04T05:06:07.000Z');
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  rmSync(tmp, {recursive: true, force: true});
});

const AUTH_RECORD = JSON.stringify({
  authority: 'login.microsoftonline.com',
  homeAccountId: '00000000-0000-0000-0000-000000000001.72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '04b07795-8ddb-461a-bbee-02f9e1bf7b46',
  tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  username: 'scientist@contoso.com',
  version: '1.0',
});

function sample(name = 'dev', overrides: Partial<ProfileInput> = {}): ProfileInput {
  return {
    name,
    cloud: 'AzureCloud',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    signIn: {method: 'device-code', authenticationRecord: AUTH_RECORD},
    subscription: {id: '11111111-2222-3333-4444-555555555555', name: 'Sandbox Dev'},
    resourceGroup: 'rg-ml',
    workspace: 'ws-dev',
    endpoint: 'churn-scorer',
    authMode: 'key',
    ...overrides,
  };
}

function codeOf(fn: () => unknown): ProfileErrorCode | string {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProfileError) return error.code;
    return `not a ProfileError: ${String(error)}`;
  }
  return 'no error';
}

function errorOf(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProfileError) return error;
    throw error;
  }
  throw new Error('expected a ProfileError');
}

const mode = (path: string) => statSync(path).mode & 0o777;

describe('configPath', () => {
  it('uses the dir option, then AML_AUTH_CONFIG_DIR, then the platform config folder', () => {
    vi.stubEnv('AML_AUTH_CONFIG_DIR', join(tmp, 'from-env'));
    expect(configPath({dir: join(tmp, 'explicit')})).toBe(join(tmp, 'explicit', 'config.json'));
    expect(configPath()).toBe(join(tmp, 'from-env', 'config.json'));
  });

  it.runIf(process.platform === 'linux')(
    'defaults to $XDG_CONFIG_HOME/aml-auth (conf with projectSuffix "")',
    () => {
      vi.stubEnv('AML_AUTH_CONFIG_DIR', '');
      vi.stubEnv('XDG_CONFIG_HOME', join(tmp, 'xdg'));
      expect(configPath()).toBe(join(tmp, 'xdg', 'aml-auth', 'config.json'));
    },
  );

  it('opens the store at AML_AUTH_CONFIG_DIR when no dir is given', () => {
    vi.stubEnv('AML_AUTH_CONFIG_DIR', dir);
    const {store, path} = openProfileStore({now});
    store.save(sample());
    expect(path).toBe(file());
    expect(JSON.parse(readFileSync(file(), 'utf8')).profiles.dev.endpoint).toBe('churn-scorer');
  });
});

describe('profile store', () => {
  it('round-trips a profile through the file, filling in the times', () => {
    const {store, recovered, migrated} = open();
    expect(recovered).toBeUndefined();
    expect(migrated).toBeUndefined();
    expect(store.list()).toEqual([]);

    const saved = store.save(
      sample('dev', {deployment: 'blue', lastRequestFile: '/data/req.json', authMode: 'aad_token'}),
    );
    expect(saved.createdAt).toBe('2025-03-04T05:06:07.000Z');
    expect(saved.lastUsedAt).toBe('2025-03-04T05:06:07.000Z');

    const reopened = open().store;
    expect(reopened.get('dev')).toEqual(saved);
    expect(reopened.get('dev')).toMatchObject({
      signIn: {method: 'device-code', authenticationRecord: AUTH_RECORD},
      subscription: {id: '11111111-2222-3333-4444-555555555555', name: 'Sandbox Dev'},
      deployment: 'blue',
      lastRequestFile: '/data/req.json',
      authMode: 'aad_token',
    });
    const onDisk = JSON.parse(readFileSync(file(), 'utf8'));
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(Object.keys(onDisk.profiles)).toEqual(['dev']);
  });

  it('leaves optional fields out rather than writing them as undefined', () => {
    const {store} = open();
    store.save(
      sample('sp', {
        signIn: {method: 'service-principal', clientId: 'app-id', certificatePath: undefined},
      }),
    );
    const onDisk = JSON.parse(readFileSync(file(), 'utf8')).profiles.sp;
    expect(onDisk.signIn).toEqual({method: 'service-principal', clientId: 'app-id'});
    expect('deployment' in onDisk).toBe(false);
  });

  it('upserts: saving again replaces the fields but keeps createdAt', () => {
    const {store} = open();
    store.save(sample());
    advance(60_000);
    const updated = store.save(sample('dev', {authMode: 'aml_token', deployment: 'green'}));
    expect(updated.createdAt).toBe('2025-03-04T05:06:07.000Z');
    expect(updated.lastUsedAt).toBe('2025-03-04T05:07:07.000Z');
    expect(store.list()).toHaveLength(1);
    expect(store.get('dev')).toMatchObject({authMode: 'aml_token', deployment: 'green'});
  });

  it('lists the most recently used first, ties by name, and touch() moves a profile to the front', () => {
    const {store} = open();
    store.save(sample('beta'));
    store.save(sample('alpha'));
    advance(1_000);
    store.save(sample('gamma'));
    expect(store.list().map((p) => p.name)).toEqual(['gamma', 'alpha', 'beta']);

    advance(1_000);
    const touched = store.touch('beta');
    expect(touched.lastUsedAt).toBe('2025-03-04T05:06:09.000Z');
    expect(
      open()
        .store.list()
        .map((p) => p.name),
    ).toEqual(['beta', 'gamma', 'alpha']);
    expect(codeOf(() => store.touch('missing'))).toBe('not-found');
  });

  it('renames a profile, refusing a name that exists or is invalid', () => {
    const {store} = open();
    const original = store.save(sample('dev'));
    store.save(sample('prod', {endpoint: 'prod-scorer'}));

    const renamed = store.rename('dev', 'dev-2');
    expect(renamed).toEqual({...original, name: 'dev-2'});
    expect(store.has('dev')).toBe(false);
    expect(open().store.get('dev-2')).toEqual(renamed);

    expect(codeOf(() => store.rename('dev-2', 'prod'))).toBe('exists');
    expect(store.get('prod').endpoint).toBe('prod-scorer');
    expect(store.get('dev-2').endpoint).toBe('churn-scorer');
    expect(codeOf(() => store.rename('dev-2', 'bad name'))).toBe('invalid-name');
    expect(codeOf(() => store.rename('nope', 'other'))).toBe('not-found');
    expect(store.rename('prod', 'prod')).toEqual(store.get('prod'));
    expect(
      store
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['dev-2', 'prod']);
  });

  it('removes a profile and reports an unknown name with the saved names as a hint', () => {
    const {store} = open();
    store.save(sample('dev'));
    store.save(sample('prod'));
    expect(store.remove('dev').name).toBe('dev');
    expect(
      open()
        .store.list()
        .map((p) => p.name),
    ).toEqual(['prod']);

    const error = errorOf(() => store.remove('dev'));
    expect(error.code).toBe('not-found');
    expect(error.hint).toContain('prod');
    expect(error.exitCode).toBe(2);
    expect(codeOf(() => store.get('dev'))).toBe('not-found');
  });

  it.each([
    ['dev', true],
    ['Prod.eu-west_2', true],
    ['a'.repeat(64), true],
    ['0', true],
    ['', false],
    ['a'.repeat(65), false],
    ['has space', false],
    ['slash/name', false],
    ['-starts-with-hyphen', false],
    ['.hidden', false],
    ['ünïcode', false],
  ])('validates the name %j (valid: %s)', (name, valid) => {
    expect(isValidProfileName(name)).toBe(valid);
    const {store} = open();
    if (valid) {
      expect(store.save(sample(name)).name).toBe(name);
      expect(open().store.get(name).name).toBe(name);
    } else {
      expect(codeOf(() => store.save(sample(name)))).toBe('invalid-name');
      expect(store.list()).toEqual([]);
    }
  });

  it('keeps names like "constructor" apart from Object.prototype', () => {
    const {store} = open();
    store.save(sample('constructor'));
    expect(open().store.get('constructor').endpoint).toBe('churn-scorer');
    expect(codeOf(() => store.get('toString'))).toBe('not-found');
    expect(store.has('hasOwnProperty')).toBe(false);
  });

  it.each([
    ['an unknown auth mode', {authMode: 'Key'}],
    ['an empty endpoint', {endpoint: ''}],
    ['an unknown sign-in method', {signIn: {method: 'password-grant'}}],
    ['an unknown field', {colour: 'blue'}],
    ['a malformed time', {lastUsedAt: 'yesterday'}],
    [
      'an authentication record that is not JSON',
      {signIn: {method: 'browser', authenticationRecord: 'nope'}},
    ],
  ])('refuses a profile with %s and writes nothing', (_what, overrides) => {
    const {store} = open();
    store.save(sample('keep'));
    const before = readFileSync(file(), 'utf8');
    const bad = {...sample('dev'), ...overrides} as unknown as ProfileInput;
    const error = errorOf(() => store.save(bad));
    expect(error.code).toBe('invalid');
    expect(error.message).toContain('"dev"');
    expect(readFileSync(file(), 'utf8')).toBe(before);
  });
});

describe.runIf(posix)('file permissions', () => {
  it('writes the file 0600 in a folder tightened to 0700', () => {
    const {store} = open();
    store.save(sample());
    expect(mode(file())).toBe(0o600);
    expect(mode(dir)).toBe(0o700);
    store.touch('dev');
    expect(mode(file())).toBe(0o600);
  });

  it('tightens an existing profile file that is readable by others', () => {
    open().store.save(sample());
    fs.chmodSync(file(), 0o644);
    open();
    expect(mode(file())).toBe(0o600);
  });

  it.runIf(process.platform === 'linux')(
    'tightens the platform config folder even when it already exists 0755',
    () => {
      vi.stubEnv('AML_AUTH_CONFIG_DIR', '');
      vi.stubEnv('XDG_CONFIG_HOME', join(tmp, 'xdg'));
      const platformDir = join(tmp, 'xdg', 'aml-auth');
      fs.mkdirSync(platformDir, {recursive: true, mode: 0o755});
      fs.chmodSync(platformDir, 0o755);
      const {path} = openProfileStore({now});
      expect(path).toBe(join(platformDir, 'config.json'));
      expect(mode(platformDir)).toBe(0o700);
      expect(mode(path)).toBe(0o600);
    },
  );

  it('leaves the mode of a folder the user created and chose', () => {
    fs.mkdirSync(dir, {mode: 0o755});
    fs.chmodSync(dir, 0o755);
    open().store.save(sample());
    expect(mode(dir)).toBe(0o755);
    expect(mode(file())).toBe(0o600);
  });
});

describe('corruption recovery', () => {
  const backups = () => readdirSync(dir).filter((name) => name.includes('.corrupt-'));

  it('moves garbage JSON aside, reports where, and starts an empty store that works', () => {
    fs.mkdirSync(dir, {recursive: true});
    const garbage = '{"schemaVersion": 1, "profiles": {"dev": {"name": "dev",,, oops';
    writeFileSync(file(), garbage);

    const {store, recovered} = open();
    expect(recovered?.kind).toBe('corrupt-json');
    expect(recovered?.backupPath).toBe(join(dir, 'config.corrupt-2025-03-04T05-06-07-000Z.json'));
    expect(dirname(recovered!.backupPath)).toBe(dir);
    expect(readFileSync(recovered!.backupPath, 'utf8')).toBe(garbage);
    expect(recovered?.reason).toContain(recovered!.backupPath);
    expect(recovered?.reason).toContain('not valid JSON');

    expect(store.list()).toEqual([]);
    store.save(sample());
    const again = open();
    expect(again.recovered).toBeUndefined();
    expect(again.store.get('dev').workspace).toBe('ws-dev');
    expect(readFileSync(recovered!.backupPath, 'utf8')).toBe(garbage);
  });

  const quarantineFile = () => join(dir, 'config.invalid-profiles.json');
  const quarantined = () =>
    JSON.parse(readFileSync(quarantineFile(), 'utf8')) as {
      profiles: {name: string; problem: string; entry: unknown}[];
    };

  it('sets aside only the profile that breaks the schema, with its content; the others stay usable', () => {
    open().store.save(sample('dev'));
    open().store.save(sample('other'));
    const parsed = JSON.parse(readFileSync(file(), 'utf8'));
    parsed.profiles.dev.authMode = 'Bogus';
    const badEntry = structuredClone(parsed.profiles.dev);
    writeFileSync(file(), JSON.stringify(parsed));

    const opened = open();
    expect(opened.recovered).toBeUndefined();
    expect(opened.quarantined?.profiles).toEqual([
      {name: 'dev', problem: expect.stringContaining('authMode') as string},
    ]);
    expect(opened.quarantined?.backupPath).toBe(quarantineFile());
    expect(opened.quarantined?.reason).toContain(quarantineFile());
    expect(opened.quarantined?.reason).toContain('"dev"');
    expect(quarantined().profiles[0]!.entry).toEqual(badEntry);
    expect(opened.store.list().map((p) => p.name)).toEqual(['other']);
    expect(opened.store.save(sample('fresh')).name).toBe('fresh');
    expect(backups()).toEqual([]);
  });

  it('one bad entry of five (an extra field, an empty deployment): the other profiles work, and every open says which and where', () => {
    for (const n of [0, 1, 2, 3, 4]) open().store.save(sample(`p${n}`));
    const parsed = JSON.parse(readFileSync(file(), 'utf8'));
    parsed.profiles.p2.deployment = '';
    parsed.profiles.p4.color = 'blue';
    writeFileSync(file(), JSON.stringify(parsed));

    const first = open();
    expect(first.quarantined?.profiles.map((p) => p.name)).toEqual(['p2', 'p4']);
    expect(first.quarantined?.reason).toMatch(/p2: deployment .*; p4: .*color/);
    expect(first.store.get('p0').workspace).toBe('ws-dev');
    expect(
      first.store
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['p0', 'p1', 'p3']);
    // Not only once: the next open (nothing new to set aside) still names them.
    const second = open();
    expect(second.quarantined?.profiles.map((p) => p.name)).toEqual(['p2', 'p4']);
    expect(second.quarantined?.reason).toBe(first.quarantined?.reason);
    expect(quarantined().profiles).toHaveLength(2);
    // Deleting the file, as the notice says, ends the notice.
    rmSync(quarantineFile());
    expect(open().quarantined).toBeUndefined();
  });

  it('a hand-added client secret sets that profile aside (the file stays 0600)', () => {
    fs.mkdirSync(dir, {recursive: true});
    writeFileSync(file(), JSON.stringify({schemaVersion: 1, profiles: {dev: {clientSecret: 'x'}}}));
    const {store, recovered, quarantined: q} = open();
    expect(recovered).toBeUndefined();
    expect(q?.profiles[0]?.name).toBe('dev');
    expect(quarantined().profiles[0]!.entry).toEqual({clientSecret: 'x'});
    if (posix) expect(mode(quarantineFile())).toBe(0o600);
    expect(store.list()).toEqual([]);
  });

  it.each([
    ['a JSON array', '[1, 2, 3]'],
    ['a bare number', '42'],
    ['profiles that are not an object', '{"schemaVersion": 1, "profiles": "dev"}'],
  ])('recovers from %s', (_what, content) => {
    fs.mkdirSync(dir, {recursive: true});
    writeFileSync(file(), content);
    const {store, recovered} = open();
    expect(recovered?.kind).toBe('schema-violation');
    expect(readFileSync(recovered!.backupPath, 'utf8')).toBe(content);
    expect(store.list()).toEqual([]);
  });

  it('never overwrites an earlier backup taken at the same moment', () => {
    fs.mkdirSync(dir, {recursive: true});
    writeFileSync(file(), 'first garbage');
    const first = open().recovered!;
    writeFileSync(file(), 'second garbage');
    const second = open().recovered!;
    expect(second.backupPath).not.toBe(first.backupPath);
    expect(readFileSync(first.backupPath, 'utf8')).toBe('first garbage');
    expect(readFileSync(second.backupPath, 'utf8')).toBe('second garbage');
    expect(backups()).toHaveLength(2);
  });

  it('treats an empty file as an empty store without a backup', () => {
    fs.mkdirSync(dir, {recursive: true});
    writeFileSync(file(), '  \n');
    const {store, recovered} = open();
    expect(recovered).toBeUndefined();
    expect(store.list()).toEqual([]);
    store.save(sample());
    expect(open().store.list()).toHaveLength(1);
    expect(backups()).toEqual([]);
  });

  it('reports an unreadable file (EACCES) by moving it aside instead of crashing', () => {
    open().store.save(sample());
    const content = readFileSync(file(), 'utf8');
    const realRead = fs.readFileSync;
    let denied = 0;
    vi.spyOn(fs, 'readFileSync').mockImplementation(((
      path: fs.PathOrFileDescriptor,
      options?: unknown,
    ) => {
      if (path === file() && denied === 0) {
        denied += 1;
        throw Object.assign(new Error(`EACCES: permission denied, open '${file()}'`), {
          code: 'EACCES',
        });
      }
      return realRead(path, options as BufferEncoding);
    }) as typeof fs.readFileSync);

    const {store, recovered} = open();
    expect(denied).toBe(1);
    expect(recovered?.kind).toBe('unreadable');
    expect(recovered?.reason).toContain('EACCES');
    expect(readFileSync(recovered!.backupPath, 'utf8')).toBe(content);
    expect(store.list()).toEqual([]);
  });

  it.runIf(posix && !isRoot)('recovers from a file whose mode denies reading', () => {
    open().store.save(sample());
    fs.chmodSync(file(), 0o000);
    const {recovered} = open();
    expect(recovered?.kind).toBe('unreadable');
    expect(fs.existsSync(recovered!.backupPath)).toBe(true);
  });

  it('throws an io error with a hint when the folder cannot be used at all', () => {
    writeFileSync(join(tmp, 'a-file'), 'not a folder');
    const error = errorOf(() => openProfileStore({dir: join(tmp, 'a-file', 'store')}));
    expect(error.code).toBe('io');
    expect(error.exitCode).toBe(1);
    expect(error.hint).toContain('AML_AUTH_CONFIG_DIR');
  });

  it('turns a file corrupted while open into an io error that says how to recover', () => {
    const {store} = open();
    store.save(sample());
    writeFileSync(file(), '{broken');
    const error = errorOf(() => store.list());
    expect(error.code).toBe('io');
    expect(error.hint).toMatch(/again/);
  });
});

describe('migrations', () => {
  const v0 = {
    profiles: {
      legacy: {
        name: 'legacy',
        cloud: 'AzureCloud',
        tenantId: 'contoso.onmicrosoft.com',
        signIn: {method: 'cli'},
        subscription: '99999999-8888-7777-6666-555555555555',
        resourceGroup: 'rg-old',
        workspace: 'ws-old',
        endpoint: 'old-scorer',
        authMode: 'aml_token',
        lastUsedAt: '2024-12-31T23:00:00.000Z',
      },
    },
  };

  it('upgrades a v0 file (subscription as a bare ID) in place and keeps the original', () => {
    fs.mkdirSync(dir, {recursive: true});
    const original = JSON.stringify(v0, undefined, 1);
    writeFileSync(file(), original);

    const {store, migrated, recovered} = open();
    expect(recovered).toBeUndefined();
    expect(migrated).toMatchObject({from: 0, to: CURRENT_SCHEMA_VERSION});
    expect(readFileSync(migrated!.backupPath, 'utf8')).toBe(original);
    expect(store.get('legacy')).toMatchObject({
      subscription: {
        id: '99999999-8888-7777-6666-555555555555',
        name: '99999999-8888-7777-6666-555555555555',
      },
      createdAt: '2024-12-31T23:00:00.000Z',
      lastUsedAt: '2024-12-31T23:00:00.000Z',
      authMode: 'aml_token',
    });

    const onDisk = JSON.parse(readFileSync(file(), 'utf8'));
    expect(onDisk.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    expect(onDisk.profiles.legacy.subscription.id).toBe('99999999-8888-7777-6666-555555555555');
    expect(open().migrated).toBeUndefined();
  });

  it('sets aside a v0 profile that is still invalid after migrating; the original file is kept whole', () => {
    fs.mkdirSync(dir, {recursive: true});
    const broken = JSON.stringify({
      profiles: {legacy: {...v0.profiles.legacy, authMode: 'token-ish'}},
    });
    writeFileSync(file(), broken);
    const {recovered, migrated, quarantined, store} = open();
    expect(recovered).toBeUndefined();
    expect(quarantined?.profiles.map((p) => p.name)).toEqual(['legacy']);
    expect(quarantined?.profiles[0]?.problem).toContain('authMode');
    expect(readFileSync(migrated!.backupPath, 'utf8')).toBe(broken);
    expect(store.list()).toEqual([]);
  });

  it('refuses a file from a newer aml-auth and leaves it untouched', () => {
    fs.mkdirSync(dir, {recursive: true});
    const future = JSON.stringify({
      schemaVersion: CURRENT_SCHEMA_VERSION + 1,
      profiles: {},
      extra: true,
    });
    writeFileSync(file(), future);
    expect(codeOf(() => open())).toBe('unsupported-version');
    expect(readFileSync(file(), 'utf8')).toBe(future);
    expect(readdirSync(dir)).toEqual(['config.json']);
  });

  it('runs each step of a migration table in order up to the target', () => {
    const seen: number[] = [];
    const table: Record<number, Migration> = {
      0: (data) => (seen.push(0), {...data, schemaVersion: 1, a: 1}),
      1: (data) => (seen.push(1), {...data, schemaVersion: 2, b: 2}),
    };
    const context = {now: now()};
    expect(migrate({profiles: {}}, context, table, 2)).toEqual({
      profiles: {},
      schemaVersion: 2,
      a: 1,
      b: 2,
    });
    expect(seen).toEqual([0, 1]);
    expect(migrate({schemaVersion: 1, profiles: {}}, context, table, 2)).toEqual({
      schemaVersion: 2,
      profiles: {},
      b: 2,
    });
    expect(() => migrate({profiles: {}}, context, {0: table[0]!}, 2)).toThrow(
      /No migration from .* 1/,
    );
  });

  it('fills createdAt and lastUsedAt from the migration time when v0 lacked both', () => {
    const {lastUsedAt: _dropped, ...noTimes} = v0.profiles.legacy;
    const result = migrate({profiles: {legacy: noTimes}}, {now: now()}) as {
      profiles: Record<string, {createdAt: string; lastUsedAt: string}>;
    };
    expect(result.profiles.legacy).toMatchObject({
      createdAt: '2025-03-04T05:06:07.000Z',
      lastUsedAt: '2025-03-04T05:06:07.000Z',
    });
  });

  it('upgrades a v1 file to v2 unchanged but for the version; its profiles read as before', () => {
    fs.mkdirSync(dir, {recursive: true});
    const {createdAt: _c, lastUsedAt: _l, ...input} = sample('old');
    const v1 = {
      schemaVersion: 1,
      profiles: {
        old: {
          ...input,
          createdAt: '2025-01-01T00:00:00.000Z',
          lastUsedAt: '2025-01-01T00:00:00.000Z',
        },
      },
    };
    writeFileSync(file(), JSON.stringify(v1));
    const {store, migrated, recovered, quarantined} = open();
    expect({recovered, quarantined}).toEqual({recovered: undefined, quarantined: undefined});
    expect(migrated).toMatchObject({from: 1, to: 2});
    expect(store.get('old')).toEqual(v1.profiles.old);
    expect(store.get('old').scoringUri).toBeUndefined();
    expect(JSON.parse(readFileSync(file(), 'utf8')).schemaVersion).toBe(2);
  });

  it('touch() records what a command learned of the endpoint: scoring URI and auth mode', () => {
    const {store} = open();
    store.save(sample('dev'));
    advance(1000);
    const uri = 'https://churn-scorer.eastus.inference.ml.azure.com/score';
    const touched = store.touch('dev', {scoringUri: uri, authMode: 'aad_token'});
    expect(touched).toMatchObject({scoringUri: uri, authMode: 'aad_token'});
    expect(open().store.get('dev')).toMatchObject({
      scoringUri: uri,
      authMode: 'aad_token',
      lastUsedAt: '2025-03-04T05:06:08.000Z',
    });
    // Without facts, touch() changes only the time.
    advance(1000);
    expect(store.touch('dev')).toMatchObject({scoringUri: uri, authMode: 'aad_token'});
  });
});

describe('secrets', () => {
  const JWT =
    'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJodHRwczovL21sLmF6dXJlLmNvbSJ9.c2lnbmF0dXJlLXZhbHVl';
  const CLIENT_SECRET = 'Xy8Q~s3cr3t-VALUE-never-stored_abcdefghij';
  const ENDPOINT_KEY = 'k3yV4lu3NeverWrittenToDiskAbCdEfGh0123456789==';
  const PASSWORD = 'hunter2-correct-horse';
  // Real key material, made at run time (none is ever committed).
  const PEM = generateKeyPairSync('ec', {namedCurve: 'P-256'}).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;

  it.each([
    [
      'signIn.clientSecret',
      (p: ProfileInput) => ({...p, signIn: {...p.signIn, clientSecret: CLIENT_SECRET}}),
    ],
    ['secret', (p: ProfileInput) => ({...p, secret: CLIENT_SECRET})],
    ['key', (p: ProfileInput) => ({...p, key: ENDPOINT_KEY})],
    ['primaryKey', (p: ProfileInput) => ({...p, primaryKey: ENDPOINT_KEY})],
    ['token', (p: ProfileInput) => ({...p, token: JWT})],
    ['accessToken', (p: ProfileInput) => ({...p, accessToken: JWT})],
    [
      'subscription.access_token',
      (p: ProfileInput) => ({...p, subscription: {...p.subscription, access_token: JWT}}),
    ],
    ['password', (p: ProfileInput) => ({...p, signIn: {...p.signIn, password: PASSWORD}})],
    ['a JWT in a plain field', (p: ProfileInput) => ({...p, deployment: JWT})],
    [
      'a private key in a path field',
      (p: ProfileInput) => ({
        ...p,
        signIn: {method: 'service-principal-certificate' as const, certificatePath: PEM},
      }),
    ],
    [
      'a token inside the authentication record',
      (p: ProfileInput) => ({
        ...p,
        signIn: {
          ...p.signIn,
          authenticationRecord: JSON.stringify({...JSON.parse(AUTH_RECORD), accessToken: JWT}),
        },
      }),
    ],
  ])(
    'refuses %s with secret-refused, writes nothing and does not echo the value',
    (_what, poison) => {
      const {store} = open();
      store.save(sample('keep'));
      const before = readFileSync(file(), 'utf8');
      const error = errorOf(() => store.save(poison(sample('dev')) as ProfileInput));
      expect(error.code).toBe('secret-refused');
      expect(error.exitCode).toBe(2);
      expect(error.hint).toMatch(/never/);
      for (const secret of [JWT, CLIENT_SECRET, ENDPOINT_KEY, PASSWORD, PEM]) {
        expect(error.message).not.toContain(secret);
      }
      expect(readFileSync(file(), 'utf8')).toBe(before);
      expect(store.has('dev')).toBe(false);
    },
  );

  it('writes none of the secret-looking values to disk after a full round of use', () => {
    const {store} = open();
    const attempts: Array<Record<string, unknown>> = [
      {
        ...sample('dev'),
        signIn: {method: 'service-principal', clientId: 'app', clientSecret: CLIENT_SECRET},
      },
      {...sample('dev'), key: ENDPOINT_KEY},
      {...sample('dev'), accessToken: JWT},
      {...sample('dev'), password: PASSWORD},
    ];
    for (const attempt of attempts) {
      expect(codeOf(() => store.save(attempt as unknown as ProfileInput))).toBe('secret-refused');
    }
    store.save(sample('dev', {signIn: {method: 'service-principal', clientId: 'app-id'}}));
    store.save(
      sample('cert', {
        signIn: {
          method: 'service-principal-certificate',
          clientId: 'app',
          certificatePath: '/certs/app.pem',
        },
      }),
    );
    store.save(sample('user'));
    store.rename('user', 'person');
    store.touch('dev');

    const written = readdirSync(dir)
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('\n');
    expect(written).toContain('app-id');
    for (const secret of [JWT, CLIENT_SECRET, ENDPOINT_KEY, PASSWORD, PEM, 'eyJ', 'PRIVATE KEY']) {
      expect(written).not.toContain(secret);
    }
    expect(findSecrets(JSON.parse(readFileSync(file(), 'utf8')))).toEqual([]);
  });

  it('recognises secret field names but not the profile fields', () => {
    for (const name of [
      'clientSecret',
      'client_secret',
      'secret',
      'key',
      'primaryKey',
      'apiKey',
      'token',
      'accessToken',
      'refresh_token',
      'password',
      'connectionString',
      'sas',
    ]) {
      expect(isSecretFieldName(name), name).toBe(true);
    }
    for (const name of [
      'name',
      'cloud',
      'tenantId',
      'clientId',
      'certificatePath',
      'authenticationRecord',
      'authMode',
      'homeAccountId',
      'username',
      'endpoint',
      'lastRequestFile',
    ]) {
      expect(isSecretFieldName(name), name).toBe(false);
    }
    expect(findSecrets(sample())).toEqual([]);
  });
});
