import type {SandboxContext} from '../context';
import {MANAGEMENT_AUDIENCES} from '../context';
import type {Exchange} from '../http';
import {JwtError} from '../jwt';
import {isAllowed, principalById} from '../rbac';
import {newGuid} from '../util';
import type {Principal, Subscription} from '../world';

export interface ErrorDetail {
  code: string;
  message: string;
  target?: string;
}

/** An ARM error: `{"error":{"code","message"}}` with the status and any extra headers. */
export class ArmError extends Error {
  /** Sent as `{code, message}` rather than `{error: {code, message}}`. */
  readonly flat: boolean = false;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

export interface ArmCall {
  principal: Principal;
  /** How ARM names the caller in messages and systemData: UPN for users, app ID for apps. */
  callerName: string;
  /**
   * The scope ARM names in `AuthorizationFailed`: the request path as sent (for a POST to an
   * action such as `…/listKeys`, the resource it acts on). Azure's recorded 403 for a role
   * definition PUT names `/subscriptions/…/providers/Microsoft.Authorization/roleDefinitions/{id}`.
   */
  requestScope: string;
}

/** The request path as the client sent it, without a trailing slash; for POST actions, the resource. */
export function requestScope(ex: Exchange): string {
  const path = ex.path.replace(/\/+$/, '') || '/';
  if (ex.method !== 'POST') return path;
  return path.slice(0, path.lastIndexOf('/')) || '/';
}

/** Headers every ARM response carries. */
export function armHeaders(ex: Exchange, subscriptionReads = true): Record<string, string> {
  const correlation = ex.header('x-ms-correlation-request-id') ?? ex.requestId;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').slice(0, 15);
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    pragma: 'no-cache',
    expires: '-1',
    'x-content-type-options': 'nosniff',
    'strict-transport-security': 'max-age=31536000; includeSubDomains',
    'x-ms-request-id': ex.requestId,
    'x-ms-correlation-request-id': correlation,
    'x-ms-routing-request-id': `SANDBOX:${stamp}Z:${ex.requestId}`,
  };
  const clientRequestId = ex.header('x-ms-client-request-id');
  if (clientRequestId) headers['x-ms-client-request-id'] = clientRequestId;
  if (subscriptionReads) {
    const key = ex.method === 'GET' ? 'reads' : ex.method === 'DELETE' ? 'deletes' : 'writes';
    headers[`x-ms-ratelimit-remaining-subscription-${key}`] = key === 'reads' ? '11999' : '1199';
  }
  return headers;
}

export function sendArmError(ex: Exchange, err: ArmError): void {
  const error: Record<string, unknown> = {code: err.code, message: err.message};
  if (err.details) error.details = err.details;
  // Some resource providers (Microsoft.Insights) answer with a bare `{code, message}`.
  const body = err.flat ? error : {error};
  ex.json(err.status, body, {...armHeaders(ex), ...err.headers});
}

export function sendArm(
  ex: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) ex.send(status, '', {...armHeaders(ex), ...headers});
  else ex.json(status, body, {...armHeaders(ex), ...headers});
}

function challenge(ctx: SandboxContext, description: string): Record<string, string> {
  return {
    'www-authenticate': `Bearer authorization_uri="${ctx.baseUrl}/${ctx.world.tenantId}", error="invalid_token", error_description="${description}"`,
    'x-ms-failure-cause': 'gateway',
  };
}

/** Validates the bearer token as ARM does and returns the caller. */
export function authenticate(ctx: SandboxContext, ex: Exchange): ArmCall {
  const header = ex.header('authorization');
  if (!header) {
    throw new ArmError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      challenge(ctx, "The authentication failed because of missing 'Authorization' header."),
    );
  }
  const m = /^Bearer\s+(\S+)$/i.exec(header);
  if (!m) {
    throw new ArmError(
      401,
      'AuthenticationFailedInvalidHeader',
      "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      challenge(ctx, "The authentication failed because of an invalid 'Authorization' header."),
    );
  }
  let claims;
  try {
    claims = ctx.entraSigner.verify(m[1]!, ctx.clock.nowSeconds());
  } catch (err) {
    if (err instanceof JwtError && err.reason === 'expired') {
      const exp = new Date(Number(err.payload?.exp) * 1000);
      throw new ArmError(
        401,
        'ExpiredAuthenticationToken',
        `The access token expiry UTC time '${armTime(exp)}' is earlier than current UTC time '${armTime(new Date(ctx.clock.now()))}'.`,
        challenge(ctx, 'The access token has expired.'),
      );
    }
    throw new ArmError(
      401,
      'InvalidAuthenticationToken',
      'The access token is invalid.',
      challenge(ctx, 'The access token is invalid.'),
    );
  }
  const aud = String(claims.aud ?? '');
  if (!MANAGEMENT_AUDIENCES.includes(aud)) {
    throw new ArmError(
      401,
      'InvalidAuthenticationTokenAudience',
      `The access token has been obtained for wrong audience or resource '${aud}'. It should exactly match with one of the allowed audiences ${MANAGEMENT_AUDIENCES.map((a) => `'${a}'`).join(',')}.`,
      challenge(ctx, 'The access token has been obtained for wrong audience or resource.'),
    );
  }
  if (String(claims.tid ?? '').toLowerCase() !== ctx.world.tenantId) {
    throw new ArmError(
      401,
      'InvalidAuthenticationTokenTenant',
      `The access token is from the wrong issuer '${String(claims.iss)}'. It must match the tenant '${ctx.baseUrl}/${ctx.world.tenantId}/' associated with this subscription.`,
      challenge(ctx, 'The access token is from the wrong issuer.'),
    );
  }
  const principal = principalById(ctx.world, String(claims.oid ?? ''));
  if (!principal) {
    throw new ArmError(
      401,
      'InvalidAuthenticationToken',
      'The access token is invalid: its principal no longer exists.',
    );
  }
  ex.caller = principal.name;
  return {
    principal,
    callerName: principal.kind === 'user' ? principal.name : principal.clientId!,
    requestScope: requestScope(ex),
  };
}

/** `8/17/2017 10:54:41 PM`, the .NET invariant format ARM uses in token messages. */
function armTime(d: Date): string {
  const h = d.getUTCHours();
  const hh = h % 12 === 0 ? 12 : h % 12;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${hh}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/**
 * 403 `AuthorizationFailed` unless the caller holds the action at the scope. The message names
 * `shownScope` (by default the request path, as Azure's gateway does), not the evaluated scope.
 */
export function authorize(
  ctx: SandboxContext,
  call: ArmCall,
  action: string,
  scope: string,
  shownScope: string = call.requestScope,
): void {
  if (isAllowed(ctx.world, call.principal.objectId, action, scope)) return;
  const oid = call.principal.objectId;
  throw new ArmError(
    403,
    'AuthorizationFailed',
    `The client '${call.callerName}' with object id '${oid}' does not have authorization to perform action '${action}' over scope '${shownScope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    {'x-ms-failure-cause': 'gateway'},
  );
}

/**
 * 403 `LinkedAuthorizationFailed` unless the caller holds `linkedAction` on every linked scope
 * (a user-assigned identity named in a request body). Wording from Azure's recorded response.
 */
export function authorizeLinked(
  ctx: SandboxContext,
  call: ArmCall,
  action: string,
  linkedAction: string,
  linkedScopes: string[],
): void {
  const missing = linkedScopes.filter(
    (s) => !isAllowed(ctx.world, call.principal.objectId, linkedAction, s),
  );
  if (missing.length === 0) return;
  const oid = call.principal.objectId;
  throw new ArmError(
    403,
    'LinkedAuthorizationFailed',
    `The client '${call.callerName}' with object id '${oid}' has permission to perform action '${action}' on scope '${call.requestScope}'; however, it does not have permission to perform action '${linkedAction}' on the linked scope(s) '${missing.join(',')}' or the linked scope(s) are invalid.`,
    {'x-ms-failure-cause': 'gateway'},
  );
}

export function findSubscription(ctx: SandboxContext, id: string): Subscription {
  const sub = ctx.world.subscriptions.find(
    (s) => s.subscriptionId.toLowerCase() === id.toLowerCase(),
  );
  if (!sub)
    throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
  return sub;
}

export function findResourceGroup(ctx: SandboxContext, subscriptionId: string, name: string) {
  const rg = ctx.world.resourceGroups.find(
    (r) => r.subscriptionId === subscriptionId && r.name.toLowerCase() === name.toLowerCase(),
  );
  if (!rg)
    throw new ArmError(
      404,
      'ResourceGroupNotFound',
      `Resource group '${name}' could not be found.`,
    );
  return rg;
}

/** Supported api-versions per provider: the versions the SDKs send and the contract's. */
const API_VERSIONS: Record<string, {min: string; max: string; extra?: string[]}> = {
  ml: {min: '2021-10-01', max: '2025-09-01'},
  authorization: {min: '2015-07-01', max: '2022-05-01', extra: []},
  resources: {min: '2016-06-01', max: '2022-12-01'},
  managedIdentity: {min: '2018-11-30', max: '2024-11-30'},
  insights: {min: '2017-05-01', max: '2021-05-01'},
  operationalInsights: {min: '2020-08-01', max: '2025-07-01'},
};

export function checkApiVersion(ex: Exchange, provider: keyof typeof API_VERSIONS): string {
  const version = ex.url.searchParams.get('api-version');
  if (!version) {
    throw new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  const range = API_VERSIONS[provider]!;
  const m = /^(\d{4}-\d{2}-\d{2})(-preview)?$/.exec(version);
  if (!m || m[1]! < range.min || m[1]! > range.max) {
    throw new ArmError(
      400,
      provider === 'resources' ? 'InvalidApiVersionParameter' : 'NoRegisteredProviderFound',
      `The api-version '${version}' is not supported here. Supported api-versions are between '${range.min}' and '${range.max}'.`,
    );
  }
  return version;
}

/** Pages a list as ARM does: `{value, nextLink}` with a skip token in the nextLink. */
export function page<T>(
  ctx: SandboxContext,
  ex: Exchange,
  items: T[],
  tokenParam = '$skipToken',
): {value: T[]; nextLink?: string} {
  const raw =
    ex.url.searchParams.get(tokenParam) ?? ex.url.searchParams.get(tokenParam.toLowerCase());
  const offset = raw ? Number.parseInt(raw, 10) : 0;
  if (!Number.isInteger(offset) || offset < 0) {
    throw new ArmError(400, 'InvalidSkipToken', `The skip token '${raw}' is not valid.`);
  }
  const value = items.slice(offset, offset + ctx.pageSize);
  if (offset + ctx.pageSize >= items.length) return {value};
  const next = new URL(ex.url.toString());
  next.searchParams.delete(tokenParam.toLowerCase());
  next.searchParams.set(tokenParam, String(offset + ctx.pageSize));
  return {value, nextLink: next.toString()};
}

export async function readJson(ex: Exchange): Promise<Record<string, unknown>> {
  const body = await ex.body(4 * 1024 * 1024);
  const text = body.toString('utf8');
  if (!text.trim()) {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: the body is empty.',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      `The request content was invalid and could not be deserialized: '${(err as Error).message}'.`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized: expected a JSON object.',
    );
  }
  return value as Record<string, unknown>;
}

export const newOperationId = (): string => newGuid();

export function methodNotAllowed(ex: Exchange, allowed: string[]): never {
  throw new ArmError(
    405,
    'MethodNotAllowed',
    `The requested resource does not support http method '${ex.method}'.`,
    {allow: allowed.join(', ')},
  );
}
