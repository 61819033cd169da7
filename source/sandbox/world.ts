import {builtInRoles, OWNER, READER, type RoleDefinition} from './roles';
import {newClientSecret, newGuid, newKey, stableGuid} from './util';
import {type MonitorState, seedMonitor} from './monitor';

export type AuthMode = 'Key' | 'AMLToken' | 'AADToken';
export type PrincipalType = 'User' | 'Group' | 'ServicePrincipal' | 'ForeignGroup';

export interface Principal {
  kind: 'user' | 'servicePrincipal';
  /** UPN for users, display name for service principals. */
  name: string;
  displayName: string;
  objectId: string;
  /** Application (client) ID, service principals only. */
  clientId?: string;
  clientSecret?: string;
  /** Set for a managed identity's service principal: it signs in through the identity endpoint only. */
  managedIdentity?: 'systemAssigned' | 'userAssigned';
}

/** A `Microsoft.ManagedIdentity/userAssignedIdentities` resource; its principal is in `principals`. */
export interface UserAssignedIdentity {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  principalId: string;
  clientId: string;
}

export interface Subscription {
  subscriptionId: string;
  displayName: string;
  state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
}

export interface ResourceGroup {
  subscriptionId: string;
  name: string;
  location: string;
}

export interface Workspace {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  friendlyName: string;
  description: string;
  workspaceId: string;
  identityPrincipalId: string;
  createdAt: string;
}

export interface Deployment {
  name: string;
  /** Which deterministic model (see models.ts) answers for this deployment. */
  model: string;
  /** The ARM ID of the registered model version it serves (`…/models/{name}/versions/{v}`). */
  modelAsset: string;
  /** The ARM (or registry) ID of its environment version, if any. */
  environmentId?: string;
  instanceType: string;
  instanceCount: number;
  maxConcurrentRequestsPerInstance: number;
  requestTimeoutMs: number;
  /** `requestSettings.maxQueueWait`, ISO 8601. */
  maxQueueWait?: string;
  createdAt: string;
  provisioningState?: DeploymentProvisioningState;
  description?: string;
  tags?: Record<string, string>;
  codeConfiguration?: {codeId?: string; scoringScript: string};
  environmentVariables?: Record<string, string>;
  appInsightsEnabled?: boolean;
  /** The scale settings as sent (`{scaleType: 'Default'}` unless TargetUtilization). */
  scaleSettings?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
  systemData?: SystemData;
}

export type DeploymentProvisioningState =
  'Creating' | 'Deleting' | 'Scaling' | 'Updating' | 'Succeeded' | 'Failed' | 'Canceled';

/** A registered model (an asset container) and its versions, in one workspace. */
export interface ModelAsset {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  name: string;
  description: string;
  versions: ModelAssetVersion[];
}

export interface ModelAssetVersion {
  version: string;
  /** `mlflow_model` (no scoring script or environment needed) or `custom_model`. */
  modelType: 'mlflow_model' | 'custom_model';
  modelUri: string;
  description: string;
  /** The deterministic behaviour a deployment of this version serves (models.ts). */
  behaviour: string;
  createdAt: string;
}

/** A registered (or, `curated`, Azure-provided) environment and its versions, in one workspace. */
export interface EnvironmentAsset {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  name: string;
  description: string;
  curated: boolean;
  versions: {version: string; image: string; condaFile?: string; createdAt: string}[];
}

export interface SystemData {
  createdAt: string;
  createdBy: string;
  createdByType: 'User' | 'Application' | 'ManagedIdentity' | 'Key';
  lastModifiedAt: string;
  lastModifiedBy: string;
  lastModifiedByType: 'User' | 'Application' | 'ManagedIdentity' | 'Key';
}

export type EndpointProvisioningState =
  'Creating' | 'Deleting' | 'Succeeded' | 'Failed' | 'Updating' | 'Canceled';

export interface Endpoint {
  subscriptionId: string;
  resourceGroup: string;
  workspace: string;
  name: string;
  location: string;
  /** Changes when an endpoint of the same name is created again: old AML tokens stop working. */
  instanceId: string;
  authMode: AuthMode;
  description: string;
  tags: Record<string, string>;
  properties: Record<string, string>;
  identityType: 'SystemAssigned' | 'UserAssigned' | 'SystemAssigned,UserAssigned' | 'None';
  identityPrincipalId: string | null;
  userAssignedIdentities: Record<string, {principalId: string; clientId: string}>;
  publicNetworkAccess: 'Enabled' | 'Disabled';
  traffic: Record<string, number>;
  mirrorTraffic: Record<string, number>;
  keys: {primaryKey: string; secondaryKey: string};
  provisioningState: EndpointProvisioningState;
  deployments: Deployment[];
  systemData: SystemData;
}

export interface RoleAssignment {
  name: string;
  /** As given, e.g. `/subscriptions/…/resourceGroups/rg`. */
  scope: string;
  roleDefinitionGuid: string;
  principalId: string;
  principalType: PrincipalType;
  description: string | null;
  condition: string | null;
  conditionVersion: string | null;
  createdOn: string;
  updatedOn: string;
  createdBy: string | null;
  updatedBy: string | null;
}

export interface Operation {
  id: string;
  kind: 'create' | 'update' | 'delete' | 'regenerateKeys';
  /** Set when the operation is about one deployment of the endpoint. */
  deployment?: string;
  location: string;
  endpointKey: string;
  startTime: number;
  completeAt: number;
  status: 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';
  endTime?: number;
  /** Why it failed (the operation status's `error`). */
  error?: {code: string; message: string};
  /**
   * Applied once when the operation completes; an error returned fails the operation (status
   * Failed with that error) instead.
   */
  onComplete?: (world: World) => void | {code: string; message: string};
}

export interface World {
  tenantId: string;
  tenantDomain: string;
  principals: Principal[];
  subscriptions: Subscription[];
  resourceGroups: ResourceGroup[];
  workspaces: Workspace[];
  endpoints: Endpoint[];
  models: ModelAsset[];
  environments: EnvironmentAsset[];
  userAssignedIdentities: UserAssignedIdentity[];
  roleDefinitions: RoleDefinition[];
  roleAssignments: RoleAssignment[];
  operations: Map<string, Operation>;
  /** Log Analytics workspaces, diagnostic settings and traffic-log rows (monitor/). */
  monitor: MonitorState;
}

export const TENANT_DOMAIN = 'contoso.sandbox';
export const OWNER_UPN = `owner@${TENANT_DOMAIN}`;
export const SCIENTIST_UPN = `scientist@${TENANT_DOMAIN}`;

export const endpointKey = (
  e: Pick<Endpoint, 'subscriptionId' | 'resourceGroup' | 'workspace' | 'name'>,
) => `${e.subscriptionId}/${e.resourceGroup}/${e.workspace}/${e.name}`.toLowerCase();

export function workspaceScope(
  w: Pick<Workspace, 'subscriptionId' | 'resourceGroup' | 'name'>,
): string {
  return `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${w.name}`;
}

export function userAssignedIdentityId(
  u: Pick<UserAssignedIdentity, 'subscriptionId' | 'resourceGroup' | 'name'>,
): string {
  return `/subscriptions/${u.subscriptionId}/resourceGroups/${u.resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${u.name}`;
}

export function endpointScope(
  e: Pick<Endpoint, 'subscriptionId' | 'resourceGroup' | 'workspace' | 'name'>,
): string {
  return `${workspaceScope({subscriptionId: e.subscriptionId, resourceGroup: e.resourceGroup, name: e.workspace})}/onlineEndpoints/${e.name}`;
}

const SEED_TIME = '2026-01-15T09:30:00.000Z';

export function modelVersionId(
  m: Pick<ModelAsset, 'subscriptionId' | 'resourceGroup' | 'workspace' | 'name'>,
  version: string,
): string {
  return `${workspaceScope({subscriptionId: m.subscriptionId, resourceGroup: m.resourceGroup, name: m.workspace})}/models/${m.name}/versions/${version}`;
}

export function environmentVersionId(
  e: Pick<EnvironmentAsset, 'subscriptionId' | 'resourceGroup' | 'workspace' | 'name'>,
  version: string,
): string {
  return `${workspaceScope({subscriptionId: e.subscriptionId, resourceGroup: e.resourceGroup, name: e.workspace})}/environments/${e.name}/versions/${version}`;
}

/** The curated environment every workspace lists (Azure's are registry assets of `azureml`). */
export const CURATED_ENVIRONMENT = {name: 'AzureML-sklearn-1.5', version: '18'};
export const curatedRegistryId = (name: string, version: string) =>
  `azureml://registries/azureml/environments/${name.replace(/^AzureML-/, '')}/versions/${version}`;

/** The registered models and environments of a workspace the seeded deployments use. */
function seedAssets(w: Workspace): {models: ModelAsset[]; environments: EnvironmentAsset[]} {
  const at = {subscriptionId: w.subscriptionId, resourceGroup: w.resourceGroup, workspace: w.name};
  const uri = (name: string, v: string) =>
    `azureml://subscriptions/${w.subscriptionId}/resourcegroups/${w.resourceGroup}/workspaces/${w.name}/datastores/workspaceblobstore/paths/models/${name}/${v}/`;
  const model = (
    name: string,
    description: string,
    versions: [string, string, ModelAssetVersion['modelType']?][],
  ): ModelAsset => ({
    ...at,
    name,
    description,
    versions: versions.map(([version, behaviour, modelType]) => ({
      version,
      behaviour,
      modelType: modelType ?? 'mlflow_model',
      modelUri: uri(name, version),
      description: `${name} version ${version}`,
      createdAt: SEED_TIME,
    })),
  });
  const env = (name: string, description: string, curated: boolean, image: string) => ({
    ...at,
    name,
    description,
    curated,
    versions: [
      {
        version: curated ? CURATED_ENVIRONMENT.version : '1',
        image,
        ...(curated
          ? {}
          : {condaFile: 'channels:\n  - conda-forge\ndependencies:\n  - python=3.10\n'}),
        createdAt: SEED_TIME,
      },
    ],
  });
  return {
    models: [
      model('churn-model', 'Customer churn probability', [
        ['3', 'churn-blue'],
        ['4', 'churn-green'],
      ]),
      model('credit-risk', 'Credit risk score (not deployed yet)', [
        ['1', 'asset:credit-risk:1'],
        ['2', 'asset:credit-risk:2'],
      ]),
      model('fraud-model', 'Transaction fraud labels', [['7', 'fraud-main']]),
      model('loan-model', 'Loan approval', [
        ['1', 'loan-v1'],
        ['2', 'loan-v2', 'custom_model'],
      ]),
    ],
    environments: [
      env(
        'sklearn-serving',
        'scikit-learn inference environment',
        false,
        'mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest',
      ),
      env(
        CURATED_ENVIRONMENT.name,
        'Curated: scikit-learn 1.5 on Ubuntu 22.04, Python 3.10 (CPU)',
        true,
        'mcr.microsoft.com/azureml/curated/sklearn-1.5:18',
      ),
    ],
  };
}

function deployment(
  w: Workspace,
  name: string,
  model: string,
  modelAsset: string,
  overrides: Partial<Deployment> = {},
): Deployment {
  const [asset, version] = modelAsset.replace(/^azureml:/, '').split(':');
  return {
    name,
    model,
    modelAsset: modelVersionId(
      {
        subscriptionId: w.subscriptionId,
        resourceGroup: w.resourceGroup,
        workspace: w.name,
        name: asset!,
      },
      version!,
    ),
    environmentId: environmentVersionId(
      {
        subscriptionId: w.subscriptionId,
        resourceGroup: w.resourceGroup,
        workspace: w.name,
        name: 'sklearn-serving',
      },
      '1',
    ),
    instanceType: 'Standard_DS3_v2',
    instanceCount: 1,
    maxConcurrentRequestsPerInstance: 1,
    requestTimeoutMs: 5000,
    createdAt: SEED_TIME,
    provisioningState: 'Succeeded',
    ...overrides,
  };
}

/** The seeded world: stable names and IDs that docs and tests rely on; fresh secrets every start. */
/** A large world for the scale benchmarks: subscriptions in all, endpoints in one workspace. */
export interface WorldScale {
  /** Subscriptions in all (at least the two of the usual world); the owner owns each. */
  subscriptions: number;
  /** Endpoints in the workspace ws-scale (in Sandbox Dev, resource group rg-ws-scale). */
  endpoints: number;
}

/** `300x2000` → 300 subscriptions, 2,000 endpoints in ws-scale; throws on anything else. */
export function parseWorldScale(spec: string): WorldScale {
  const m = /^(\d{1,5})x(\d{1,6})$/.exec(spec.trim());
  const subscriptions = m ? Number(m[1]) : NaN;
  const endpoints = m ? Number(m[2]) : NaN;
  if (!m || subscriptions > 10_000 || endpoints > 100_000) {
    throw new Error(
      `scale '${spec}' is not SUBSCRIPTIONSxENDPOINTS (e.g. 300x2000; at most 10000x100000)`,
    );
  }
  return {subscriptions, endpoints};
}

export function seedWorld(scale?: WorldScale): World {
  const tenantId = stableGuid(`tenant:${TENANT_DOMAIN}`);
  const user = (upn: string, displayName: string): Principal => ({
    kind: 'user',
    name: upn,
    displayName,
    objectId: stableGuid(`user:${upn}`),
  });
  const sp = (name: string): Principal => ({
    kind: 'servicePrincipal',
    name,
    displayName: name,
    objectId: stableGuid(`sp:${name}`),
    clientId: stableGuid(`app:${name}`),
    clientSecret: newClientSecret(),
  });
  const owner = user(OWNER_UPN, 'Sandbox Owner');
  const scientist = user(SCIENTIST_UPN, 'Sandbox Scientist');
  const ops = sp('ops-automation');
  const scoring = sp('scoring-client');

  const dev: Subscription = {
    subscriptionId: stableGuid('subscription:Sandbox Dev'),
    displayName: 'Sandbox Dev',
    state: 'Enabled',
  };
  const prod: Subscription = {
    subscriptionId: stableGuid('subscription:Sandbox Prod'),
    displayName: 'Sandbox Prod',
    state: 'Enabled',
  };
  const ws = (
    sub: Subscription,
    name: string,
    location: string,
    description: string,
  ): Workspace => ({
    subscriptionId: sub.subscriptionId,
    resourceGroup: `rg-${name}`,
    name,
    location,
    friendlyName: name,
    description,
    workspaceId: stableGuid(`workspace:${name}`),
    identityPrincipalId: stableGuid(`workspace-identity:${name}`),
    createdAt: SEED_TIME,
  });
  const wsDev = ws(dev, 'ws-dev', 'eastus', 'Development workspace');
  const wsExp = ws(dev, 'ws-experiments', 'westus2', 'Experiments');
  const wsProd = ws(prod, 'ws-prod', 'westeurope', 'Production workspace');
  const workspaces = [wsDev, wsExp, wsProd];

  const endpoint = (
    name: string,
    authMode: AuthMode,
    deployments: Deployment[],
    traffic: Record<string, number>,
    description: string,
  ): Endpoint => ({
    subscriptionId: wsDev.subscriptionId,
    resourceGroup: wsDev.resourceGroup,
    workspace: wsDev.name,
    name,
    location: wsDev.location,
    instanceId: newGuid(),
    authMode,
    description,
    tags: {},
    properties: {},
    identityType: 'SystemAssigned',
    identityPrincipalId: stableGuid(`endpoint-identity:${name}`),
    userAssignedIdentities: {},
    publicNetworkAccess: 'Enabled',
    traffic,
    mirrorTraffic: {},
    keys: {primaryKey: newKey(), secondaryKey: newKey()},
    provisioningState: 'Succeeded',
    deployments,
    systemData: {
      createdAt: SEED_TIME,
      createdBy: OWNER_UPN,
      createdByType: 'User',
      lastModifiedAt: SEED_TIME,
      lastModifiedBy: OWNER_UPN,
      lastModifiedByType: 'User',
    },
  });
  const endpoints = [
    endpoint(
      'churn-scorer',
      'Key',
      [
        deployment(wsDev, 'blue', 'churn-blue', 'azureml:churn-model:3'),
        deployment(wsDev, 'green', 'churn-green', 'azureml:churn-model:4'),
      ],
      {blue: 90, green: 10},
      'Customer churn probability (key auth)',
    ),
    endpoint(
      'fraud-aad',
      'AADToken',
      [deployment(wsDev, 'main', 'fraud-main', 'azureml:fraud-model:7')],
      {main: 100},
      'Transaction fraud labels (Microsoft Entra auth)',
    ),
    endpoint(
      'loan-aml',
      'AMLToken',
      [
        deployment(wsDev, 'v1', 'loan-v1', 'azureml:loan-model:1'),
        deployment(wsDev, 'v2', 'loan-v2', 'azureml:loan-model:2'),
      ],
      {v1: 100, v2: 0},
      'Loan approval (Azure ML token auth)',
    ),
  ];

  // A user-assigned identity beside the dev workspace: endpoints can use it, and (as a managed
  // identity) it can sign in. Attaching it needs `…/userAssignedIdentities/assign/action` on it.
  const scorerIdentity: UserAssignedIdentity = {
    subscriptionId: wsDev.subscriptionId,
    resourceGroup: wsDev.resourceGroup,
    name: 'scorer-id',
    location: wsDev.location,
    principalId: stableGuid('msi:scorer-id'),
    clientId: stableGuid('msi-app:scorer-id'),
  };
  const scorerPrincipal: Principal = {
    kind: 'servicePrincipal',
    name: scorerIdentity.name,
    displayName: scorerIdentity.name,
    objectId: scorerIdentity.principalId,
    clientId: scorerIdentity.clientId,
    managedIdentity: 'userAssigned',
  };

  // The system-assigned identity of the host the app runs on (an App Service site, as the
  // identity endpoint presents it); scorer-id is attached to the same host.
  const hostPrincipal: Principal = {
    kind: 'servicePrincipal',
    name: 'sandbox-host',
    displayName: 'sandbox-host',
    objectId: stableGuid('msi:sandbox-host'),
    clientId: stableGuid('msi-app:sandbox-host'),
    managedIdentity: 'systemAssigned',
  };

  const assignment = (
    scope: string,
    roleDefinitionGuid: string,
    principal: Principal,
  ): RoleAssignment => ({
    name: stableGuid(`assignment:${scope}:${roleDefinitionGuid}:${principal.objectId}`),
    scope,
    roleDefinitionGuid,
    principalId: principal.objectId,
    principalType: principal.kind === 'user' ? 'User' : 'ServicePrincipal',
    description: null,
    condition: null,
    conditionVersion: null,
    createdOn: SEED_TIME,
    updatedOn: SEED_TIME,
    createdBy: null,
    updatedBy: null,
  });

  const subscriptions = [dev, prod];
  const extraAssignments: RoleAssignment[] = [];
  if (scale) {
    // The scale world: more subscriptions the owner owns (named so they sort after the usual
    // two), and one workspace with many endpoints, one deployment each, the auth modes in turn.
    const width = String(scale.subscriptions).length;
    for (let i = 1; i <= scale.subscriptions - 2; i++) {
      const name = `Sandbox Scale ${String(i).padStart(width, '0')}`;
      const sub: Subscription = {
        subscriptionId: stableGuid(`subscription:${name}`),
        displayName: name,
        state: 'Enabled',
      };
      subscriptions.push(sub);
      extraAssignments.push(assignment(`/subscriptions/${sub.subscriptionId}`, OWNER, owner));
    }
    const wsScale = ws(dev, 'ws-scale', 'eastus', `${scale.endpoints} endpoints`);
    workspaces.push(wsScale);
    const modes: AuthMode[] = ['Key', 'AMLToken', 'AADToken'];
    const digits = String(scale.endpoints).length;
    for (let i = 1; i <= scale.endpoints; i++) {
      const name = `scale-${String(i).padStart(digits, '0')}`;
      endpoints.push({
        ...endpoint(
          name,
          modes[i % modes.length]!,
          [deployment(wsScale, 'main', 'churn-blue', 'azureml:churn-model:3')],
          {main: 100},
          `Scale endpoint ${i}`,
        ),
        resourceGroup: wsScale.resourceGroup,
        workspace: wsScale.name,
      });
    }
  }

  const world: Omit<World, 'monitor'> = {
    tenantId,
    tenantDomain: TENANT_DOMAIN,
    principals: [owner, scientist, ops, scoring, hostPrincipal, scorerPrincipal],
    subscriptions,
    resourceGroups: workspaces.map((w) => ({
      subscriptionId: w.subscriptionId,
      name: w.resourceGroup,
      location: w.location,
    })),
    workspaces,
    endpoints,
    models: workspaces.flatMap((w) => seedAssets(w).models),
    environments: workspaces.flatMap((w) => seedAssets(w).environments),
    userAssignedIdentities: [scorerIdentity],
    roleDefinitions: builtInRoles(),
    roleAssignments: [
      assignment(`/subscriptions/${dev.subscriptionId}`, OWNER, owner),
      assignment(`/subscriptions/${prod.subscriptionId}`, OWNER, owner),
      assignment(workspaceScope(wsDev), READER, scientist),
      assignment(`/subscriptions/${dev.subscriptionId}`, OWNER, ops),
      ...extraAssignments,
    ],
    operations: new Map(),
  };
  return {...world, monitor: seedMonitor(world)};
}
