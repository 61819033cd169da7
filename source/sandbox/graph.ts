/**
 * A sliver of Microsoft Graph v1.0 over the sandbox directory: what `az role assignment create
 * --assignee` needs to turn a UPN or an app ID into an object ID.
 *
 *   GET /v1.0/users/{id | userPrincipalName}
 *   GET /v1.0/servicePrincipals?$filter=appId eq '{appId}'
 *   GET /v1.0/servicePrincipals/{id}
 *   GET /v1.0/directoryObjects/{id}
 *   POST /v1.0/users/{id | userPrincipalName}/revokeSignInSessions
 *
 * Tokens must be for `https://graph.microsoft.com` from this tenant; errors carry Graph's shape
 * (`{error: {code, message, innerError}}`).
 */
import type {SandboxContext} from './context';
import {revokeSessions} from './admin';
import type {Exchange} from './http';
import type {Principal} from './world';

export const GRAPH_AUDIENCE = 'https://graph.microsoft.com';
const GRAPH_PATH = /^\/v1\.0(\/|$)/i;

export const isGraphPath = (path: string): boolean => GRAPH_PATH.test(path);

class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function send(ex: Exchange, status: number, body: unknown): void {
  ex.json(status, body, {'request-id': ex.requestId, 'client-request-id': ex.requestId});
}

function authenticate(ctx: SandboxContext, ex: Exchange): Principal {
  const m = /^Bearer\s+(\S+)$/i.exec(ex.header('authorization') ?? '');
  if (!m) {
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
  }
  let claims: Record<string, unknown>;
  try {
    claims = ctx.entraSigner.verify(m[1]!, ctx.clock.nowSeconds());
  } catch {
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
  }
  const aud = String(claims.aud ?? '').replace(/\/+$/, '');
  if (aud !== GRAPH_AUDIENCE && aud !== '00000003-0000-0000-c000-000000000000') {
    throw new GraphError(
      401,
      'InvalidAuthenticationToken',
      'Access token validation failure. Invalid audience.',
    );
  }
  const oid = String(claims.oid ?? '').toLowerCase();
  const principal = ctx.world.principals.find((p) => p.objectId.toLowerCase() === oid);
  if (!principal || String(claims.tid ?? '').toLowerCase() !== ctx.world.tenantId) {
    throw new GraphError(401, 'InvalidAuthenticationToken', 'Access token validation failure.');
  }
  ex.caller = principal.name;
  return principal;
}

function userJson(p: Principal) {
  return {
    '@odata.type': '#microsoft.graph.user',
    id: p.objectId,
    userPrincipalName: p.name,
    displayName: p.displayName,
    mail: null,
  };
}

function servicePrincipalJson(p: Principal) {
  return {
    '@odata.type': '#microsoft.graph.servicePrincipal',
    id: p.objectId,
    appId: p.clientId ?? null,
    displayName: p.displayName,
    servicePrincipalType: p.managedIdentity ? 'ManagedIdentity' : 'Application',
    servicePrincipalNames: p.clientId ? [p.clientId] : [],
  };
}

const objectJson = (p: Principal) => (p.kind === 'user' ? userJson(p) : servicePrincipalJson(p));

function notFound(what: string): GraphError {
  return new GraphError(
    404,
    'Request_ResourceNotFound',
    `Resource '${what}' does not exist or one of its queried reference-property objects are not present.`,
  );
}

/** Handles a Graph request (the caller checked `isGraphPath`). */
export function handleGraph(ctx: SandboxContext, ex: Exchange): void {
  try {
    const parts = ex.path.split('/').filter(Boolean).slice(1);
    const [collection, key, ...rest] = parts;
    const revoking =
      collection?.toLowerCase() === 'users' &&
      rest.length === 1 &&
      rest[0]!.toLowerCase() === 'revokesigninsessions';
    if (ex.method !== (revoking ? 'POST' : 'GET')) {
      throw new GraphError(405, 'Request_BadRequest', `Method ${ex.method} is not supported here.`);
    }
    authenticate(ctx, ex);
    if (rest.length && !revoking)
      throw new GraphError(400, 'Request_BadRequest', 'Unsupported segment.');
    const base = `${ctx.baseUrl}/v1.0/$metadata`;
    const principals = ctx.world.principals;
    const byId = (id: string) =>
      principals.find((p) => p.objectId.toLowerCase() === id.toLowerCase());
    switch ((collection ?? '').toLowerCase()) {
      case 'users': {
        if (!key) throw new GraphError(400, 'Request_BadRequest', 'Give a user ID or UPN.');
        const user = principals.find(
          (p) =>
            p.kind === 'user' &&
            (p.objectId.toLowerCase() === key.toLowerCase() ||
              p.name.toLowerCase() === key.toLowerCase()),
        );
        if (!user) throw notFound(key);
        if (revoking) {
          // Graph asks for User.RevokeSessions.All (or the user's own token); the sandbox
          // directory has no admin roles, so any caller of this tenant may.
          revokeSessions(ctx, user);
          send(ex, 200, {'@odata.context': `${base}#Edm.Boolean`, value: true});
          return;
        }
        send(ex, 200, {'@odata.context': `${base}#users/$entity`, ...userJson(user)});
        return;
      }
      case 'serviceprincipals': {
        if (key) {
          const sp = byId(key);
          if (!sp || sp.kind !== 'servicePrincipal') throw notFound(key);
          send(ex, 200, {
            '@odata.context': `${base}#servicePrincipals/$entity`,
            ...servicePrincipalJson(sp),
          });
          return;
        }
        const filter = ex.url.searchParams.get('$filter') ?? '';
        const m = /^\s*appId\s+eq\s+'([^']*)'\s*$/i.exec(filter);
        if (!m) {
          throw new GraphError(
            400,
            'Request_UnsupportedQuery',
            "Unsupported query: the sandbox filters servicePrincipals by appId eq '…' only.",
          );
        }
        const value = principals
          .filter(
            (p) =>
              p.kind === 'servicePrincipal' && p.clientId?.toLowerCase() === m[1]!.toLowerCase(),
          )
          .map(servicePrincipalJson);
        send(ex, 200, {'@odata.context': `${base}#servicePrincipals`, value});
        return;
      }
      case 'directoryobjects': {
        if (!key) throw new GraphError(400, 'Request_BadRequest', 'Give an object ID.');
        const obj = byId(key);
        if (!obj) throw notFound(key);
        send(ex, 200, {'@odata.context': `${base}#directoryObjects/$entity`, ...objectJson(obj)});
        return;
      }
      default:
        throw new GraphError(
          400,
          'BadRequest',
          `Resource not found for the segment '${collection ?? ''}'.`,
        );
    }
  } catch (err) {
    if (!(err instanceof GraphError)) throw err;
    send(ex, err.status, {
      error: {
        code: err.code,
        message: err.message,
        innerError: {date: new Date(ctx.clock.now()).toISOString(), 'request-id': ex.requestId},
      },
    });
  }
}
