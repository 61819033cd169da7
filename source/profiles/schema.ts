import type {AuthMode, SignInMethod} from '../domain/types';
import {ProfileError} from './errors';

/** The schema version this build writes. Older files are migrated on open (see migrations.ts). */
export const CURRENT_SCHEMA_VERSION = 2;

/**
 * 1–64 letters, digits, `.`, `-`, `_`, starting with a letter or digit (a leading `-` would read as
 * a flag in `aml-auth creds -p NAME`).
 */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isValidProfileName(name: unknown): name is string {
  return typeof name === 'string' && PROFILE_NAME_PATTERN.test(name);
}

export function assertValidProfileName(name: unknown): asserts name is string {
  if (isValidProfileName(name)) return;
  const shown = typeof name === 'string' ? JSON.stringify(name.slice(0, 80)) : typeof name;
  throw new ProfileError('invalid-name', `${shown} is not a valid profile name.`);
}

export const SIGN_IN_METHODS = [
  'cli',
  'device-code',
  'browser',
  'service-principal',
  'service-principal-certificate',
  'managed-identity',
  'environment',
  'default',
] as const satisfies readonly SignInMethod[];

export const AUTH_MODES = ['key', 'aml_token', 'aad_token'] as const satisfies readonly AuthMode[];

const text = {type: 'string', minLength: 1, maxLength: 4096} as const;
const isoTime = {type: 'string', format: 'date-time'} as const;

/** JSON Schema (draft 2020-12) of one profile. `additionalProperties: false` keeps secrets out too. */
export const profileSchema = {
  type: 'object',
  additionalProperties: false,
  required: [
    'name',
    'cloud',
    'tenantId',
    'signIn',
    'subscription',
    'resourceGroup',
    'workspace',
    'endpoint',
    'authMode',
    'createdAt',
    'lastUsedAt',
  ],
  properties: {
    name: {type: 'string', pattern: PROFILE_NAME_PATTERN.source},
    cloud: text,
    tenantId: text,
    signIn: {
      type: 'object',
      additionalProperties: false,
      required: ['method'],
      properties: {
        method: {enum: [...SIGN_IN_METHODS]},
        clientId: text,
        certificatePath: text,
        authenticationRecord: {type: 'string', minLength: 2, maxLength: 16384},
      },
    },
    subscription: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'name'],
      properties: {id: text, name: {type: 'string', maxLength: 4096}},
    },
    resourceGroup: text,
    workspace: text,
    endpoint: text,
    authMode: {enum: [...AUTH_MODES]},
    deployment: text,
    scoringUri: text,
    lastRequestFile: text,
    createdAt: isoTime,
    lastUsedAt: isoTime,
  },
} as const;

/** The properties of the file's root object. */
export const fileProperties = {
  schemaVersion: {type: 'integer', const: CURRENT_SCHEMA_VERSION},
  profiles: {
    type: 'object',
    propertyNames: {pattern: PROFILE_NAME_PATTERN.source},
    additionalProperties: profileSchema,
  },
} as const;

/** The rest of the file's root schema (scripts/profile-validator.mjs puts the two together). */
export const fileRootSchema = {
  additionalProperties: false,
  required: ['schemaVersion', 'profiles'],
} as const;
