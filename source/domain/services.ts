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
  CustomRoleDefinition,
  DefineRoleResult,
  Deployment,
  DirectoryPrincipal,
  Endpoint,
  EndpointKeys,
  EndpointRef,
  InvokeRequest,
  InvokeResult,
  OperationOptions,
  OperationProgress,
  PermissionBlock,
  PrincipalPermissions,
  PrincipalRef,
  RoleAssignmentInfo,
  RoleDefinitionInfo,
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
import type {
  ContainerType,
  DeploymentSpec,
  EnvironmentInfo,
  RegisteredModel,
  TrafficChange,
} from './deployments';
import type {
  LogAnalyticsWorkspaceInfo,
  TrafficLogFilter,
  TrafficLoggingStatus,
  TrafficLogResult,
} from './traffic-log';

/** Called after each page of a list with every item so far (a new array each time). */
export type OnPage<T> = (soFar: readonly T[]) => void;

/** Everything the wizard and the commands ask of Azure. Every call takes an AbortSignal. */
export interface Services
  extends AccessServices, DeploymentServices, TrafficLogServices, WorkflowServices {
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
  /**
   * Long-running: resolves when provisioning reaches Succeeded; rejects on Failed/Canceled. With
   * `options.noWait`, resolves with the endpoint as it is once Azure accepted the request.
   */
  createEndpoint(
    ref: EndpointRef,
    input: CreateEndpointInput,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
    options?: OperationOptions,
  ): Promise<Endpoint>;
  /** A full PUT of the endpoint with the new auth mode (PATCH cannot change it). */
  setAuthMode(
    endpoint: Endpoint,
    mode: AuthMode,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
    options?: OperationOptions,
  ): Promise<Endpoint>;
  /**
   * Long-running DELETE of the endpoint (and its deployments). Resolves when it is gone (or, with
   * `options.noWait`, once Azure accepted it); an endpoint already gone resolves `false`.
   */
  deleteEndpoint(
    ref: EndpointRef,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
    options?: OperationOptions,
  ): Promise<boolean>;
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
  /**
   * The role definitions that can be assigned at the scope (built-in and custom), like `az role
   * definition list --scope S [--custom-role-only]`, sorted by name.
   */
  listRoleDefinitions(
    scope: string,
    options: {customOnly?: boolean},
    signal?: AbortSignal,
  ): Promise<RoleDefinitionInfo[]>;
  /**
   * A role by name (case-insensitive) or ID (a GUID or a full role definition ID) that can be
   * assigned at the scope. Rejects with kind notFound (and the closest names) when there is none.
   */
  findRoleDefinition(
    nameOrId: string,
    scope: string,
    signal?: AbortSignal,
  ): Promise<RoleDefinitionInfo>;
  /**
   * Defines a custom role, as `az role definition create` does, at its first assignable scope. A
   * role of the same name that grants the same at the same scopes is reused (`unchanged`); one that
   * differs is updated in place only with `update`, else reported as `differs` with nothing written.
   */
  defineRole(
    definition: CustomRoleDefinition,
    options: {update?: boolean},
    signal?: AbortSignal,
  ): Promise<DefineRoleResult>;
  /**
   * The principal an assignee names — an object ID, a user principal name or an application
   * (client) ID — looked up in the directory (Microsoft Graph), as `az role assignment create
   * --assignee` does. Rejects with kind notFound when nothing matches.
   */
  findPrincipal(assignee: string, signal?: AbortSignal): Promise<DirectoryPrincipal>;
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

/** Traffic logs: the endpoint's diagnostic settings, Log Analytics workspaces, the query API. */
export interface TrafficLogServices {
  /** The endpoint's diagnostic settings and whether its traffic log goes to a workspace. */
  trafficLogging(ref: EndpointRef, signal?: AbortSignal): Promise<TrafficLoggingStatus>;
  /** The Log Analytics workspaces of the subscription the identity may read, by name. */
  listLogAnalyticsWorkspaces(
    subscriptionId: string,
    signal?: AbortSignal,
  ): Promise<LogAnalyticsWorkspaceInfo[]>;
  /** One workspace by its resource ID (for its workspace ID, `customerId`). */
  getLogAnalyticsWorkspace(
    resourceId: string,
    signal?: AbortSignal,
  ): Promise<LogAnalyticsWorkspaceInfo>;
  /**
   * Sends the endpoint's traffic log to the workspace: creates (or extends) the diagnostic
   * setting `aml-auth-traffic-log`. Nothing is written when it already goes there.
   */
  enableTrafficLogging(
    ref: EndpointRef,
    workspaceResourceId: string,
    signal?: AbortSignal,
  ): Promise<{status: TrafficLoggingStatus; created: boolean}>;
  /** Runs a KQL query in a workspace (by workspace ID) over an ISO 8601 duration; rows by column. */
  queryLogs(
    customerId: string,
    query: string,
    timespan: string,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown>[]>;
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
  /**
   * The endpoint's recent requests from `AmlOnlineEndpointTrafficLog` in the workspace its
   * diagnostic settings send the traffic log to, filtered, with the KQL it ran and a summary
   * (requests per auth type and identity, failures). `names` maps object IDs to principal names.
   * Rejects with code TRAFFIC_LOG_OFF (kind notFound) when no setting sends the traffic log.
   */
  readTrafficLog(
    ref: EndpointRef,
    filter: TrafficLogFilter,
    names: Map<string, string>,
    signal?: AbortSignal,
  ): Promise<TrafficLogResult>;
}

/** The workspace part of a reference: where models and environments are registered. */
export type WorkspaceRef = Pick<EndpointRef, 'subscriptionId' | 'resourceGroup' | 'workspace'>;

/**
 * Online deployments and what they are made of (source/azure/deployments.ts). The long-running
 * ones report provisioning state and elapsed time, and resolve when the operation has finished.
 */
export interface DeploymentServices {
  /** The workspace's registered models (not archived), each with its versions, newest first. */
  listModels(ref: WorkspaceRef, signal?: AbortSignal): Promise<RegisteredModel[]>;
  /** Every version of the workspace's environments, registered and curated. */
  listEnvironments(ref: WorkspaceRef, signal?: AbortSignal): Promise<EnvironmentInfo[]>;
  /** One deployment with its share of the live and the mirror traffic. */
  getDeployment(ref: EndpointRef, name: string, signal?: AbortSignal): Promise<Deployment>;
  /**
   * Creates a deployment from registered assets (references resolved, `@latest` included), waits
   * for provisioning, and with `allTraffic` then gives it 100 % of the live traffic (`noWait`:
   * resolves once Azure has accepted it, in state Creating; not with `allTraffic`). Rejects when
   * a deployment of that name exists, a reference names nothing registered, or provisioning
   * fails (the operation's reason as the detail).
   */
  createDeployment(
    ref: EndpointRef,
    spec: DeploymentSpec,
    options: {allTraffic?: boolean; noWait?: boolean},
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<Deployment>;
  /**
   * A PUT of the endpoint with the new `traffic` and/or `mirrorTraffic` (what is not given stays),
   * checked first against Azure's rules (domain/deployments.ts trafficProblem). With `noWait` it
   * resolves once Azure has accepted the change (the endpoint as the PUT answered).
   */
  setTraffic(
    ref: EndpointRef,
    change: TrafficChange,
    options: {noWait?: boolean},
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<Endpoint>;
  /** Deletes a deployment; refused (kind conflict) while it takes live or mirror traffic. */
  deleteDeployment(
    ref: EndpointRef,
    name: string,
    options: {noWait?: boolean},
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** The last `lines` lines of one of the deployment's container logs. */
  deploymentLogs(
    ref: EndpointRef,
    name: string,
    options: {container: ContainerType; lines: number},
    signal?: AbortSignal,
  ): Promise<string>;
}
