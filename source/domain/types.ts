/**
 * The plain Azure ML types shared by every layer: no `@azure/*` import, no I/O. The UI
 * (source/app) and the scriptable commands (source/commands) import these and the Services
 * interface (services.ts) — never `@azure/*` — so a screen test can hand them a fake.
 */

/** A cloud: the public ones (AzureCloud, AzureChinaCloud, AzureUSGovernment) or a custom file. */
export interface CloudConfig {
  name: string;
  /** `https://management.azure.com/` — always with a trailing slash. */
  resourceManagerEndpoint: string;
  /** `https://login.microsoftonline.com` — no trailing slash. */
  authorityHost: string;
  /** Scope for Resource Manager tokens, e.g. `https://management.azure.com/.default`. */
  managementScope: string;
  /** Scope for scoring with Entra tokens, e.g. `https://ml.azure.com/.default`. */
  mlScope: string;
  /**
   * Microsoft Graph, where principals are looked up (`https://graph.microsoft.com/`, with a
   * trailing slash); a custom cloud without one cannot resolve a UPN or an app ID.
   */
  graphEndpoint?: string;
  /** Scope for Graph tokens (default: the Graph endpoint's origin + `/.default`). */
  graphScope?: string;
  /**
   * The Log Analytics query API, e.g. `https://api.loganalytics.io` (no trailing slash, no `/v1`),
   * and the scope of its tokens (`https://api.loganalytics.io/.default`). A custom cloud may have
   * none: then the traffic log cannot be read there.
   */
  logAnalyticsEndpoint?: string;
  logAnalyticsScope?: string;
  /**
   * Principals the cloud file names (the sandbox's lists its users and applications): object ID
   * → name, so a traffic log's `IdentityData` can be shown as a name.
   */
  principals?: {objectId: string; name: string}[];
  /** Default tenant for sign-in, if the cloud names one (custom clouds may). */
  tenantId?: string;
  /** Extra CA (PEM) trusted for this cloud only. */
  caPem?: string;
  caCertFile?: string;
  /** Where a custom cloud was read from. */
  file?: string;
  /** True for clouds that are not one of Azure's public clouds (instance discovery is off). */
  custom: boolean;
}

export type AuthModeWire = 'Key' | 'AMLToken' | 'AADToken';
/** The names users see, as in the Azure CLI and docs. */
export type AuthMode = 'key' | 'aml_token' | 'aad_token';

export type SignInMethod =
  | 'cli'
  | 'device-code'
  | 'browser'
  | 'service-principal'
  | 'service-principal-certificate'
  | 'managed-identity'
  | 'environment'
  | 'default';

/** The methods whose sign-in a person does (a code, a browser): the ones a token cache saves. */
export function isInteractive(method: SignInMethod): boolean {
  return method === 'device-code' || method === 'browser';
}

/** What a sign-in needs besides the method. Secrets here live in memory only. */
export interface SignInParams {
  tenantId?: string;
  clientId?: string;
  /** Never stored; typed into a masked field or read from AZURE_CLIENT_SECRET. */
  clientSecret?: string;
  certificatePath?: string;
  /** Serialized @azure/identity AuthenticationRecord from a profile: silent sign-in across runs. */
  authenticationRecord?: string;
  /**
   * The scope of the token that proves the sign-in (default: the management scope). A command
   * that needs only a data-plane token (an aad_token endpoint) asks for the ML scope, so signing
   * in costs no extra token request.
   */
  scope?: string;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresOn: Date;
}

/**
 * The browser sign-in's page: opened in a browser here, or (`opened` false, with the reason)
 * to open by hand while the sign-in waits for the redirect on the loopback `port`.
 */
export interface BrowserPrompt {
  url: string;
  opened: boolean;
  /** Why no browser could be opened here, e.g. "xdg-open is not installed". */
  reason?: string;
  /** The loopback port the redirect comes back to (for an SSH port forward). */
  port?: number;
}

export interface SignInCallbacks {
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
  /** Browser sign-in: the page was opened, or could not be and must be opened by hand. */
  onBrowser?: (prompt: BrowserPrompt) => void;
  /** Where this sign-in's tokens will live, known before any prompt (device code, browser). */
  onTokenCache?: (cache: TokenCacheInfo) => void;
}

/**
 * How tokens should persist across runs (`--token-cache`, `AML_AUTH_TOKEN_CACHE`):
 * - `auto`: the OS keyring when a write/read/delete probe of it succeeds, else memory only;
 * - `keyring`: the OS keyring or a clear failure;
 * - `memory`: never persisted;
 * - `plaintext`: explicit opt-in to an unencrypted file (0600) where no keyring works; the keyring
 *   is still preferred when it does.
 */
export const TOKEN_CACHE_MODES = ['auto', 'keyring', 'memory', 'plaintext'] as const;
export type TokenCacheMode = (typeof TOKEN_CACHE_MODES)[number];

/** Where a sign-in's tokens actually live. */
export interface TokenCacheInfo {
  kind: 'keyring' | 'plaintext' | 'memory';
  /** Why it is memory (no keyring, the method needs no cache, --token-cache memory). */
  reason?: string;
  /** The unencrypted cache file (plaintext only). */
  path?: string;
}

/** Who is signed in, read from the management token's claims. */
export interface Identity {
  kind: 'user' | 'servicePrincipal' | 'managedIdentity';
  /** UPN for users, app (client) ID for applications. */
  name: string;
  displayName?: string;
  objectId: string;
  tenantId: string;
  /** The client the token was issued to. */
  appId?: string;
}

export interface AccessTokenInfo {
  token: string;
  expiresOn: number;
  refreshAfter?: number;
}

export interface SignInResult {
  identity: Identity;
  /** The token that proved the sign-in: for the management scope unless SignInParams.scope named another. */
  managementToken: AccessTokenInfo;
  /** Serialized AuthenticationRecord (no secrets), for interactive methods. */
  authenticationRecord?: string;
  /** How tokens persist across runs: the OS keyring, an opted-in plaintext file, or memory only. */
  tokenCache: TokenCacheInfo;
}

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  state: string;
  tenantId?: string;
}

export interface Workspace {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  subscriptionId: string;
  friendlyName?: string;
}

export interface EndpointRef {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  endpoint: string;
}

export type ProvisioningState =
  'Creating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Updating' | 'Canceled' | string;

export interface Endpoint extends EndpointRef {
  id: string;
  location: string;
  authMode: AuthMode;
  provisioningState: ProvisioningState;
  traffic: Record<string, number>;
  /** The deployment that gets a copy of some live requests, and its share (absent: none). */
  mirrorTraffic?: Record<string, number>;
  scoringUri?: string;
  description?: string;
  identityType?: string;
  kind?: string;
  tags?: Record<string, string>;
}

export interface Deployment {
  name: string;
  provisioningState?: string;
  trafficPercent: number;
  /** Its share of the endpoint's mirror traffic (0 when none). */
  mirrorPercent?: number;
  /** The model as a short reference (`azureml:name:version`), or as Azure gave it. */
  model?: string;
  /** The model version's ARM ID. */
  modelId?: string;
  /** The environment as a short reference (`azureml:name:version`, or a registry URI). */
  environment?: string;
  instanceType?: string;
  instanceCount?: number;
  /** `Default` or `TargetUtilization`. */
  scaleType?: string;
  /** TargetUtilization scale settings: min and max instances. */
  scaleRange?: {min?: number; max?: number};
  requestTimeoutMs?: number;
  maxConcurrentRequestsPerInstance?: number;
  description?: string;
}

export interface CreateEndpointInput {
  location: string;
  authMode: AuthMode;
  identityType: 'SystemAssigned' | 'None';
  description?: string;
  tags?: Record<string, string>;
}

/** How a long-running endpoint operation is awaited: to the end (default) or only until Azure accepts it. */
export interface OperationOptions {
  /** Return once Azure has accepted the request (`--no-wait`), not when it has finished. */
  noWait?: boolean;
}

export interface OperationProgress {
  provisioningState: ProvisioningState;
  elapsedMs: number;
}

/** A failure explained for a person: what failed, Azure's words, and what to do next. */
/**
 * A Resource Manager call that failed and that the SDK's retry policy sends again: a throttled
 * answer (429/503, waiting `retryInSeconds` from Retry-After), a server error or a lost connection
 * (exponential back-off). Told so the wait is visible, not a silent pause.
 */
export interface RetryNotice {
  /** host[:port] of the service. */
  host: string;
  /** The status that is retried; undefined for a connection failure. */
  status?: number;
  /** The connection failure's code (ECONNRESET, …). */
  code?: string;
  retryInSeconds?: number;
  /** The attempt that failed (1 = the first request) and the most attempts the policy makes. */
  attempt: number;
  maxAttempts: number;
}

export interface AppError {
  title: string;
  detail: string;
  /** Azure's error code (`AuthorizationFailed`, `AADSTS7000215`, `ENOTFOUND`, …). */
  code?: string;
  status?: number;
  requestId?: string;
  hint?: string;
  nextSteps: string[];
  /** What kind of failure it is: maps to a command exit code (`cancelled` → 130). */
  kind:
    | 'auth'
    | 'permission'
    | 'notFound'
    | 'network'
    | 'invalid'
    | 'conflict'
    | 'throttled'
    | 'cancelled'
    | 'unknown';
  /**
   * The sign-in can no longer get tokens (refused as expired after a fresh try, revoked, or an
   * interaction is required): only signing in again helps. The wizard offers it in place.
   */
  signInAgain?: true;
  /** The original error, for `--debug` only. Not enumerable: never serialised or rendered. */
  cause?: unknown;
}

// ---------------------------------------------------------------- access, credentials, scoring

/** One block of a role's permissions, as Azure's permissions API returns them. */
export interface PermissionBlock {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

/** A role definition assigned to the principal that the caller may not read (403) or find (404). */
export interface UnreadableRole {
  /** The role definition ID the assignment names. */
  roleDefinitionId: string;
  /** Where it is assigned. */
  scope: string;
  /** Why it could not be read: Azure's error code and message, in short. */
  reason: string;
}

/** Another principal's effective permissions, and the definitions that could not be read. */
export interface PrincipalPermissions {
  blocks: PermissionBlock[];
  /** The check went on without these: it may miss what they grant. */
  unreadable: UnreadableRole[];
}

export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal';

/** Whose access we look at or grant: the signed-in identity, or another principal by object ID. */
export interface PrincipalRef {
  objectId: string;
  type: PrincipalType;
  /** UPN or name, when known, for display. */
  label?: string;
}

export interface RoleAssignmentInfo {
  /** The assignment's full ARM ID. */
  id: string;
  /** The assignment GUID. */
  name: string;
  scope: string;
  roleDefinitionId: string;
  /** Resolved from the definition; the GUID when it cannot be read. */
  roleName: string;
  principalId: string;
  principalType: string;
  /** True when made at a scope above the one asked about. */
  inherited: boolean;
}

/** A role to create (custom) or use (built-in): the templates in assets/roles and Azure's built-ins. */
export interface RoleTemplate {
  roleName: string;
  description: string;
  /** Built-in roles carry their well-known GUID; custom templates have none. */
  builtInId?: string;
  permissions: PermissionBlock[];
}

export interface RoleDefinitionResult {
  /** Full role definition ID to put in an assignment. */
  id: string;
  roleName: string;
  /** False when a custom role of the same name already existed and was reused. */
  created: boolean;
}

/** A role definition as Azure holds it (built-in or custom). */
export interface RoleDefinitionInfo {
  /** The full role definition ID. */
  id: string;
  /** The role GUID. */
  name: string;
  roleName: string;
  description: string;
  roleType: 'BuiltInRole' | 'CustomRole';
  permissions: PermissionBlock[];
  assignableScopes: string[];
}

/** A custom role to define: its name, what it grants, and where it may be assigned. */
export interface CustomRoleDefinition {
  roleName: string;
  description: string;
  permissions: PermissionBlock[];
  /** Fully resolved scopes (no placeholders). */
  assignableScopes: string[];
}

/**
 * What defining a custom role did: `created`; `unchanged` (one of that name, identical, reused);
 * `updated` (differed, and an update was asked for); `differs` (differs, nothing written).
 */
export interface DefineRoleResult {
  outcome: 'created' | 'unchanged' | 'updated' | 'differs';
  role: RoleDefinitionInfo;
  /** For `differs` and `updated`: what differs, one short phrase each. */
  differences: string[];
}

/** A principal found in the directory (Microsoft Graph) from an object ID, a UPN or an app ID. */
export interface DirectoryPrincipal extends PrincipalRef {
  label: string;
  /** How the assignee was matched. */
  matchedBy: 'objectId' | 'userPrincipalName' | 'appId';
  appId?: string;
}

export interface AssignRoleResult {
  assignment: RoleAssignmentInfo;
  /** True when an identical assignment already existed (nothing was created). */
  existed: boolean;
}

export interface EndpointKeys {
  primaryKey: string;
  secondaryKey: string;
}

/** A data-plane credential with its lifetime (epoch ms). Keys have no expiry. */
export interface ScoringCredential {
  kind: 'key' | 'aml_token' | 'aad_token';
  value: string;
  expiresOn?: number;
  refreshAfter?: number;
  /** For keys: which one. */
  which?: 'primary' | 'secondary';
}

export interface InvokeRequest {
  scoringUri: string;
  /** The key or token sent as `Authorization: Bearer …`. */
  credential: string;
  body: string | Buffer;
  /** Sent as `azureml-model-deployment` to target one deployment. */
  deployment?: string;
  timeoutMs?: number;
}

export interface InvokeResult {
  status: number;
  latencyMs: number;
  /** The deployment that answered (`azureml-model-deployment`). */
  deployment?: string;
  requestId?: string;
  contentType?: string;
  body: string;
  /** Response headers, lower-cased, with nothing secret in them. */
  headers: Record<string, string>;
  /** From `ms-azureml-model-error-statuscode` / `-reason` (424). */
  modelError?: {statusCode?: string; reason?: string};
  /** Seconds from `Retry-After` (429, 503). */
  retryAfterSeconds?: number;
  /** From `WWW-Authenticate` on 401: the server's reason. */
  authError?: string;
  /**
   * Set when no answer came (a dropped connection, a refused one, a TLS failure) during a repeated
   * run: the failure in one line. `status` is then 0 and the run went on.
   */
  transportError?: string;
}
