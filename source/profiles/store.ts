import fs from 'node:fs';
import {join} from 'node:path';
import {ProfileError} from './errors';
import {withLock} from './lock';
import {CONFIG_NAME, configDir, type LocationOptions} from './location';
import {migrate, schemaVersionOf} from './migrations';
import {assertValidProfileName, CURRENT_SCHEMA_VERSION, PROFILE_NAME_PATTERN} from './schema';
import {findSecrets} from './secrets';
import type {EndpointFacts, Profile, ProfileFile, ProfileInput} from './types';
import {validateFile, validateProfile, type ValidationError} from './validate.generated';

export interface OpenProfileStoreOptions extends LocationOptions {
  /** The clock for `createdAt`/`lastUsedAt` and backup names (tests pass a fake one). */
  now?: () => Date;
}

/** A profile file that could not be used was moved aside; tell the user where it is. */
export interface RecoveredFile {
  kind: 'corrupt-json' | 'schema-violation' | 'unreadable';
  /** One sentence for the user, naming the file and what was wrong with it. */
  reason: string;
  /** `<dir>/config.corrupt-<timestamp>.json`, holding the old content unchanged. */
  backupPath: string;
}

/** An older file was upgraded in place; its original content was kept beside it. */
export interface MigratedFile {
  from: number;
  to: number;
  /** `<dir>/config.v<from>-<timestamp>.json`. */
  backupPath: string;
}

/** One profile that did not match the schema, set aside so the others stay usable. */
export interface QuarantinedProfile {
  name: string;
  /** What is wrong with it, e.g. `deployment must NOT have fewer than 1 characters`. */
  problem: string;
}

/**
 * Profiles set aside in `<dir>/config.invalid-profiles.json` (now or on an earlier run): reported on
 * every open while that file holds any, so the user is told each time, not only once.
 */
export interface QuarantinedProfiles {
  /** `<dir>/config.invalid-profiles.json`, each entry with its original content unchanged. */
  backupPath: string;
  profiles: QuarantinedProfile[];
  /** One sentence for the user: which profiles, why, where they are and what to do. */
  reason: string;
}

export interface OpenedProfileStore {
  store: ProfileStore;
  /** The profile file, `<dir>/config.json`. */
  path: string;
  recovered?: RecoveredFile;
  migrated?: MigratedFile;
  quarantined?: QuarantinedProfiles;
}

export interface ProfileStore {
  readonly path: string;
  /** Most recently used first (ties by name). */
  list(): Profile[];
  has(name: string): boolean;
  /** Throws `not-found`. */
  get(name: string): Profile;
  /**
   * Inserts or replaces a profile. Keeps `createdAt` of an existing profile; `lastUsedAt` is now
   * unless given. Throws `invalid-name`, `secret-refused`, `invalid` or `io`; nothing is written then.
   */
  save(input: ProfileInput): Profile;
  /** Throws `not-found`, `exists` or `invalid-name`. */
  rename(from: string, to: string): Profile;
  /** Returns the removed profile. Throws `not-found`. */
  remove(name: string): Profile;
  /**
   * Sets `lastUsedAt` to now, and records what a command learned about the profile's endpoint
   * (its scoring URI, its auth mode) when given. Throws `not-found`.
   */
  touch(name: string, learned?: EndpointFacts): Profile;
}

const SCHEMA_VIOLATION = 'Config schema violation:';

const freshFile = (): ProfileFile => ({schemaVersion: CURRENT_SCHEMA_VERSION, profiles: {}});

const errnoCode = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

const schemaDetail = (error: unknown): string =>
  messageOf(error).slice(SCHEMA_VIOLATION.length).trim().replace(/`/g, '');

function corruption(error: unknown): RecoveredFile['kind'] | undefined {
  if (error instanceof SyntaxError) return 'corrupt-json';
  if (error instanceof Error && error.message.startsWith(SCHEMA_VIOLATION))
    return 'schema-violation';
  return undefined;
}

/** `2025-01-02T03-04-05-678Z`: an ISO time that is a valid file name everywhere. */
const fileStamp = (at: Date): string => at.toISOString().replace(/[:.]/g, '-');

function freePath(dir: string, stem: string): string {
  for (let n = 0; ; n += 1) {
    const candidate = join(dir, `${stem}${n === 0 ? '' : `-${n}`}.json`);
    if (!fs.existsSync(candidate)) return candidate;
  }
}

function prepareDir(dir: string, isDefault: boolean): void {
  let created: string | undefined;
  try {
    created = fs.mkdirSync(dir, {recursive: true, mode: 0o700});
    if (!fs.statSync(dir).isDirectory())
      throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'});
  } catch (error) {
    throw new ProfileError('io', `Cannot use ${dir} for profiles: ${messageOf(error)}`, {
      path: dir,
      cause: error,
    });
  }
  // mkdir's mode is masked by the umask. Tighten the folder aml-auth owns (the platform default) or has just
  // created; a folder the user chose and made is theirs to set.
  if (isDefault || created !== undefined) {
    try {
      fs.chmodSync(dir, 0o700);
    } catch {
      // not the owner (or a file system without modes): the file itself is still 0600
    }
  }
}

type RawRead =
  {kind: 'missing'} | {kind: 'text'; text: string} | {kind: 'unreadable'; error: unknown};

function readRaw(file: string): RawRead {
  try {
    return {kind: 'text', text: fs.readFileSync(file, 'utf8')};
  } catch (error) {
    return errnoCode(error) === 'ENOENT' ? {kind: 'missing'} : {kind: 'unreadable', error};
  }
}

function tightenFile(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  } catch {
    // best effort: the next save writes 0600 anyway
  }
}

function quarantine(
  file: string,
  dir: string,
  kind: RecoveredFile['kind'],
  detail: string,
  at: Date,
): RecoveredFile {
  const backupPath = freePath(dir, `${CONFIG_NAME}.corrupt-${fileStamp(at)}`);
  const what = {
    'corrupt-json': 'is not valid JSON',
    'schema-violation': 'does not match the profile schema',
    unreadable: 'could not be read',
  }[kind];
  try {
    fs.renameSync(file, backupPath);
  } catch (error) {
    throw new ProfileError(
      'io',
      `The profile file ${file} ${what} (${detail}) and could not be moved aside: ${messageOf(error)}`,
      {path: file, cause: error},
    );
  }
  return {
    kind,
    backupPath,
    reason: `The profile file ${file} ${what} (${detail}); it was moved to ${backupPath} and a new, empty profile store was started.`,
  };
}

function writeMigrationBackup(dir: string, from: number, text: string, at: Date): string {
  const stem = `${CONFIG_NAME}.v${from}-${fileStamp(at)}`;
  for (;;) {
    const backupPath = freePath(dir, stem);
    try {
      fs.writeFileSync(backupPath, text, {mode: 0o600, flag: 'wx'});
      return backupPath;
    } catch (error) {
      if (errnoCode(error) === 'EEXIST') continue;
      throw new ProfileError(
        'io',
        `Could not keep a copy of the version ${from} profile file before upgrading it: ${messageOf(error)}`,
        {path: backupPath, cause: error},
      );
    }
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What is wrong with one profile entry (at the current schema version), or undefined. */
function entryProblem(key: string, entry: unknown): string | undefined {
  if (!PROFILE_NAME_PATTERN.test(key)) return 'the name is not a valid profile name';
  if (validateProfile(entry)) return undefined;
  const errors = validateProfile.errors ?? [];
  return (
    errors
      .map((e) => {
        const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.');
        const extra =
          e.keyword === 'additionalProperties'
            ? ` (${String((e.params as {additionalProperty?: unknown}).additionalProperty)})`
            : '';
        return `${field ? `${field} ` : ''}${e.message ?? 'is invalid'}${extra}`;
      })
      .filter((problem, i, all) => i < 3 || all.length === 4)
      .join('; ') + (errors.length > 4 ? '; …' : '')
  );
}

export const QUARANTINE_NAME = `${CONFIG_NAME}.invalid-profiles`;

interface QuarantineFile {
  about: string;
  profiles: {name: string; problem: string; setAsideAt: string; entry: unknown}[];
}

const QUARANTINE_ABOUT =
  'Profiles aml-auth set aside because they do not match the profile schema; the other profiles stay in config.json. Fix one and save it again (the wizard, or edit config.json), then delete it here; delete this file when it is empty to stop the notice.';

function readQuarantine(path: string): QuarantineFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const data = JSON.parse(text) as Partial<QuarantineFile>;
    if (Array.isArray(data.profiles)) return {about: QUARANTINE_ABOUT, profiles: data.profiles};
  } catch {
    // hand-edited into something else: still reported, as one unnamed entry
  }
  return {
    about: QUARANTINE_ABOUT,
    profiles: [
      {name: '?', problem: 'the file is not readable as a list', setAsideAt: '', entry: null},
    ],
  };
}

/** Replaces `path` by a new file (0600) holding `text`, flushed to disk before it takes the name. */
function writeAtomic(path: string, text: string): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    fs.rmSync(temp, {force: true}); // one left by a crash keeps its own mode
    const fd = fs.openSync(temp, 'wx', 0o600);
    try {
      fs.writeFileSync(fd, text);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, path);
  } catch (error) {
    fs.rmSync(temp, {force: true});
    throw new ProfileError('io', `Cannot write ${path}: ${messageOf(error)}`, {path, cause: error});
  }
}

/**
 * Moves each profile that does not match the schema (after migration) out of the file into the
 * quarantine file, leaving the rest. A file whose root is
 * not a store at all is left for the whole-file recovery.
 */
function quarantineEntries(file: string, quarantinePath: string, data: unknown, at: Date): void {
  if (!isPlainObject(data) || !isPlainObject(data.profiles)) return;
  let migrated: unknown;
  try {
    migrated = migrate(data, {now: at});
  } catch {
    return;
  }
  if (!isPlainObject(migrated) || !isPlainObject(migrated.profiles)) return;
  const bad: QuarantineFile['profiles'] = [];
  for (const [name, entry] of Object.entries(migrated.profiles)) {
    const problem = entryProblem(name, entry);
    if (problem)
      bad.push({name, problem, setAsideAt: at.toISOString(), entry: data.profiles[name]});
  }
  if (bad.length === 0) return;
  const existing = readQuarantine(quarantinePath);
  const record: QuarantineFile = {
    about: QUARANTINE_ABOUT,
    profiles: [...(existing?.profiles ?? []), ...bad],
  };
  // The backup first: an entry is never only in memory.
  writeAtomic(quarantinePath, `${JSON.stringify(record, undefined, 2)}\n`);
  const names = new Set(bad.map((b) => b.name));
  const kept = {
    ...data,
    profiles: Object.fromEntries(Object.entries(data.profiles).filter(([n]) => !names.has(n))),
  };
  writeAtomic(file, `${JSON.stringify(kept, undefined, 2)}\n`);
}

function quarantineNotice(file: string, path: string): QuarantinedProfiles | undefined {
  const record = readQuarantine(path);
  if (!record || record.profiles.length === 0) return undefined;
  const profiles = record.profiles.map((p) => ({
    name: String(p.name),
    problem: String(p.problem),
  }));
  const names = profiles.map((p) => `"${p.name}"`).join(', ');
  const problems = profiles.map((p) => `${p.name}: ${p.problem}`).join('; ');
  const one = profiles.length === 1;
  return {
    backupPath: path,
    profiles,
    reason: `${one ? 'Profile' : 'Profiles'} ${names} in ${file} ${one ? 'is' : 'are'} invalid (${problems}) and ${one ? 'was' : 'were'} set aside in ${path}; the other profiles work. Fix and save ${one ? 'it' : 'them'} again, then delete ${path}.`,
  };
}

/** The wording the store has always used (conf's): "Config schema violation: `profiles/x/deployment` must NOT have …". */
function assertValidFile(value: unknown): void {
  if (validateFile(value)) return;
  const key = ({instancePath, params}: ValidationError): string => {
    const level = instancePath
      .slice(1)
      .replace(/~([01])/g, (_m, c: string) => (c === '0' ? '~' : '/'));
    const named = params.additionalProperty ?? params.unevaluatedProperty ?? params.propertyName;
    if (named === undefined) return level;
    return level === '' ? String(named) : `${level}/${String(named)}`;
  };
  const messages = (validateFile.errors ?? []).map((e) => `\`${key(e)}\` ${e.message ?? ''}`);
  throw new Error(`${SCHEMA_VIOLATION} ${messages.join('; ')}`);
}

/**
 * The profile file, read and written whole. Every read is migrated, then checked against the
 * schema (compiled ahead of time: validate.generated.ts); a write is checked before the file is
 * touched, and replaces the file atomically with mode 0600.
 */
class ProfileFileAccess {
  constructor(
    readonly path: string,
    private readonly now: () => Date,
  ) {}

  /** A file that is missing or blank reads as an empty store. Throws SyntaxError or a schema violation. */
  read(): ProfileFile {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return freshFile();
      throw error;
    }
    if (text.trim() === '') return freshFile();
    const data: unknown = JSON.parse(text);
    // A file that is not an object (an array, a number) is a damaged file, moved aside and reported
    // like any other schema violation.
    if (!isPlainObject(data)) {
      throw new Error(
        `${SCHEMA_VIOLATION} the file holds ${Array.isArray(data) ? 'an array' : `a ${data === null ? 'null' : typeof data}`}, not an object.`,
      );
    }
    const migrated = migrate(data, {now: this.now()});
    assertValidFile(migrated);
    return migrated as ProfileFile;
  }

  write(value: ProfileFile): void {
    assertValidFile(value);
    writeAtomic(this.path, `${JSON.stringify(value, undefined, 2)}\n`);
  }
}

/**
 * Opens (creating if needed) the profile store in `configPath(options)`. A corrupt, invalid or
 * unreadable file is moved aside and reported in `recovered`; an older file is migrated, its
 * original kept, and reported in `migrated`. Throws `ProfileError` (`io`, `unsupported-version`)
 * only when there is no usable store at all.
 */
export function openProfileStore(options: OpenProfileStoreOptions = {}): OpenedProfileStore {
  const now = options.now ?? (() => new Date());
  const {dir, isDefault} = configDir(options);
  const file = join(dir, `${CONFIG_NAME}.json`);
  prepareDir(dir, isDefault);
  // Recovery, quarantine and migration write the file: under the same lock as every other write.
  return withLock(`${file}.lock`, () => openLocked(dir, file, now));
}

function openLocked(dir: string, file: string, now: () => Date): OpenedProfileStore {
  const quarantinePath = join(dir, `${QUARANTINE_NAME}.json`);

  let recovered: RecoveredFile | undefined;
  let original: {version: number; text: string} | undefined;
  const raw = readRaw(file);
  if (raw.kind === 'unreadable') {
    recovered = quarantine(
      file,
      dir,
      'unreadable',
      errnoCode(raw.error) ?? messageOf(raw.error),
      now(),
    );
  } else if (raw.kind === 'text' && raw.text.trim() !== '') {
    let version: number | undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.text);
      version = schemaVersionOf(parsed);
    } catch (error) {
      recovered = quarantine(file, dir, 'corrupt-json', messageOf(error), now());
    }
    if (version !== undefined) {
      if (version > CURRENT_SCHEMA_VERSION) {
        throw new ProfileError(
          'unsupported-version',
          `${file} was written by a newer aml-auth (profile schema ${version}; this one reads up to ${CURRENT_SCHEMA_VERSION}). It was left untouched.`,
          {path: file},
        );
      }
      original = {version, text: raw.text};
      tightenFile(file);
      // One invalid profile must not take the others with it: only that entry is set aside.
      quarantineEntries(file, quarantinePath, parsed, now());
    }
  }

  const access = new ProfileFileAccess(file, now);
  try {
    access.read();
  } catch (error) {
    const kind = corruption(error);
    if (error instanceof ProfileError || !kind) throw toStoreError(error, file);
    const detail = kind === 'schema-violation' ? schemaDetail(error) : messageOf(error);
    recovered = quarantine(file, dir, kind, detail, now());
    original = undefined;
  }
  // A store that is new (or was just moved aside) starts as an empty file, 0600.
  if (!fs.existsSync(file)) {
    try {
      access.write(freshFile());
    } catch (error) {
      throw toStoreError(error, file);
    }
  }

  let migrated: MigratedFile | undefined;
  if (original && original.version < CURRENT_SCHEMA_VERSION) {
    const backupPath = writeMigrationBackup(dir, original.version, original.text, now());
    try {
      access.write(access.read()); // a read is migrated and validated
    } catch (error) {
      throw toStoreError(error, file);
    }
    migrated = {from: original.version, to: CURRENT_SCHEMA_VERSION, backupPath};
  }

  const store = new FileProfileStore(access, now);
  const quarantined = quarantineNotice(file, quarantinePath);
  return {
    store,
    path: file,
    ...(recovered ? {recovered} : {}),
    ...(migrated ? {migrated} : {}),
    ...(quarantined ? {quarantined} : {}),
  };
}

function toStoreError(error: unknown, file: string): ProfileError {
  if (error instanceof ProfileError) return error;
  const kind = corruption(error);
  if (kind) {
    return new ProfileError(
      'io',
      `The profile file ${file} changed underneath aml-auth and is no longer valid (${kind === 'schema-violation' ? schemaDetail(error) : messageOf(error)}).`,
      {
        path: file,
        cause: error,
        hint: 'Start aml-auth again: it moves a damaged profile file aside and tells you where.',
      },
    );
  }
  return new ProfileError('io', `Cannot use the profile file ${file}: ${messageOf(error)}`, {
    path: file,
    cause: error,
  });
}

const byMostRecentUse = (a: Profile, b: Profile): number =>
  Date.parse(b.lastUsedAt) - Date.parse(a.lastUsedAt) ||
  (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

class FileProfileStore implements ProfileStore {
  readonly #file: ProfileFileAccess;
  readonly #now: () => Date;
  readonly #lock: string;
  readonly path: string;

  constructor(file: ProfileFileAccess, now: () => Date) {
    this.#file = file;
    this.#now = now;
    this.path = file.path;
    this.#lock = `${file.path}.lock`;
  }

  /** A read-modify-write under the file lock, so a concurrent writer's change is never lost. */
  #update<T>(fn: (profiles: Map<string, Profile>) => T): T {
    return withLock(this.#lock, () => fn(this.#read()));
  }

  list(): Profile[] {
    return [...this.#read().values()].sort(byMostRecentUse);
  }

  has(name: string): boolean {
    return this.#read().has(name);
  }

  get(name: string): Profile {
    return this.#require(this.#read(), name);
  }

  save(input: ProfileInput): Profile {
    if (typeof input !== 'object' || input === null) {
      throw new ProfileError('invalid', 'A profile must be an object.');
    }
    assertValidProfileName(input.name);
    const secrets = findSecrets(input);
    if (secrets.length > 0) {
      const fields = [...new Set(secrets.map((s) => `${s.path} ${s.reason}`))].join('; ');
      throw new ProfileError('secret-refused', `Profile "${input.name}" was not saved: ${fields}.`);
    }
    const record = input.signIn?.authenticationRecord;
    if (record !== undefined && !isJsonObject(record)) {
      throw new ProfileError(
        'invalid',
        `Profile "${input.name}" was not saved: signIn.authenticationRecord is not a serialized AuthenticationRecord (JSON object).`,
      );
    }
    return this.#update((profiles) => {
      const existing = profiles.get(input.name);
      const nowIso = this.#now().toISOString();
      // A JSON round trip drops `undefined` optionals and leaves only what a file can hold.
      const profile = JSON.parse(
        JSON.stringify({
          ...input,
          createdAt: existing?.createdAt ?? input.createdAt ?? nowIso,
          lastUsedAt: input.lastUsedAt ?? nowIso,
        }),
      ) as Profile;
      profiles.set(profile.name, profile);
      this.#write(profiles, profile.name);
      return profile;
    });
  }

  rename(from: string, to: string): Profile {
    return this.#update((profiles) => {
      const profile = this.#require(profiles, from);
      if (from === to) return profile;
      assertValidProfileName(to);
      if (profiles.has(to)) {
        throw new ProfileError('exists', `A profile named "${to}" already exists.`);
      }
      const renamed = {...profile, name: to};
      const next = new Map<string, Profile>();
      for (const [name, value] of profiles)
        next.set(name === from ? to : name, name === from ? renamed : value);
      this.#write(next, to);
      return renamed;
    });
  }

  remove(name: string): Profile {
    return this.#update((profiles) => {
      const profile = this.#require(profiles, name);
      profiles.delete(name);
      this.#write(profiles, name);
      return profile;
    });
  }

  touch(name: string, learned?: EndpointFacts): Profile {
    return this.#update((profiles) => {
      const profile = {
        ...this.#require(profiles, name),
        ...(learned?.scoringUri ? {scoringUri: learned.scoringUri} : {}),
        ...(learned?.authMode ? {authMode: learned.authMode} : {}),
        lastUsedAt: this.#now().toISOString(),
      };
      profiles.set(name, profile);
      this.#write(profiles, name);
      return profile;
    });
  }

  #require(profiles: Map<string, Profile>, name: string): Profile {
    const profile = profiles.get(name);
    if (profile) return profile;
    const names = [...profiles.keys()].sort();
    throw new ProfileError('not-found', `No profile named "${name}".`, {
      hint:
        names.length === 0
          ? 'No profiles are saved yet: finish a setup in the wizard (`aml-auth`) to save one.'
          : `Saved profiles: ${names.join(', ')}.`,
    });
  }

  #read(): Map<string, Profile> {
    let data: ProfileFile;
    try {
      data = this.#file.read();
    } catch (error) {
      throw toStoreError(error, this.path);
    }
    // The key is the name; a Map keeps names like "constructor" away from Object.prototype.
    return new Map(
      Object.entries(data.profiles).map(([name, profile]) => [name, {...profile, name}]),
    );
  }

  #write(profiles: Map<string, Profile>, subject: string): void {
    try {
      this.#file.write({
        schemaVersion: CURRENT_SCHEMA_VERSION,
        profiles: Object.fromEntries(profiles),
      });
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(SCHEMA_VIOLATION)) {
        throw new ProfileError(
          'invalid',
          `Profile "${subject}" was not saved: ${schemaDetail(error)}.`,
          {cause: error},
        );
      }
      throw toStoreError(error, this.path);
    }
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}
