import {ProfileError} from './errors';
import {CURRENT_SCHEMA_VERSION} from './schema';

type Json = Record<string, unknown>;

export interface MigrationContext {
  /** When the migration runs: fills times an older shape did not record. */
  now: Date;
}

/** Takes the file's root object at version N and returns it at version N+1. Must not mutate. */
export type Migration = (data: Json, context: MigrationContext) => Json;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * v0: the shape before the file was versioned — no `schemaVersion`, `subscription` a bare ID
 * string, and no `createdAt`. v1 adds `schemaVersion`, `subscription: {id, name}` and
 * `createdAt`. Anything it does not recognise is passed through for the schema to judge.
 */
const v0ToV1: Migration = (data, {now}) => {
  const profiles = data.profiles ?? {};
  if (!isObject(profiles)) return {...data, schemaVersion: 1, profiles};
  const upgrade = (profile: unknown): unknown => {
    if (!isObject(profile)) return profile;
    const lastUsedAt =
      typeof profile.lastUsedAt === 'string' ? profile.lastUsedAt : now.toISOString();
    return {
      ...profile,
      // v0 kept only the ID; the ID is the best display name until the profile is saved again.
      ...(typeof profile.subscription === 'string'
        ? {subscription: {id: profile.subscription, name: profile.subscription}}
        : {}),
      lastUsedAt,
      createdAt: typeof profile.createdAt === 'string' ? profile.createdAt : lastUsedAt,
    };
  };
  // fromEntries defines own properties, so a hand-written "__proto__" key stays visible to the schema.
  const migrated = Object.fromEntries(
    Object.entries(profiles).map(([name, profile]) => [name, upgrade(profile)]),
  );
  return {...data, schemaVersion: 1, profiles: migrated};
};

/**
 * v2 adds the optional `scoringUri` (remembered by the commands so they need not read the
 * endpoint). Every v1 profile is a valid v2 profile; the version moves so that an older build,
 * which would reject the new field, leaves a v2 file untouched instead of setting profiles aside.
 */
const v1ToV2: Migration = (data) => ({...data, schemaVersion: 2});

/** `migrations[n]` upgrades a version-n file to version n+1. */
export const migrations: Readonly<Record<number, Migration>> = {
  0: v0ToV1,
  1: v1ToV2,
};

/** The schema version of a parsed file: a missing `schemaVersion` means v0. */
export function schemaVersionOf(data: unknown): number {
  if (!isObject(data)) return CURRENT_SCHEMA_VERSION; // not a store at all: the schema rejects it
  const version = data.schemaVersion;
  if (version === undefined) return 0;
  return typeof version === 'number' && Number.isInteger(version) && version >= 0
    ? version
    : CURRENT_SCHEMA_VERSION; // a nonsense version: let the schema report it
}

/**
 * Brings a parsed file up to CURRENT_SCHEMA_VERSION. Non-objects are returned as they are (the
 * schema rejects them); a file from a newer build throws `unsupported-version`.
 */
export function migrate(
  data: unknown,
  context: MigrationContext,
  table: Readonly<Record<number, Migration>> = migrations,
  target: number = CURRENT_SCHEMA_VERSION,
): unknown {
  if (!isObject(data)) return data;
  let version = schemaVersionOf(data);
  if (version > target) {
    throw new ProfileError(
      'unsupported-version',
      `The profile file has schema version ${version}; this aml-auth reads up to ${target}.`,
    );
  }
  let current: Json = data;
  while (version < target) {
    const step = table[version];
    if (!step) throw new Error(`No migration from profile schema version ${version}.`);
    current = step(current, context);
    version += 1;
  }
  return current;
}
