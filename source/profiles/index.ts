/**
 * The profile store: remembered setups (cloud, sign-in method, subscription, workspace, endpoint,
 * auth mode) in a JSON file, 0600 in a 0700 folder. It never holds a key, token or client secret.
 */
export {openProfileStore} from './store';
export type {
  MigratedFile,
  OpenedProfileStore,
  OpenProfileStoreOptions,
  ProfileStore,
  QuarantinedProfile,
  QuarantinedProfiles,
  RecoveredFile,
} from './store';
export {configDir, configPath, CONFIG_DIR_ENV, platformConfigDir} from './location';
export type {LocationOptions} from './location';
export {ProfileError, isProfileError} from './errors';
export type {ProfileErrorCode} from './errors';
export {
  AUTH_MODES,
  CURRENT_SCHEMA_VERSION,
  PROFILE_NAME_PATTERN,
  SIGN_IN_METHODS,
  assertValidProfileName,
  isValidProfileName,
  profileSchema,
} from './schema';
export {migrate, migrations, schemaVersionOf} from './migrations';
export type {Migration, MigrationContext} from './migrations';
export {findSecrets, isSecretFieldName} from './secrets';
export type {SecretFinding} from './secrets';
export type {EndpointFacts, Profile, ProfileInput, ProfileSignIn} from './types';
