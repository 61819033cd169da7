/**
 * Failures explained for a person: what failed, Azure's code and words, the request ID and what to
 * do next. Errors are recognised by shape (`name`, `statusCode`, `code`), not by class, so this
 * module imports no `@azure/*` package: the UI can use it before the SDKs load, and errors from
 * any copy of the SDK packages are understood.
 */
import type {AppError, CloudConfig, SignInMethod} from '../domain/types';

export interface ErrorContext {
  /** What was being done, as a verb phrase: `list workspaces`, `create endpoint ep1`. */
  operation: string;
  /** The ARM scope or resource the operation was about. */
  scope?: string;
  /** The cloud in use: names the CA option and the cloud file in TLS and network hints. */
  cloud?: Pick<CloudConfig, 'name' | 'custom'> &
    Partial<Pick<CloudConfig, 'file' | 'caCertFile' | 'authorityHost' | 'managementScope'>>;
  /** The sign-in method, for hints that depend on it. */
  method?: SignInMethod;
  /** The host that was being reached, when the error does not say. */
  host?: string;
  /** Values that must never appear in the output (a client secret, a token). */
  secrets?: string[];
}

/** An error a Service rejects with: already explained. `toAppError` returns `appError` as is. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  constructor(
    readonly appError: AppError,
    options?: {cause?: unknown},
  ) {
    super(`${appError.title}: ${appError.detail}`, options);
  }
}

export const isServiceError = (err: unknown): err is ServiceError =>
  err instanceof ServiceError ||
  (isObject(err) && err.name === 'ServiceError' && isObject(err.appError));

// ---------------------------------------------------------------- helpers

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Removes tokens and secrets from text shown to a person. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text
    .replace(/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, '[token]')
    .replace(/(bearer\s+)[^\s"',;]+/gi, '$1[redacted]')
    .replace(
      /\b(client_secret|client_assertion|refresh_token|access_token|device_code|password|sig)=([^&\s"']+)/gi,
      '$1=[redacted]',
    );
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[secret]');
  return out;
}

/** The first line, without the trailing noise Entra appends (trace, correlation, timestamp). */
function firstLine(text: string): string {
  return text
    .split(/\r?\n/)[0]!
    .replace(/\s*Trace ID:.*$/i, '')
    .trim();
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

function hostOf(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function header(response: unknown, name: string): string | undefined {
  if (!isObject(response)) return undefined;
  const headers = response.headers;
  if (!isObject(headers)) return undefined;
  if (typeof headers.get === 'function') {
    return str((headers.get as (n: string) => unknown).call(headers, name));
  }
  const hit = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return hit ? str(hit[1]) : undefined;
}

function make(
  kind: AppError['kind'],
  title: string,
  detail: string,
  extra: Partial<Omit<AppError, 'kind' | 'title' | 'detail'>> = {},
): AppError {
  const out: AppError = {title, detail, nextSteps: [], kind};
  for (const [k, v] of Object.entries(extra)) {
    if (v !== undefined) (out as unknown as Obj)[k] = v;
  }
  return out;
}

function finish(err: AppError, ctx: ErrorContext | undefined, cause: unknown): AppError {
  const secrets = ctx?.secrets ?? [];
  const out: AppError = {
    ...err,
    title: redact(err.title, secrets),
    detail: redact(err.detail, secrets),
    nextSteps: err.nextSteps.map((s) => redact(s, secrets)),
  };
  if (err.hint !== undefined) out.hint = redact(err.hint, secrets);
  // The original error, for --debug only: not enumerable, so it is never serialised or rendered.
  if (cause !== undefined) Object.defineProperty(out, 'cause', {value: cause, enumerable: false});
  return out;
}

// ---------------------------------------------------------------- transport

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);
const REFUSED_CODES = new Set(['ECONNREFUSED']);
const FLAKY_CODES = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);

export function isTransportCode(code: string | undefined): boolean {
  return (
    code !== undefined &&
    (DNS_CODES.has(code) || REFUSED_CODES.has(code) || FLAKY_CODES.has(code) || TLS_CODES.has(code))
  );
}

/** A Node socket / DNS / TLS failure, reached directly or through `cause`. */
function transportError(err: unknown): (Obj & {code: string}) | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 5 && isObject(e); depth++) {
    const code = str(e.code);
    if (isTransportCode(code)) return e as Obj & {code: string};
    e = e.cause;
  }
  return undefined;
}

function transport(err: Obj & {code: string}, ctx: ErrorContext | undefined): AppError {
  const code = err.code;
  const request = isObject(err.request) ? err.request : undefined;
  const host =
    hostOf(request?.url) ??
    ((str(err.hostname) ?? str(err.host))
      ? `${str(err.hostname) ?? str(err.host)}${num(err.port) ? `:${err.port}` : ''}`
      : undefined) ??
    (str(err.address) ? `${err.address}${num(err.port) ? `:${err.port}` : ''}` : undefined) ??
    ctx?.host ??
    'the server';
  const what = ctx?.operation ? `Couldn't ${ctx.operation}` : 'Network failure';
  const message = str(err.message) ?? code;
  const cloudName = ctx?.cloud?.name;
  const fileNote = ctx?.cloud?.file ? ` (${ctx.cloud.file})` : '';

  if (TLS_CODES.has(code)) {
    const nextSteps: string[] = [];
    let hint: string;
    if (ctx?.cloud?.caCertFile) {
      hint = `The CA in caCertFile (${ctx.cloud.caCertFile}) did not verify ${host}.`;
      nextSteps.push(
        `Check that caCertFile in the cloud file${fileNote} is the CA that signed ${host}'s certificate; a local cloud makes a new CA each time it starts, so a cloud file from an earlier run is stale.`,
      );
    } else if (ctx?.cloud?.custom) {
      hint = `Trust the CA that signed ${host}'s certificate with the caCertFile option of the cloud file${fileNote}.`;
      nextSteps.push(
        `Add "caCertFile": "<path to the CA PEM>" to the cloud file${fileNote}; it is trusted for this cloud only.`,
      );
    } else {
      hint = `${host} presented a certificate that the system's CAs do not trust (a TLS-inspecting proxy?).`;
      nextSteps.push(
        'If a corporate proxy re-signs TLS, use a custom cloud file with its CA as caCertFile, or give Node the CA with NODE_EXTRA_CA_CERTS.',
      );
    }
    nextSteps.push('Certificate checks are never switched off.');
    return make(
      'network',
      `${what}: the TLS certificate of ${host} is not trusted`,
      `${message} (${code})`,
      {code, hint, nextSteps},
    );
  }
  if (DNS_CODES.has(code)) {
    return make('network', `${what}: cannot resolve ${host}`, `${message} (${code})`, {
      code,
      hint: `The name ${host.replace(/:\d+$/, '')} does not resolve. Check the network, a proxy or VPN, and the cloud${cloudName ? ` (${cloudName})` : ''}.`,
      nextSteps: [
        'Check your network connection and DNS.',
        ctx?.cloud?.custom
          ? `Check the endpoints in the cloud file${fileNote}.`
          : 'If you meant a sovereign or custom cloud, choose it with --cloud.',
      ],
    });
  }
  if (REFUSED_CODES.has(code)) {
    return make('network', `${what}: nothing answers at ${host}`, `${message} (${code})`, {
      code,
      hint: `The connection to ${host} was refused.`,
      nextSteps: [
        ctx?.cloud?.custom
          ? `If the cloud in ${ctx.cloud.file ?? 'the cloud file'} is a local one, start it and try again; its port may have changed.`
          : 'Check your network, proxy and firewall, then try again.',
      ],
    });
  }
  return make('network', `${what}: the connection to ${host} failed`, `${message} (${code})`, {
    code,
    hint: 'The network dropped or timed out the connection.',
    nextSteps: ['Try again; if it keeps failing, check your network, proxy or VPN.'],
  });
}

// ---------------------------------------------------------------- Entra ID (AADSTS)

interface AadFailure {
  title: string;
  hint?: string;
  nextSteps: string[];
  kind?: AppError['kind'];
}

const OAUTH_TO_AADSTS: Record<string, number> = {
  authorization_declined: 70019,
  expired_token: 70020,
  bad_verification_code: 70018,
};

function aadFailure(aadsts: number | undefined, oauth: string | undefined, ctx?: ErrorContext) {
  const code = aadsts ?? (oauth ? OAUTH_TO_AADSTS[oauth] : undefined);
  const tenant = 'Check the tenant ID (a GUID or a domain such as contoso.onmicrosoft.com).';
  const table: Record<number, AadFailure> = {
    7000215: {
      title: 'The client secret is wrong',
      hint: "Use the secret's value, not its ID (Certificates & secrets in the app registration).",
      nextSteps: [
        'Check the client secret value for this app registration.',
        'If it was lost or rotated, create a new secret and use that.',
      ],
    },
    7000222: {
      title: 'The client secret has expired',
      nextSteps: ['Create a new client secret for the app registration and sign in with it.'],
    },
    700016: {
      title: 'The application was not found in this tenant',
      hint: 'The client (application) ID is unknown in the tenant you signed in to.',
      nextSteps: ['Check the client ID.', tenant],
    },
    90002: {
      title: 'The tenant was not found',
      hint: `The tenant does not exist in ${ctx?.cloud?.name ?? 'this cloud'}.`,
      nextSteps: [tenant, 'Check that you chose the right cloud (--cloud).'],
    },
    900023: {
      title: 'The tenant ID is not valid',
      nextSteps: [tenant],
    },
    70020: {
      title: 'The device code expired before it was used',
      nextSteps: ['Start the device-code sign-in again and enter the new code within 15 minutes.'],
    },
    70019: {
      title: 'The sign-in request was declined',
      nextSteps: ['Start the sign-in again and approve it in the browser.'],
    },
    70018: {
      title: 'The device code was not recognised',
      nextSteps: ['Start the device-code sign-in again.'],
    },
    50034: {
      title: 'The user account does not exist in this tenant',
      nextSteps: ['Sign in with an account of this tenant, or choose the tenant of your account.'],
    },
    50126: {
      title: 'The user name or password is wrong',
      nextSteps: ['Sign in again with the right credentials.'],
    },
    50076: {
      title: 'Multi-factor authentication is required',
      nextSteps: ['Sign in with the device code or the browser, which can complete MFA.'],
    },
    50079: {
      title: 'Multi-factor authentication registration is required',
      nextSteps: ['Sign in with the browser to register MFA.'],
    },
    53003: {
      title: 'Blocked by a Conditional Access policy',
      nextSteps: ['Ask your tenant administrator which sign-in is allowed from this device.'],
    },
    65001: {
      title: 'Consent is needed for this application',
      nextSteps: ['Ask an administrator to grant consent to the application in the tenant.'],
    },
    700027: {
      title: 'The client certificate was not accepted',
      hint: 'The certificate does not match one registered for the application.',
      nextSteps: [
        'Upload the public certificate to the app registration, or use the matching certificate file.',
      ],
    },
    700024: {
      title: 'The client assertion is not within its valid time range',
      nextSteps: ["Check this machine's clock."],
    },
    70011: {
      title: 'The requested scope is not valid',
      nextSteps: ['Check managementScope and mlScope for this cloud.'],
    },
    500011: {
      title: 'The resource is not known in this tenant',
      hint: 'The scope names a resource that this tenant does not have: a scope from another cloud?',
      nextSteps: ['Check the cloud (--cloud) and its managementScope / mlScope.'],
    },
    9002313: {
      title: 'Your saved sign-in is no longer valid',
      nextSteps: ['Sign in again.'],
    },
    700082: {
      title: 'Your sign-in has expired',
      nextSteps: ['Sign in again.'],
    },
    70043: {
      title: 'Your sign-in has expired (Conditional Access sign-in frequency)',
      nextSteps: ['Sign in again.'],
    },
  };
  return {
    aadsts: code,
    known: code !== undefined ? table[code] : undefined,
  };
}

interface OAuthParts {
  oauth?: string;
  aadsts?: number;
  description: string;
  correlationId?: string;
}

/** Reads an Entra error from an AuthenticationError's `errorResponse` or an MSAL message. */
function oauthParts(err: Obj): OAuthParts {
  const response = isObject(err.errorResponse) ? err.errorResponse : undefined;
  const message = str(err.message) ?? '';
  const description =
    str(response?.errorDescription) ?? /Description:\s*(.*)$/s.exec(message)?.[1] ?? message;
  const codes = Array.isArray(response?.errorCodes) ? (response.errorCodes as unknown[]) : [];
  const fromText = /AADSTS(\d+)/.exec(description) ?? /AADSTS(\d+)/.exec(message);
  const fromList = /Error\(s\):\s*(\d+)/.exec(message);
  const aadsts =
    num(codes[0]) ?? (fromText ? Number(fromText[1]) : fromList ? Number(fromList[1]) : undefined);
  let oauth = str(response?.error);
  if (!oauth) {
    const m = /^([a-z_]+):\s*(?:Error\(s\)|([a-z_]+)\s*$)/.exec(message);
    oauth = m ? (m[1] === 'post_request_failed' && m[2] ? m[2] : m[1]) : undefined;
  }
  const correlationId =
    str(response?.correlationId) ?? /Correlation ID:\s*([0-9a-f-]{36})/i.exec(message)?.[1];
  return {
    ...(oauth ? {oauth} : {}),
    ...(aadsts !== undefined ? {aadsts} : {}),
    description: firstLine(description.replace(/^AADSTS\d+:\s*/, '')) || message,
    ...(correlationId ? {correlationId} : {}),
  };
}

function entra(err: Obj, ctx: ErrorContext | undefined): AppError {
  const parts = oauthParts(err);
  const {aadsts, known} = aadFailure(parts.aadsts, parts.oauth, ctx);
  const code = aadsts !== undefined ? `AADSTS${aadsts}` : parts.oauth;
  const status = num(err.statusCode);
  const title = known?.title ?? `Sign-in failed${ctx?.operation ? ` (${ctx.operation})` : ''}`;
  return make(known?.kind ?? 'auth', title, parts.description, {
    code,
    status: status && status > 0 ? status : undefined,
    requestId: parts.correlationId,
    hint: known?.hint,
    nextSteps: known?.nextSteps ?? [
      'Check the sign-in details (tenant, client ID, secret or certificate) and try again.',
    ],
  });
}

// ---------------------------------------------------------------- credentials unavailable

function unavailable(err: Obj, ctx: ErrorContext | undefined): AppError {
  const message = str(err.message) ?? 'The credential is not available.';
  const other = 'Or choose another sign-in method (device code works everywhere).';
  if (/Azure CLI could not be found|az: not found|'az' is not recognized/i.test(message)) {
    return make('auth', 'The Azure CLI is not installed', firstLine(message), {
      code: 'AzureCliNotFound',
      hint: 'Signing in "with the Azure CLI" reuses an `az login` session.',
      nextSteps: ['Install the Azure CLI (https://aka.ms/azure-cli) and run `az login`.', other],
    });
  }
  if (/az login|az account|not logged in/i.test(message)) {
    const custom = ctx?.cloud?.custom
      ? ' (for a custom cloud, `az cloud register` it and `az cloud set` first)'
      : '';
    return make('auth', 'The Azure CLI is not signed in', firstLine(message), {
      code: 'AzureCliNotLoggedIn',
      nextSteps: [`Run \`az login\`${custom}, then sign in again here.`, other],
    });
  }
  if (/endpoints_resolution_error/.test(message)) {
    const authority = ctx?.cloud?.authorityHost ?? 'the sign-in authority';
    return make('auth', `Couldn't reach the sign-in service at ${authority}`, firstLine(message), {
      code: 'endpoints_resolution_error',
      hint: 'The authority, the tenant, the network or TLS trust is wrong.',
      nextSteps: [
        'Check the tenant ID and the cloud (--cloud).',
        'Check the network and, for a custom cloud, its caCertFile.',
      ],
    });
  }
  if (/EnvironmentCredential/i.test(message)) {
    return make('auth', 'The environment holds no service principal', firstLine(message), {
      code: 'EnvironmentCredentialUnavailable',
      nextSteps: [
        'Set AZURE_TENANT_ID and AZURE_CLIENT_ID, plus AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH.',
        other,
      ],
    });
  }
  if (/ManagedIdentityCredential|IMDS|managed identity/i.test(message)) {
    return make('auth', 'No managed identity is available here', firstLine(message), {
      code: 'ManagedIdentityUnavailable',
      hint: 'A managed identity exists only on Azure compute (a VM, App Service, a container, …).',
      nextSteps: [
        'Run on Azure compute with a managed identity, or give the client ID of a user-assigned identity.',
        other,
      ],
    });
  }
  return make('auth', 'This sign-in method is not available', firstLine(message), {
    code: 'CredentialUnavailable',
    nextSteps: [other],
  });
}

// ---------------------------------------------------------------- Resource Manager

const ML = 'microsoft.machinelearningservices/workspaces';

/**
 * Built-in roles that grant an action, least privilege first. Used to explain a 403 and, in
 * part 2, to suggest role assignments.
 */
export function rolesForAction(action: string): string[] {
  const a = action.toLowerCase();
  if (a.startsWith('microsoft.authorization/')) {
    return a.endsWith('/read')
      ? ['Reader', 'User Access Administrator', 'Owner']
      : ['User Access Administrator', 'Owner'];
  }
  if (a.startsWith(`${ML}/`)) {
    const rest = a.slice(ML.length + 1);
    const workspaceItself = !rest.includes('/') || rest === 'listkeys/action';
    if (
      workspaceItself ||
      /^(computes|hubs|featurestores)\/.*(write|delete|listkeys\/action)$/.test(rest)
    ) {
      return a.endsWith('/read') ? ['Reader', 'AzureML Data Scientist'] : ['Contributor', 'Owner'];
    }
    if (a.endsWith('/read')) return ['Reader', 'AzureML Data Scientist', 'Contributor'];
    return ['AzureML Data Scientist', 'Contributor', 'Owner'];
  }
  if (a.endsWith('/read')) return ['Reader', 'Contributor', 'Owner'];
  return ['Contributor', 'Owner'];
}

/** The scope worth assigning a role at: the workspace for anything inside one. */
function assignmentScope(scope: string): string {
  const m = /^(.*\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+)/i.exec(scope);
  return m ? m[1]! : scope;
}

function permissionDenied(
  code: string,
  message: string,
  base: Partial<AppError>,
  ctx: ErrorContext | undefined,
): AppError {
  const perm = /perform action '([^']+)' (?:over|on) scope '([^']+)'/i.exec(message);
  const client = /client '([^']+)' with object id '([^']+)'/i.exec(message);
  const what = ctx?.operation ? `Can't ${ctx.operation}` : 'Permission denied';
  if (code === 'RequestDisallowedByPolicy') {
    return make('permission', `${what}: blocked by Azure Policy`, message, {
      ...base,
      nextSteps: ['Ask the owner of the policy assignment named in the message for an exemption.'],
    });
  }
  if (!perm) {
    return make('permission', `${what}: permission denied`, message, {
      ...base,
      nextSteps: [
        `Ask an Owner of ${ctx?.scope ?? 'the resource'} for a role that allows this.`,
        'If access was granted in the last few minutes, sign in again.',
      ],
    });
  }
  const action = perm[1]!;
  const scope = perm[2]!;
  const roles = rolesForAction(action);
  const role = roles[0]!;
  const at = assignmentScope(scope);
  const who = client ? client[1]! : 'you';
  const objectId = client?.[2];
  const rbacWrite = /^microsoft\.authorization\/(roleassignments|roledefinitions)\/write$/i.exec(
    action,
  );
  if (rbacWrite) {
    const assigning = rbacWrite[1]!.toLowerCase() === 'roleassignments';
    return make(
      'permission',
      assigning ? "You can't assign roles here" : "You can't create custom roles here",
      message,
      {
        ...base,
        hint: `${assigning ? 'Assigning roles' : 'Creating custom roles'} at ${scope} needs '${action}' (Owner or User Access Administrator); ${who} does not have it there.`,
        nextSteps: [
          `Hand the commands shown to an admin (an Owner or User Access Administrator of ${at}) to run.`,
          'Or ask them to make you User Access Administrator there, then sign in again.',
        ],
      },
    );
  }
  return make('permission', `${what}: missing permission`, message, {
    ...base,
    hint: `${who} lacks '${action}' at ${scope}. Roles that grant it: ${roles.join(', ')}.`,
    nextSteps: [
      `Ask an Owner or User Access Administrator to assign "${role}" to ${who} at ${at}.`,
      ...(objectId
        ? [
            `With the Azure CLI: az role assignment create --assignee ${objectId} --role "${role}" --scope ${at}`,
          ]
        : []),
      'If access was granted in the last few minutes, sign in again so your token carries it.',
    ],
  });
}

/** Microsoft.Authorization failures that have a clearer reading than their HTTP status. */
function roleError(
  code: string,
  message: string,
  detail: string,
  base: Partial<AppError>,
): AppError | undefined {
  switch (code) {
    case 'PrincipalNotFound':
      return make('notFound', 'No principal with that object ID in this directory', detail, {
        ...base,
        hint: "Role assignments take the principal's object ID. For an app that is its service principal's object ID, not the application (client) ID. A principal created moments ago may not have replicated yet.",
        nextSteps: [
          'Check the object ID: `az ad user show --id <upn> --query id`, `az ad sp show --id <appId> --query id` or `az ad group show --group <name> --query id`.',
          'If the principal was just created, wait a minute and try again.',
        ],
      });
    case 'UnmatchedPrincipalType': {
      const m = /has type '([^']+)'.*specified \w+ '([^']+)'/i.exec(message);
      return make(
        'invalid',
        m ? `That principal is a ${m[1]}, not a ${m[2]}` : 'The principal type does not match',
        detail,
        {
          ...base,
          nextSteps: [
            m
              ? `Choose the principal type ${m[1]} and assign again.`
              : 'Choose the principal type that matches the object ID (User, Group or ServicePrincipal).',
          ],
        },
      );
    }
    case 'RoleAssignmentExists':
      return make('conflict', 'This role assignment already exists', detail, {
        ...base,
        nextSteps: ['Nothing to do: the principal already has this role at this scope.'],
      });
    case 'RoleDefinitionWithSameNameExists':
      return make('conflict', 'A custom role with this name already exists', detail, {
        ...base,
        hint: 'Role names are unique in a directory; the existing role may be assignable only elsewhere.',
        nextSteps: [
          'Reuse the existing role (add this scope to its assignable scopes), or choose another name.',
        ],
      });
    case 'RoleDefinitionDoesNotExist':
      return make('notFound', 'That role is not available at this scope', detail, {
        ...base,
        hint: 'A custom role can be assigned only at or below its assignable scopes.',
        nextSteps: ["Choose another scope, or add this scope to the role's assignable scopes."],
      });
    default:
      return undefined;
  }
}

function arm(err: Obj, ctx: ErrorContext | undefined): AppError {
  const status = num(err.statusCode);
  const details = isObject(err.details) ? err.details : undefined;
  const body = isObject(details?.error) ? (details.error as Obj) : details;
  const code = str(err.code) ?? str(body?.code);
  const message = str(body?.message) ?? str(err.message) ?? `HTTP ${status}`;
  const requestId =
    header(err.response, 'x-ms-request-id') ??
    header(err.response, 'x-ms-correlation-request-id') ??
    header(err.response, 'x-request-id');
  const base = {code, status, requestId};
  const op = ctx?.operation ?? 'complete the request';
  const subDetails = Array.isArray(body?.details)
    ? (body.details as unknown[])
        .filter(isObject)
        .map((d) => str(d.message))
        .filter((m): m is string => Boolean(m) && m !== message)
    : [];
  const detail = [message, ...subDetails].join(' ');

  const rbac = code ? roleError(code, message, detail, base) : undefined;
  if (rbac) return rbac;
  if (status === 401) {
    if (code === 'ExpiredAuthenticationToken') {
      return make('auth', 'Your sign-in has expired', detail, {
        ...base,
        hint: 'The management token expired and could not be refreshed.',
        nextSteps: ['Sign in again.'],
      });
    }
    if (code === 'InvalidAuthenticationTokenTenant') {
      const tenant = /tenant '(?:https:\/\/[^/]+\/)?([^'/]+)\/?'/i.exec(message)?.[1];
      return make('auth', 'Signed in to the wrong tenant for this subscription', detail, {
        ...base,
        nextSteps: [
          tenant
            ? `Sign in again with tenant ${tenant}.`
            : 'Sign in again with the tenant that owns the subscription.',
        ],
      });
    }
    if (code === 'InvalidAuthenticationTokenAudience') {
      return make('auth', 'The token is for another service', detail, {
        ...base,
        hint: `Resource Manager needs a token for ${ctx?.cloud?.managementScope ?? 'its management scope'}.`,
        nextSteps: ["Check the cloud's managementScope, then sign in again."],
      });
    }
    return make('auth', `Can't ${op}: not signed in or the token was refused`, detail, {
      ...base,
      nextSteps: ['Sign in again.'],
    });
  }
  if (status === 403) return permissionDenied(code ?? '', message, base, ctx);
  if (status === 404) {
    return make('notFound', `Can't ${op}: not found`, detail, {
      ...base,
      nextSteps: [
        ctx?.scope
          ? `Check that ${ctx.scope} exists and the name is spelled right.`
          : 'Check the names and the subscription.',
        'It may have been deleted, or be in another subscription or tenant.',
      ],
    });
  }
  if (status === 409) {
    return make('conflict', `Can't ${op}: conflict`, detail, {
      ...base,
      hint: 'Another operation on this resource is in progress, or the resource already exists.',
      nextSteps: ['Wait for the current operation to finish, then try again.'],
    });
  }
  if (status === 429) {
    const after = header(err.response, 'retry-after');
    return make('throttled', `Can't ${op}: Azure is throttling requests`, detail, {
      ...base,
      hint: after ? `Azure asked to wait ${after} s.` : 'Too many requests in a short time.',
      nextSteps: ['Wait a moment and try again.'],
    });
  }
  if (status !== undefined && status >= 400 && status < 500) {
    return make('invalid', `Azure rejected the request to ${op}`, detail, {
      ...base,
      nextSteps: ['Check the values given; the message above names the field.'],
    });
  }
  if (status !== undefined && status >= 500) {
    return make('unknown', `Can't ${op}: Azure had a server error`, detail, {
      ...base,
      nextSteps: [
        'Try again in a minute.',
        requestId
          ? `If it keeps failing, give request ID ${requestId} to Azure support.`
          : 'If it keeps failing, check https://status.azure.com.',
      ],
    });
  }
  return make('unknown', `Can't ${op}`, detail, {...base, nextSteps: ['Try again.']});
}

// ---------------------------------------------------------------- entry point

/** Explains any failure from the SDKs, Node or this app as an AppError. Never includes a secret. */
export function toAppError(err: unknown, context?: ErrorContext): AppError {
  if (isServiceError(err)) return err.appError;
  return finish(classify(err, context), context, err);
}

function classify(err: unknown, ctx: ErrorContext | undefined): AppError {
  if (!isObject(err)) {
    return make(
      'unknown',
      ctx?.operation ? `Couldn't ${ctx.operation}` : 'Something failed',
      String(err),
    );
  }
  const name = str(err.name) ?? '';
  const message = str(err.message) ?? '';

  if (
    name === 'AbortError' ||
    (name === 'Error' && /aborted/i.test(message) && err.code === 'ABORT_ERR')
  ) {
    return make(
      'cancelled',
      ctx?.operation ? `Cancelled: ${ctx.operation}` : 'Cancelled',
      'The operation was cancelled.',
      {
        nextSteps: [],
      },
    );
  }
  if (name === 'CloudError') {
    return make('invalid', 'The cloud configuration is not usable', message, {
      nextSteps: ['Fix the cloud file or choose a built-in cloud with --cloud.'],
    });
  }
  if (name === 'TokenDecodeError') {
    return make('invalid', 'The token could not be decoded', message, {nextSteps: []});
  }
  if (name === 'AggregateAuthenticationError') {
    const errors = Array.isArray(err.errors) ? err.errors : [];
    const lines = errors
      .filter(isObject)
      .map((e) => firstLine(str(e.message) ?? String(e)))
      .filter(Boolean);
    return make('auth', 'No credential in the chain could sign in', lines.join(' | ') || message, {
      code: 'AggregateAuthenticationError',
      hint: 'DefaultAzureCredential tries the environment, workload identity, managed identity and the Azure CLI, in that order.',
      nextSteps: [
        'Choose one sign-in method explicitly (device code works everywhere).',
        'Or prepare one of them, e.g. run `az login`.',
      ],
    });
  }
  if (name === 'CredentialUnavailableError') return unavailable(err, ctx);
  if (
    name === 'AuthenticationRequiredError' &&
    /Automatic authentication has been disabled/.test(message)
  ) {
    return make(
      'auth',
      'Your sign-in needs to be renewed',
      'The saved sign-in can no longer get tokens silently.',
      {
        code: 'AuthenticationRequired',
        nextSteps: ['Sign in again.'],
      },
    );
  }
  if (
    name === 'AuthenticationError' ||
    name === 'AuthenticationRequiredError' ||
    /AADSTS\d+/.test(message) ||
    isObject(err.errorResponse)
  ) {
    return entra(err, ctx);
  }
  const wire = transportError(err);
  if (wire) return transport(wire, ctx);
  if (name === 'RestError' || num(err.statusCode) !== undefined) return arm(err, ctx);
  const what = ctx?.operation ? `Couldn't ${ctx.operation}` : 'Something failed';
  return make('unknown', what, firstLine(message) || capitalise(name || 'error'), {
    nextSteps: ['Try again; run with --debug to see the details.'],
  });
}
