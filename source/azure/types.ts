/**
 * The typed surface between Azure and everything else. The UI (source/app) and the scriptable
 * commands (source/commands) import only these types and the Services they describe — never
 * `@azure/*` — so a screen test can hand them a fake and the same screen runs against Azure.
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

/** What a sign-in needs besides the method. Secrets here live in memory only. */
export interface SignInParams {
  tenantId?: string;
  clientId?: string;
  /** Never stored; typed into a masked field or read from AZURE_CLIENT_SECRET. */
  clientSecret?: string;
  certificatePath?: string;
  /** Serialized @azure/identity AuthenticationRecord from a profile: silent sign-in across runs. */
  authenticationRecord?: string;
}

export interface DeviceCodePrompt {
  userCode: string;
  verificationUri: string;
  message: string;
  expiresOn: Date;
}

export interface SignInCallbacks {
  onDeviceCode?: (prompt: DeviceCodePrompt) => void;
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
  managementToken: AccessTokenInfo;
  /** Serialized AuthenticationRecord (no secrets), for interactive methods. */
  authenticationRecord?: string;
  /** How tokens persist across runs: the OS keyring, or memory only. */
  tokenCache: 'keyring' | 'memory';
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
  scoringUri?: string;
  description?: string;
  identityType?: string;
  kind?: string;
}

export interface Deployment {
  name: string;
  provisioningState?: string;
  trafficPercent: number;
  model?: string;
  instanceType?: string;
}

export interface CreateEndpointInput {
  location: string;
  authMode: AuthMode;
  identityType: 'SystemAssigned' | 'None';
  description?: string;
}

export interface OperationProgress {
  provisioningState: ProvisioningState;
  elapsedMs: number;
}

/** A failure explained for a person: what failed, Azure's words, and what to do next. */
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
  /** The original error, for `--debug` only. Not enumerable: never serialised or rendered. */
  cause?: unknown;
}

/** Everything the wizard and the commands ask of Azure. Every call takes an AbortSignal. */
export interface Services {
  readonly cloud: CloudConfig;
  signIn(
    method: SignInMethod,
    params: SignInParams,
    callbacks: SignInCallbacks,
    signal?: AbortSignal,
  ): Promise<SignInResult>;
  /** A fresh management token from the current sign-in (for the header countdown). */
  managementToken(signal?: AbortSignal): Promise<AccessTokenInfo>;
  listSubscriptions(signal?: AbortSignal): Promise<Subscription[]>;
  listWorkspaces(subscriptionId: string, signal?: AbortSignal): Promise<Workspace[]>;
  listEndpoints(workspace: Workspace, signal?: AbortSignal): Promise<Endpoint[]>;
  getEndpoint(ref: EndpointRef, signal?: AbortSignal): Promise<Endpoint>;
  listDeployments(ref: EndpointRef, signal?: AbortSignal): Promise<Deployment[]>;
  /** Long-running: resolves when provisioning reaches Succeeded; rejects on Failed/Canceled. */
  createEndpoint(
    ref: EndpointRef,
    input: CreateEndpointInput,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<Endpoint>;
  /** A full PUT of the endpoint with the new auth mode (PATCH cannot change it). */
  setAuthMode(
    endpoint: Endpoint,
    mode: AuthMode,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<Endpoint>;
  /** Explains any failure of these calls for a person (the UI never sees raw SDK errors). */
  explainError(err: unknown, operation: string): AppError;
  /** Waits until an endpoint leaves Creating/Updating. */
  waitForEndpoint(
    ref: EndpointRef,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<Endpoint>;
}
