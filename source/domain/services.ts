/**
 * The Services interface: everything the wizard and the commands ask of Azure. source/azure
 * implements it (createServices); the UI and the commands depend on this interface only, so a
 * screen test can hand them a fake.
 */
import type {
  AccessTokenInfo,
  AppError,
  AssignRoleResult,
  AuthMode,
  CloudConfig,
  CreateEndpointInput,
  Deployment,
  Endpoint,
  EndpointKeys,
  EndpointRef,
  InvokeRequest,
  InvokeResult,
  OperationProgress,
  PermissionBlock,
  PrincipalPermissions,
  PrincipalRef,
  RoleAssignmentInfo,
  RoleDefinitionResult,
  RoleTemplate,
  ScoringCredential,
  SignInCallbacks,
  SignInMethod,
  SignInParams,
  SignInResult,
  Subscription,
  Workspace,
} from './types';
import type {RepeatSummary} from './scoring';

/** Called after each page of a list with every item so far (a new array each time). */
export type OnPage<T> = (soFar: readonly T[]) => void;

/** Everything the wizard and the commands ask of Azure. Every call takes an AbortSignal. */
export interface Services extends AccessServices, WorkflowServices {
  readonly cloud: CloudConfig;
  signIn(
    method: SignInMethod,
    params: SignInParams,
    callbacks: SignInCallbacks,
    signal?: AbortSignal,
  ): Promise<SignInResult>;
  /** A fresh management token from the current sign-in (for the header countdown). */
  managementToken(signal?: AbortSignal): Promise<AccessTokenInfo>;
  /**
   * The lists resolve with every item once the last page is in; `onPage`, if given, is called
   * after each page with the items so far, so a screen can show the first rows at once.
   */
  listSubscriptions(signal?: AbortSignal, onPage?: OnPage<Subscription>): Promise<Subscription[]>;
  listWorkspaces(
    subscriptionId: string,
    signal?: AbortSignal,
    onPage?: OnPage<Workspace>,
  ): Promise<Workspace[]>;
  listEndpoints(
    workspace: Workspace,
    signal?: AbortSignal,
    onPage?: OnPage<Endpoint>,
  ): Promise<Endpoint[]>;
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

/** The access part of the Services: roles and permissions, credentials, scoring. */
export interface AccessServices {
  /** The signed-in identity's effective permissions at the endpoint (Azure's permissions API). */
  myPermissions(ref: EndpointRef, signal?: AbortSignal): Promise<PermissionBlock[]>;
  /**
   * Another principal's permissions at the endpoint, computed from the role assignments that
   * apply there (at or above the endpoint) and their role definitions. Needs roleAssignments/read.
   * A definition the caller may not read (or find) does not stop it: it is listed in `unreadable`.
   */
  principalPermissions(
    principal: PrincipalRef,
    ref: EndpointRef,
    signal?: AbortSignal,
  ): Promise<PrincipalPermissions>;
  /** Role assignments at the scope and above it (inherited), like `az role assignment list --scope S --include-inherited`. */
  listRoleAssignments(scope: string, signal?: AbortSignal): Promise<RoleAssignmentInfo[]>;
  /** A built-in role's ID at the scope, or a custom role created (or reused by name) with the given assignable scope. */
  ensureRoleDefinition(
    template: RoleTemplate,
    assignableScope: string,
    signal?: AbortSignal,
  ): Promise<RoleDefinitionResult>;
  /** Assigns a role; an identical existing assignment is reported, not duplicated. */
  assignRole(
    roleDefinitionId: string,
    principal: PrincipalRef,
    scope: string,
    signal?: AbortSignal,
  ): Promise<AssignRoleResult>;
  listKeys(ref: EndpointRef, signal?: AbortSignal): Promise<EndpointKeys>;
  /** Long-running; resolves when the new key is in place. */
  regenerateKey(
    ref: EndpointRef,
    which: 'primary' | 'secondary',
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** An Azure ML token from the endpoint's token operation (aml_token endpoints). */
  amlToken(ref: EndpointRef, signal?: AbortSignal): Promise<ScoringCredential>;
  /** An Entra token for the cloud's ML scope from the signed-in credential (aad_token endpoints). */
  aadToken(signal?: AbortSignal): Promise<ScoringCredential>;
  /** POSTs the request to the scoring URI; resolves with any HTTP status, rejects on transport errors. */
  invoke(request: InvokeRequest, signal?: AbortSignal): Promise<InvokeResult>;
}

export type KeyChoice = 'primary' | 'secondary';

/** The credential a client of an endpoint sends, and for key endpoints both keys. */
export interface FetchedCredential {
  credential: ScoringCredential;
  /** Key mode: both keys, so a caller can show them. */
  keys?: EndpointKeys;
}

/** A role template assigned: the role definition used (or created) and the assignment. */
export interface RoleTemplateAssignment {
  role: RoleDefinitionResult;
  result: AssignRoleResult;
}

/** The answers of a request sent N times, in order, and their statistics. */
export interface RepeatedInvoke {
  results: InvokeResult[];
  summary: RepeatSummary;
}

/** `AppError.code` of the findWorkspace failures (the UI reads it from explainError). */
export const WORKSPACE_NOT_FOUND = 'WorkspaceNotFound';
export const WORKSPACE_AMBIGUOUS = 'WorkspaceAmbiguous';

/**
 * The workflows the screens and the commands share, each written once (source/azure/workflows.ts)
 * from the calls above.
 */
export interface WorkflowServices {
  /**
   * The credential a client of this endpoint sends for its auth mode: a key (`which`, primary by
   * default; both keys come along), an Azure ML token (aml_token) or an Entra token for the ML
   * audience (aad_token). A key endpoint without the chosen key gives an empty `value`.
   */
  scoringCredential(
    endpoint: Endpoint,
    options: {which?: KeyChoice},
    signal?: AbortSignal,
  ): Promise<FetchedCredential>;
  /**
   * Assigns a role template to a principal at a scope: a built-in role is looked up at the scope;
   * a custom role is created (or reused by name) with `assignableScope` (default: the scope). An
   * identical existing assignment is reported (`result.existed`), not duplicated.
   */
  assignRoleTemplate(
    template: RoleTemplate,
    principal: PrincipalRef,
    scope: string,
    options: {assignableScope?: string},
    signal?: AbortSignal,
  ): Promise<RoleTemplateAssignment>;
  /**
   * The workspace of this name (case-insensitive) in the subscription, in `resourceGroup` when
   * given. Rejects with code WORKSPACE_NOT_FOUND (kind notFound) when none is visible, or
   * WORKSPACE_AMBIGUOUS (kind invalid) when, without a resource group, several resource groups
   * hold one.
   */
  findWorkspace(
    subscriptionId: string,
    name: string,
    resourceGroup: string | undefined,
    signal?: AbortSignal,
  ): Promise<Workspace>;
  /**
   * Sends the request `count` times, one after another, and summarises the answers. `onProgress`
   * is called with done = 0 before the first request and after each one (done = 1…count).
   * With count > 1 a request that gets no answer (a transport failure) is a result with status 0
   * and `transportError`, and the run goes on; a single request rejects as `invoke` does.
   */
  invokeRepeated(
    request: InvokeRequest,
    count: number,
    onProgress: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<RepeatedInvoke>;
}
