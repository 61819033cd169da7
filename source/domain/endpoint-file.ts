/**
 * An online endpoint's YAML as `az ml online-endpoint create --file endpoint.yml` reads it, in the
 * shape of Azure ML's `managedOnlineEndpoint.schema.json`: `$schema`, `name`, `auth_mode`,
 * `identity`, `description`, `tags`. Keys of that schema aml-auth does not create yet (traffic,
 * public network access, user-assigned identities…) and keys of no schema are all named in one
 * error, before anything is created. Pure: the caller reads the file.
 */
import {parseDocument} from 'yaml';
import {AUTH_MODES, parseAuthMode} from './auth-mode';
import type {AuthMode} from './types';

export class EndpointFileError extends Error {
  override readonly name = 'EndpointFileError';
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

/** What an endpoint file asks for (the location comes from the workspace). */
export interface EndpointSpec {
  name?: string;
  authMode: AuthMode;
  identityType: 'SystemAssigned' | 'None';
  description?: string;
  tags?: Record<string, string>;
  schema?: string;
}

const SUPPORTED = ['$schema', 'name', 'auth_mode', 'identity', 'description', 'tags'];
/** In managedOnlineEndpoint.schema.json (or the kubernetes one), but not created by aml-auth. */
const NOT_YET = [
  'traffic',
  'mirror_traffic',
  'public_network_access',
  'properties',
  'compute',
  'kind',
  'id',
  'location',
  'provisioning_state',
  'scoring_uri',
  'openapi_uri',
];

const IDENTITY_TYPES: Record<string, EndpointSpec['identityType']> = {
  system_assigned: 'SystemAssigned',
  none: 'None',
};

/** Parses an endpoint YAML file's text. `source` names the file in messages. */
export function parseEndpointFile(text: string, source = 'the endpoint file'): EndpointSpec {
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), {prettyErrors: true, uniqueKeys: true});
  const problem = doc.errors[0];
  if (problem) {
    const where = problem.linePos?.[0];
    throw new EndpointFileError(
      `${source} is not valid YAML${where ? ` (line ${where.line}, column ${where.col})` : ''}: ${problem.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
      'write it as Azure ML does: name: my-endpoint, auth_mode: key',
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || raw === undefined) {
    throw new EndpointFileError(`${source} is empty`, 'give at least name: and auth_mode:');
  }
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EndpointFileError(
      `${source} must be a mapping (name: …, auth_mode: …)`,
      'see https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json',
    );
  }
  const data = raw as Record<string, unknown>;
  const keys = Object.keys(data);
  const unknown = keys.filter((k) => !SUPPORTED.includes(k) && !NOT_YET.includes(k));
  const notYet = keys.filter((k) => NOT_YET.includes(k));
  if (unknown.length || notYet.length) {
    const parts: string[] = [];
    if (unknown.length)
      parts.push(
        `unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((k) => `'${k}'`).join(', ')}`,
      );
    if (notYet.length)
      parts.push(
        `${notYet.map((k) => `'${k}'`).join(', ')} not supported by aml-auth endpoints create`,
      );
    throw new EndpointFileError(
      `${source}: ${parts.join('; ')} — nothing was created`,
      `use ${SUPPORTED.join(', ')} (the deployment's traffic is set after it is created)`,
    );
  }

  const str = (key: string): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') {
      throw new EndpointFileError(
        `${source}: '${key}' must be a string`,
        `write ${key}: some-text`,
      );
    }
    return v.trim();
  };

  const spec: EndpointSpec = {authMode: 'key', identityType: 'SystemAssigned'};
  const schema = str('$schema');
  if (schema) spec.schema = schema;
  const name = str('name');
  if (name) spec.name = name;
  const mode = str('auth_mode');
  if (mode !== undefined) {
    const m = parseAuthMode(mode);
    if (!m) {
      throw new EndpointFileError(
        `${source}: auth_mode '${mode}' is not an auth mode`,
        `use ${AUTH_MODES.join(', ')}`,
      );
    }
    spec.authMode = m;
  }
  const description = str('description');
  if (description) spec.description = description;

  if (data.identity !== undefined && data.identity !== null) {
    const identity = data.identity;
    if (typeof identity !== 'object' || Array.isArray(identity)) {
      throw new EndpointFileError(
        `${source}: 'identity' must be a mapping`,
        'write identity: {type: system_assigned}',
      );
    }
    const extra = Object.keys(identity).filter((k) => k !== 'type');
    if (extra.length) {
      throw new EndpointFileError(
        `${source}: identity ${extra.map((k) => `'${k}'`).join(', ')} not supported by aml-auth endpoints create — nothing was created`,
        'use identity: {type: system_assigned} or {type: none}',
      );
    }
    const type = (identity as {type?: unknown}).type;
    const wanted = typeof type === 'string' ? type.trim().toLowerCase() : '';
    const mapped = IDENTITY_TYPES[wanted];
    if (!mapped) {
      throw new EndpointFileError(
        `${source}: identity type '${String(type)}' is not supported by aml-auth endpoints create`,
        wanted === 'user_assigned'
          ? 'a user-assigned identity is not created from a file yet: use system_assigned or none, or az ml online-endpoint create'
          : 'use system_assigned or none',
      );
    }
    spec.identityType = mapped;
  }

  if (data.tags !== undefined && data.tags !== null) {
    const tags = data.tags;
    if (typeof tags !== 'object' || Array.isArray(tags)) {
      throw new EndpointFileError(`${source}: 'tags' must be a mapping`, 'write tags: {team: ml}');
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(tags)) {
      if (typeof v === 'object' && v !== null) {
        throw new EndpointFileError(
          `${source}: tag '${k}' must be a plain value`,
          'write tags: {team: ml}',
        );
      }
      out[k] = String(v);
    }
    if (Object.keys(out).length) spec.tags = out;
  }
  return spec;
}
