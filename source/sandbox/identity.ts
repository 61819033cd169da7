import {randomBytes, timingSafeEqual} from 'node:crypto';
import type {DeviceCodeGrant, SandboxContext} from './context';
import {LOG_ANALYTICS_AUDIENCE, MANAGEMENT_AUDIENCES, ML_AUDIENCE} from './context';
import {BodyTooLarge, type Exchange, parseForm} from './http';
import {base64url, newGuid} from './util';
import {type Principal, userAssignedIdentityId} from './world';
import {principalById} from './rbac';
import {renderDevicePage} from './device-page';
import {AssertionError, JWT_BEARER, verifyClientAssertion} from './client-assertion';
import {authorizationCodeGrant, authorize} from './authorize';

/** Resources this tenant issues tokens for (an access token's `aud`). */
const KNOWN_RESOURCES = [
  ...MANAGEMENT_AUDIENCES,
  ML_AUDIENCE,
  LOG_ANALYTICS_AUDIENCE,
  'https://graph.microsoft.com',
];
const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);
const DEVICE_CODE_SECONDS = 900;
/** Entra says 5; the sandbox polls faster so a sign-in takes about a second, not five. */
const POLL_INTERVAL_SECONDS = 1;

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly aadsts: number,
    description: string,
  ) {
    super(description);
  }
}

/** Entra ID v2 endpoints under `/{tenant}/…`, plus the device page. Returns false if not ours. */
export async function handleIdentity(ctx: SandboxContext, ex: Exchange): Promise<boolean> {
  const path = ex.path;
  if (path === '/devicelogin') {
    await deviceLoginPage(ctx, ex);
    return true;
  }
  if (path.toLowerCase() === MSI_PATH) {
    managedIdentityToken(ctx, ex);
    return true;
  }
  if (/^\/adfs(\/|$)/i.test(path)) return handleAdfs(ctx, ex);
  const m =
    /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|discovery\/v2\.0\/keys|oauth2\/v2\.0\/(?:token|devicecode|authorize)|discovery\/instance)$/i.exec(
      path,
    );
  if (!m) return false;
  const [, tenantSegment, route] = m as unknown as [string, string, string];
  try {
    const tenant = resolveTenant(ctx, tenantSegment);
    switch (route.toLowerCase()) {
      case 'v2.0/.well-known/openid-configuration':
        requireMethod(ex, 'GET');
        ex.json(200, openIdConfiguration(ctx, tenantSegment, tenant));
        return true;
      case 'discovery/v2.0/keys':
        requireMethod(ex, 'GET');
        ex.json(200, {keys: [ctx.entraSigner.jwk()]});
        return true;
      case 'discovery/instance':
        requireMethod(ex, 'GET');
        ex.json(200, instanceDiscovery(ctx, ex));
        return true;
      case 'oauth2/v2.0/devicecode':
        requireMethod(ex, 'POST');
        ex.json(200, await deviceCode(ctx, ex, tenant ?? ctx.world.tenantId));
        return true;
      case 'oauth2/v2.0/token':
        requireMethod(ex, 'POST');
        ex.json(200, await token(ctx, ex, tenant ?? ctx.world.tenantId), {
          'cache-control': 'no-store, no-cache',
          pragma: 'no-cache',
        });
        return true;
      case 'oauth2/v2.0/authorize':
        await authorize(ctx, ex, tenant ?? ctx.world.tenantId);
        return true;
      default:
        throw new OAuthError(
          400,
          'unsupported_response_type',
          900561,
          'The sandbox supports the device code, authorization code, client credentials and refresh token grants; use one of those.',
        );
    }
  } catch (caught) {
    sendOAuthError(ctx, ex, caught);
    return true;
  }
}

/** An Entra error body for an OAuthError (or an oversized body); anything else is rethrown. */
function sendOAuthError(ctx: SandboxContext, ex: Exchange, caught: unknown): void {
  const err =
    caught instanceof BodyTooLarge
      ? new OAuthError(
          400,
          'invalid_request',
          90014,
          `The request body is larger than the ${caught.limit} bytes allowed.`,
        )
      : caught;
  if (!(err instanceof OAuthError)) throw err;
  const now = new Date(ctx.clock.now());
  const trace = newGuid();
  const correlation = ex.header('client-request-id') ?? newGuid();
  ex.json(err.status, {
    error: err.error,
    error_description: `AADSTS${err.aadsts}: ${err.message} Trace ID: ${trace} Correlation ID: ${correlation} Timestamp: ${now.toISOString().replace('T', ' ').slice(0, 19)}Z`,
    error_codes: [err.aadsts],
    timestamp: now.toISOString().replace('T', ' ').slice(0, 19) + 'Z',
    trace_id: trace,
    correlation_id: correlation,
    error_uri: `${ctx.baseUrl}/error?code=${err.aadsts}`,
  });
}

// ---------------------------------------------------------------- ADFS (Azure Stack style) authority

/**
 * An Azure Stack style authority at `{base}/adfs`: MSAL Python (Azure CLI) runs no instance
 * discovery for an authority whose path is `/adfs`, and reads `/adfs/.well-known/openid-configuration`.
 * Its token and device code endpoints are the tenant's own, and its tokens name `{base}/adfs` as issuer.
 */
async function handleAdfs(ctx: SandboxContext, ex: Exchange): Promise<boolean> {
  const route = ex.path
    .replace(/^\/adfs/i, '')
    .replace(/\/+$/, '')
    .toLowerCase();
  const issuer = `${ctx.baseUrl}/adfs`;
  try {
    switch (route) {
      case '/.well-known/openid-configuration':
        requireMethod(ex, 'GET');
        ex.json(200, adfsConfiguration(ctx));
        return true;
      case '/discovery/keys':
        requireMethod(ex, 'GET');
        ex.json(200, {keys: [ctx.entraSigner.jwk()]});
        return true;
      case '/oauth2/devicecode':
        requireMethod(ex, 'POST');
        ex.json(200, await deviceCode(ctx, ex, ctx.world.tenantId));
        return true;
      case '/oauth2/token':
        requireMethod(ex, 'POST');
        ex.json(200, await token(ctx, ex, ctx.world.tenantId, issuer), {
          'cache-control': 'no-store, no-cache',
          pragma: 'no-cache',
        });
        return true;
      default:
        return false;
    }
  } catch (caught) {
    sendOAuthError(ctx, ex, caught);
    return true;
  }
}

function adfsConfiguration(ctx: SandboxContext) {
  const base = `${ctx.baseUrl}/adfs`;
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth2/authorize/`,
    token_endpoint: `${base}/oauth2/token/`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    jwks_uri: `${base}/discovery/keys`,
    end_session_endpoint: `${base}/oauth2/logout`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'client_secret_basic',
      'private_key_jwt',
    ],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      'client_credentials',
      'urn:ietf:params:oauth:grant-type:device_code',
    ],
    subject_types_supported: ['pairwise'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    id_token_signing_alg_values_supported: ['RS256'],
    access_token_issuer: base,
  };
}

function requireMethod(ex: Exchange, method: string): void {
  if (ex.method !== method && !(method === 'GET' && ex.method === 'HEAD')) {
    throw new OAuthError(
      405,
      'invalid_request',
      900561,
      `The endpoint only accepts ${method} requests.`,
    );
  }
}

/** The tenant ID for a path segment; undefined for `common` / `organizations`. */
function resolveTenant(ctx: SandboxContext, segment: string): string | undefined {
  const s = segment.toLowerCase();
  if (s === 'common' || s === 'organizations') return undefined;
  if (s === ctx.world.tenantId || s === ctx.world.tenantDomain) return ctx.world.tenantId;
  throw new OAuthError(
    400,
    'invalid_request',
    90002,
    `Tenant '${segment}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
  );
}

function openIdConfiguration(ctx: SandboxContext, segment: string, tenant: string | undefined) {
  const base = `${ctx.baseUrl}/${segment}`;
  const host = new URL(ctx.baseUrl).host;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: [
      'client_secret_post',
      'private_key_jwt',
      'client_secret_basic',
    ],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${ctx.baseUrl}/${tenant ?? '{tenantid}'}/v2.0`,
    request_uri_parameter_supported: false,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: [
      'sub',
      'iss',
      'aud',
      'exp',
      'iat',
      'auth_time',
      'nonce',
      'preferred_username',
      'name',
      'tid',
      'ver',
      'oid',
    ],
    tenant_region_scope: null,
    cloud_instance_name: host,
    cloud_graph_host_name: host,
    msgraph_host: host,
    rbac_url: ctx.baseUrl,
  };
}

function instanceDiscovery(ctx: SandboxContext, ex: Exchange) {
  const authorization = ex.url.searchParams.get('authorization_endpoint') ?? '';
  let tenant = 'common';
  try {
    tenant = new URL(authorization).pathname.split('/').filter(Boolean)[0] ?? 'common';
  } catch {
    // keep common
  }
  const host = new URL(ctx.baseUrl).host;
  return {
    tenant_discovery_endpoint: `${ctx.baseUrl}/${tenant}/v2.0/.well-known/openid-configuration`,
    'api-version': '1.1',
    metadata: [{preferred_network: host, preferred_cache: host, aliases: [host]}],
  };
}

async function form(ex: Exchange): Promise<URLSearchParams> {
  return parseForm(await ex.body(64 * 1024));
}

/** The one resource a scope list asks for, e.g. `https://management.azure.com/.default` → `https://management.azure.com`. */
export function resourceOf(scopes: string[]): string {
  const resources = new Set<string>();
  for (const scope of scopes) {
    if (OIDC_SCOPES.has(scope.toLowerCase())) continue;
    if (scope.endsWith('/.default')) resources.add(scope.slice(0, -'/.default'.length));
    else {
      const slash = scope.lastIndexOf('/');
      if (slash <= 'https://'.length) {
        throw new OAuthError(
          400,
          'invalid_scope',
          70011,
          `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`,
        );
      }
      resources.add(scope.slice(0, slash));
    }
  }
  if (resources.size === 0) {
    throw new OAuthError(
      400,
      'invalid_scope',
      70011,
      "The provided value for the input parameter 'scope' is not valid. Ask for a resource, e.g. https://management.azure.com/.default.",
    );
  }
  if (resources.size > 1) {
    throw new OAuthError(
      400,
      'invalid_scope',
      28000,
      'Provided value for the input parameter scope is not valid because it contains more than one resource.',
    );
  }
  const [resource] = [...resources] as [string];
  if (!KNOWN_RESOURCES.includes(resource)) {
    throw new OAuthError(
      400,
      'invalid_resource',
      500011,
      `The resource principal named ${resource} was not found in the tenant named ${'contoso.sandbox'}. This can happen if the application has not been installed by the administrator of the tenant.`,
    );
  }
  return resource;
}

export function splitScopes(value: string | null): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

async function deviceCode(ctx: SandboxContext, ex: Exchange, tenantId: string) {
  const params = await form(ex);
  const clientId = params.get('client_id');
  if (!clientId) {
    throw new OAuthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const scopes = splitScopes(params.get('scope'));
  resourceOf(scopes);
  const grant: DeviceCodeGrant = {
    deviceCode: randomBytes(48).toString('base64url'),
    userCode: userCode(),
    clientId,
    tenantId,
    scopes,
    expiresAt: ctx.clock.now() + DEVICE_CODE_SECONDS * 1000,
    status: 'pending',
    pageOpened: false,
  };
  ctx.deviceCodes.set(grant.deviceCode, grant);
  if (ctx.autoApprove) {
    const approver = ctx.autoApprove;
    const timer = setTimeout(() => {
      ctx.timers.delete(timer);
      if (grant.status === 'pending' && !grant.pageOpened) {
        grant.status = 'approved';
        grant.principalId = approver.objectId;
      }
    }, ctx.autoApproveDelayMs);
    timer.unref();
    ctx.timers.add(timer);
  }
  const verificationUri = `${ctx.baseUrl}/devicelogin`;
  return {
    user_code: grant.userCode,
    device_code: grant.deviceCode,
    verification_uri: verificationUri,
    expires_in: DEVICE_CODE_SECONDS,
    interval: POLL_INTERVAL_SECONDS,
    message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${grant.userCode} to authenticate.`,
  };
}

function userCode(): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  return Array.from(randomBytes(9), (b) => alphabet[b % alphabet.length]).join('');
}

/** Approves (or declines) a pending device code as a user: what the device page and admin API do. */
export function decideDeviceCode(
  ctx: SandboxContext,
  code: string,
  decision: {approve: true; principal: Principal} | {approve: false},
): DeviceCodeGrant {
  const wanted = code.replace(/[\s-]/g, '').toUpperCase();
  const grant = [...ctx.deviceCodes.values()].find(
    (g) => g.userCode === wanted && g.status === 'pending' && g.expiresAt > ctx.clock.now(),
  );
  if (!grant) throw new Error(`no pending device code '${code}'`);
  if (decision.approve) {
    if (decision.principal.kind !== 'user')
      throw new Error('only users sign in with a device code');
    grant.status = 'approved';
    grant.principalId = decision.principal.objectId;
  } else {
    grant.status = 'declined';
  }
  return grant;
}

async function token(ctx: SandboxContext, ex: Exchange, tenantId: string, issuer?: string) {
  const params = await form(ex);
  const grantType = params.get('grant_type');
  const clientId = params.get('client_id');
  if (!grantType) {
    throw new OAuthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'grant_type'.",
    );
  }
  if (!clientId) {
    throw new OAuthError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  switch (grantType) {
    // The RFC 8628 name, and the short one MSAL sends; Entra accepts both.
    case 'urn:ietf:params:oauth:grant-type:device_code':
    case 'device_code':
      return deviceCodeGrant(ctx, params, clientId, issuer);
    case 'client_credentials':
      return clientCredentialsGrant(
        ctx,
        params,
        clientId,
        tenantId,
        tokenAudiences(ctx, ex),
        issuer,
      );
    case 'refresh_token':
      return refreshTokenGrant(ctx, params, clientId, issuer);
    case 'authorization_code':
      return authorizationCodeGrant(ctx, params, clientId, issuer);
    default:
      throw new OAuthError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
  }
}

function deviceCodeGrant(
  ctx: SandboxContext,
  params: URLSearchParams,
  clientId: string,
  issuer?: string,
) {
  const grant = ctx.deviceCodes.get(params.get('device_code') ?? '');
  if (!grant) {
    // The device-flow docs: a device_code the token endpoint does not recognise.
    throw new OAuthError(
      400,
      'bad_verification_code',
      70018,
      "The provided value for the input parameter 'device_code' is not valid: the code was not recognized.",
    );
  }
  if (grant.clientId !== clientId || grant.status === 'redeemed') {
    throw new OAuthError(
      400,
      'invalid_grant',
      70000,
      'Provided grant is invalid or malformed. The device code is unknown or was already used.',
    );
  }
  if (grant.expiresAt <= ctx.clock.now()) {
    ctx.deviceCodes.delete(grant.deviceCode);
    throw new OAuthError(
      400,
      'expired_token',
      70020,
      "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
    );
  }
  if (grant.status === 'pending') {
    throw new OAuthError(
      400,
      'authorization_pending',
      70016,
      'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
    );
  }
  if (grant.status === 'declined') {
    ctx.deviceCodes.delete(grant.deviceCode);
    throw new OAuthError(
      400,
      'authorization_declined',
      70019,
      'The user declined the sign-in request.',
    );
  }
  grant.status = 'redeemed';
  const principal = principalById(ctx.world, grant.principalId!);
  if (!principal)
    throw new OAuthError(
      400,
      'invalid_grant',
      50034,
      'The user account does not exist in the directory.',
    );
  return issueTokens(ctx, principal, clientId, grant.tenantId, grant.scopes, true, issuer);
}

/** The `aud` a client assertion may carry: this token endpoint, by tenant ID, domain or as sent. */
export function tokenAudiences(ctx: SandboxContext, ex: Exchange): string[] {
  const path = ex.path.replace(/\/+$/, '');
  const tail = path.slice(path.indexOf('/', 1));
  return [
    `${ctx.baseUrl}${path}`,
    `${ctx.baseUrl}/${ctx.world.tenantId}${tail}`,
    `${ctx.baseUrl}/${ctx.world.tenantDomain}${tail}`,
  ];
}

function clientCredentialsGrant(
  ctx: SandboxContext,
  params: URLSearchParams,
  clientId: string,
  tenantId: string,
  audiences: string[],
  issuer?: string,
) {
  const principal = ctx.world.principals.find(
    (p) => p.kind === 'servicePrincipal' && p.clientId?.toLowerCase() === clientId.toLowerCase(),
  );
  if (!principal) {
    throw new OAuthError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.world.tenantDomain}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  const secret = params.get('client_secret');
  const assertion = params.get('client_assertion');
  if (assertion) {
    if (params.get('client_assertion_type') !== JWT_BEARER) {
      throw new OAuthError(
        400,
        'invalid_request',
        50027,
        `The 'client_assertion_type' must be '${JWT_BEARER}'.`,
      );
    }
    try {
      verifyClientAssertion(assertion, {
        clientId: principal.clientId!,
        certificate: ctx.clientCertificates.get(principal.clientId!.toLowerCase()),
        audiences,
        // The client signs with its own clock, not the sandbox's (which tests may move).
        nowSeconds: Math.floor(Date.now() / 1000),
      });
    } catch (err) {
      if (err instanceof AssertionError)
        throw new OAuthError(401, 'invalid_client', err.aadsts, err.message);
      throw err;
    }
    return issueTokens(ctx, principal, clientId, tenantId, defaultScopes(params), false, issuer);
  }
  if (!secret) {
    throw new OAuthError(
      401,
      'invalid_client',
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    );
  }
  if (secret !== principal.clientSecret) {
    throw new OAuthError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  return issueTokens(ctx, principal, clientId, tenantId, defaultScopes(params), false, issuer);
}

/** The client credentials grant's scopes: `{resource}/.default` only. */
function defaultScopes(params: URLSearchParams): string[] {
  const scopes = splitScopes(params.get('scope'));
  resourceOf(scopes);
  if (!scopes.every((s) => s.endsWith('/.default'))) {
    throw new OAuthError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scopes.join(' ')} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  return scopes;
}

function refreshTokenGrant(
  ctx: SandboxContext,
  params: URLSearchParams,
  clientId: string,
  issuer?: string,
) {
  const grant = ctx.refreshTokens.get(params.get('refresh_token') ?? '');
  if (!grant || grant.clientId !== clientId) {
    throw new OAuthError(
      400,
      'invalid_grant',
      9002313,
      'Invalid request. Request is malformed or invalid: the refresh token is unknown, revoked or was issued to another client.',
    );
  }
  const principal = principalById(ctx.world, grant.principalId);
  if (!principal)
    throw new OAuthError(
      400,
      'invalid_grant',
      50034,
      'The user account does not exist in the directory.',
    );
  const validFrom = ctx.tokensValidFrom.get(principal.objectId);
  if (validFrom !== undefined && grant.issuedAt < validFrom) {
    // Entra's words (and Azure's ISO times) for a refresh token older than the revocation.
    throw new OAuthError(
      400,
      'invalid_grant',
      50173,
      `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${new Date(grant.issuedAt).toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(validFrom).toISOString()}'.`,
    );
  }
  return issueTokens(
    ctx,
    principal,
    clientId,
    grant.tenantId,
    splitScopes(params.get('scope')),
    true,
    issuer,
  );
}

/** Mints an access token (plus refresh and ID tokens for users), as Entra's v2 token endpoint does. */
export function issueTokens(
  ctx: SandboxContext,
  principal: Principal,
  clientId: string,
  tenantId: string,
  scopes: string[],
  user: boolean,
  /** The ADFS authority's tokens name it (`{base}/adfs`), as its OpenID configuration does. */
  issuer = `${ctx.baseUrl}/${tenantId}/v2.0`,
) {
  const resource = resourceOf(scopes);
  const now = ctx.clock.nowSeconds();
  const lifetime = ctx.lifetimes.entraSeconds;
  const common = {
    iss: issuer,
    iat: now,
    nbf: now,
    exp: now + lifetime,
    tid: tenantId,
    oid: principal.objectId,
    sub: principal.objectId,
  };
  const accessClaims =
    principal.kind === 'user'
      ? {
          aud: resource,
          ...common,
          appid: clientId,
          azp: clientId,
          idtyp: 'user',
          name: principal.displayName,
          upn: principal.name,
          unique_name: principal.name,
          scp: 'user_impersonation',
          ver: '2.0',
        }
      : {
          aud: resource,
          ...common,
          appid: clientId,
          azp: clientId,
          idtyp: 'app',
          roles: [],
          ver: '2.0',
        };
  const response: Record<string, unknown> = {
    token_type: 'Bearer',
    scope: scopes.filter((s) => !OIDC_SCOPES.has(s.toLowerCase())).join(' '),
    expires_in: lifetime,
    ext_expires_in: lifetime,
    refresh_in: Math.floor(lifetime / 2),
    access_token: ctx.entraSigner.sign({...accessClaims, uti: base64url(randomBytes(16))}),
  };
  if (user) {
    const refreshToken = randomBytes(64).toString('base64url');
    ctx.refreshTokens.set(refreshToken, {
      principalId: principal.objectId,
      clientId,
      tenantId,
      issuedAt: ctx.clock.now(),
    });
    response.refresh_token = refreshToken;
    response.id_token = ctx.entraSigner.sign({
      aud: clientId,
      ...common,
      exp: now + 3600,
      name: principal.displayName,
      preferred_username: principal.name,
      ver: '2.0',
    });
    response.client_info = base64url(JSON.stringify({uid: principal.objectId, utid: tenantId}));
  }
  return response;
}

async function deviceLoginPage(ctx: SandboxContext, ex: Exchange): Promise<void> {
  const now = ctx.clock.now();
  const pending = [...ctx.deviceCodes.values()].filter(
    (g) => g.status === 'pending' && g.expiresAt > now,
  );
  const users = ctx.world.principals.filter((p) => p.kind === 'user');
  if (ex.method === 'GET' || ex.method === 'HEAD') {
    // A person is here to choose who signs in: automatic approval stands aside for these codes.
    for (const g of pending) g.pageOpened = true;
    ex.send(200, renderDevicePage({users, code: ex.url.searchParams.get('code') ?? ''}), {
      'content-type': 'text/html; charset=utf-8',
    });
    return;
  }
  if (ex.method !== 'POST') {
    ex.send(405, 'Method not allowed', {
      'content-type': 'text/plain; charset=utf-8',
      allow: 'GET, POST',
    });
    return;
  }
  const params = parseForm(await ex.body(16 * 1024));
  const code = params.get('code') ?? '';
  const decline = params.get('action') === 'decline';
  const principal = users.find((u) => u.objectId === params.get('principal'));
  try {
    if (!decline && !principal) throw new Error('choose who signs in');
    decideDeviceCode(
      ctx,
      code,
      decline ? {approve: false} : {approve: true, principal: principal!},
    );
    ex.send(
      200,
      renderDevicePage({
        users,
        code: '',
        done: decline ? 'declined' : `signed in as ${principal!.name}`,
      }),
      {'content-type': 'text/html; charset=utf-8'},
    );
  } catch (err) {
    ex.send(400, renderDevicePage({users, code, error: (err as Error).message}), {
      'content-type': 'text/html; charset=utf-8',
    });
  }
}

// ---------------------------------------------------------------- managed identity

/** The App Service style identity endpoint (`IDENTITY_ENDPOINT`), as App Service serves it. */
export const MSI_PATH = '/msi/token';
const MSI_API_VERSION = '2019-08-01';

/**
 * `GET /msi/token?api-version=2019-08-01&resource=…[&client_id|object_id|principal_id|mi_res_id=…]`
 * with `X-IDENTITY-HEADER`, what MSAL's AppService source sends. No ID: the host's system-assigned
 * identity; an ID: one of the user-assigned identities attached to the host. The answer is App
 * Service's: `{access_token, expires_on (epoch seconds, a string), resource, token_type, client_id}`.
 */
function managedIdentityToken(ctx: SandboxContext, ex: Exchange): void {
  const correlationId = newGuid();
  const fail = (status: number, message: string) =>
    ex.json(status, {statusCode: status, message, correlationId});
  if (ex.method !== 'GET') return fail(405, 'The identity endpoint only accepts GET requests.');
  const header = ex.header('x-identity-header');
  if (!header || !safeEqual(header, ctx.identityHeader)) {
    return fail(401, 'The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.');
  }
  const q = ex.url.searchParams;
  if (q.get('api-version') !== MSI_API_VERSION)
    return fail(400, `The api-version must be '${MSI_API_VERSION}'.`);
  const resource = q.get('resource');
  if (!resource) return fail(400, "The 'resource' query parameter is required.");
  const host = ctx.world.principals.find((p) => p.managedIdentity === 'systemAssigned');
  const wanted: [string, string | null][] = [
    ['client_id', q.get('client_id')],
    ['object_id', q.get('object_id') ?? q.get('principal_id')],
    ['mi_res_id', q.get('mi_res_id')],
  ];
  const given = wanted.filter(([, v]) => v);
  if (given.length > 1)
    return fail(400, 'Give only one of client_id, object_id/principal_id and mi_res_id.');
  let principal: Principal | undefined = host;
  if (given.length === 1) {
    const [kind, value] = given[0]! as [string, string];
    const v = value.toLowerCase();
    const identity = ctx.world.userAssignedIdentities.find((u) =>
      kind === 'client_id'
        ? u.clientId === v
        : kind === 'object_id'
          ? u.principalId === v
          : userAssignedIdentityId(u).toLowerCase() === v,
    );
    principal = identity && principalById(ctx.world, identity.principalId);
    if (!principal) {
      return fail(
        400,
        'No User Assigned or Delegated Managed Identity found for specified ClientId/ResourceId/PrincipalId.',
      );
    }
  }
  if (!principal) return fail(400, 'No managed identity is enabled for this host.');
  let tokens;
  try {
    const scope = `${resource.replace(/\/+$/, '')}/.default`;
    tokens = issueTokens(ctx, principal, principal.clientId!, ctx.world.tenantId, [scope], false);
  } catch (err) {
    if (err instanceof OAuthError) return fail(400, err.message);
    throw err;
  }
  ex.json(200, {
    access_token: tokens.access_token,
    expires_on: String(ctx.clock.nowSeconds() + Number(tokens.expires_in)),
    resource,
    token_type: 'Bearer',
    client_id: principal.clientId,
  });
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
