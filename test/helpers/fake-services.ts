import type {
  AppError,
  CloudConfig,
  Deployment,
  Endpoint,
  EndpointKeys,
  Identity,
  InvokeResult,
  PermissionBlock,
  RoleAssignmentInfo,
  RoleDefinitionInfo,
  SignInResult,
  Subscription,
  Workspace,
} from '../../source/domain/types';
import type {Services, WorkflowServices} from '../../source/domain/services';
import {workflows} from '../../source/azure/workflows';
import {
  type LogAnalyticsWorkspaceInfo,
  loggingStatus,
  type TrafficLoggingStatus,
} from '../../source/domain/traffic-log';
import type {ProfilesPort, Profile, ProfileInput} from '../../source/app/profiles-port';
import type {AppEnvironment} from '../../source/app/app-context';

export const cloud: CloudConfig = {
  name: 'TestCloud',
  resourceManagerEndpoint: 'https://management.test/',
  authorityHost: 'https://login.test',
  managementScope: 'https://management.azure.com/.default',
  mlScope: 'https://ml.azure.com/.default',
  custom: true,
};

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
export const fakeJwt = (claims: Record<string, unknown>) =>
  `${b64({alg: 'RS256'})}.${b64(claims)}.sig`;

export const identity: Identity = {
  kind: 'user',
  name: 'ada@contoso.test',
  objectId: '11111111-1111-1111-1111-111111111111',
  tenantId: '22222222-2222-2222-2222-222222222222',
};

export const subscriptions: Subscription[] = [
  {subscriptionId: 'aaaaaaaa-0000-0000-0000-000000000001', displayName: 'Dev', state: 'Enabled'},
  {subscriptionId: 'aaaaaaaa-0000-0000-0000-000000000002', displayName: 'Prod', state: 'Enabled'},
];

export const logAnalyticsWorkspaces: LogAnalyticsWorkspaceInfo[] = [
  {
    id: '/subscriptions/s/resourceGroups/rg1/providers/Microsoft.OperationalInsights/workspaces/law-one',
    name: 'law-one',
    subscriptionId: 's',
    resourceGroup: 'rg1',
    location: 'eastus',
    customerId: '33333333-3333-3333-3333-333333333333',
  },
  {
    id: '/subscriptions/s/resourceGroups/rg2/providers/Microsoft.OperationalInsights/workspaces/law-two',
    name: 'law-two',
    subscriptionId: 's',
    resourceGroup: 'rg2',
    location: 'westus2',
    customerId: '44444444-4444-4444-4444-444444444444',
  },
];

/** The traffic-log status when `destination` (a workspace resource ID) receives the traffic log. */
export function trafficStatus(destination: string | undefined): TrafficLoggingStatus {
  return loggingStatus(
    destination
      ? [
          {
            name: 'aml-auth-traffic-log',
            workspaceResourceId: destination,
            otherDestinations: [],
            categories: [
              {category: 'AmlOnlineEndpointTrafficLog', enabled: true},
              {category: 'AmlOnlineEndpointConsoleLog', enabled: false},
              {category: 'AmlOnlineEndpointEventLog', enabled: false},
            ],
          },
        ]
      : [],
  );
}

/** Rows the fake query API returns (newest first), with the real column names. */
export const trafficRows: Record<string, unknown>[] = [
  {
    TimeGenerated: '2026-01-15T10:05:00.000Z',
    DeploymentName: 'main',
    Method: 'POST',
    Path: '/score',
    ResponseCode: 200,
    ResponseCodeReason: 'OK',
    AuthType: 'AADToken',
    IdentityData: '11111111-1111-1111-1111-111111111111',
    ModelStatusCode: 200,
    ModelStatusReason: 'OK',
    TotalDurationMs: 21,
    RequestDurationMs: 2,
    ResponseDurationMs: 19,
    XRequestId: 'req-aaaa',
    XMSClientRequestId: '',
  },
  {
    TimeGenerated: '2026-01-15T10:01:00.000Z',
    DeploymentName: '',
    Method: 'POST',
    Path: '/score',
    ResponseCode: 401,
    ResponseCodeReason: 'aad_token_invalid_audience',
    AuthType: 'AADToken',
    IdentityData: '55555555-5555-5555-5555-555555555555',
    ModelStatusCode: null,
    ModelStatusReason: '',
    TotalDurationMs: 3,
    RequestDurationMs: 1,
    ResponseDurationMs: 0,
    XRequestId: 'req-bbbb',
    XMSClientRequestId: '',
  },
];

export const workspaces: Workspace[] = [
  {
    id: '/subscriptions/s/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws-one',
    name: 'ws-one',
    resourceGroup: 'rg1',
    location: 'eastus',
    subscriptionId: subscriptions[0]!.subscriptionId,
  },
  {
    id: '/subscriptions/s/resourceGroups/rg2/providers/Microsoft.MachineLearningServices/workspaces/ws-two',
    name: 'ws-two',
    resourceGroup: 'rg2',
    location: 'westus2',
    subscriptionId: subscriptions[0]!.subscriptionId,
  },
];

export const endpoint = (name: string, patch: Partial<Endpoint> = {}): Endpoint => ({
  subscriptionId: workspaces[0]!.subscriptionId,
  resourceGroup: 'rg1',
  workspace: 'ws-one',
  endpoint: name,
  id: `${workspaces[0]!.id}/onlineEndpoints/${name}`,
  location: 'eastus',
  authMode: 'key',
  provisioningState: 'Succeeded',
  traffic: {blue: 100},
  scoringUri: `https://${name}.eastus.inference.ml.azure.com/score`,
  kind: 'Managed',
  ...patch,
});

export const signInResult = (expiresInMs = 3_600_000): SignInResult => ({
  identity,
  managementToken: {
    token: fakeJwt({
      aud: 'https://management.azure.com',
      oid: identity.objectId,
      tid: identity.tenantId,
      upn: identity.name,
      exp: Math.floor((Date.now() + expiresInMs) / 1000),
    }),
    expiresOn: Date.now() + expiresInMs,
  },
  tokenCache: {kind: 'memory', reason: 'no D-Bus session, so no OS keyring'},
});

const block = (actions: string[], notActions: string[] = []): PermissionBlock => ({
  actions,
  notActions,
  dataActions: [],
  notDataActions: [],
});

/** Owner: everything (the default for the signed-in identity). */
export const ownerPermissions: PermissionBlock[] = [block(['*'])];
/** Reader: read only (the default for another principal). */
export const readerPermissions: PermissionBlock[] = [block(['*/read'])];
/** AzureML Data Scientist, as Azure defines it. */
export const dataScientistPermissions: PermissionBlock[] = [
  block(
    [
      'Microsoft.MachineLearningServices/workspaces/*/read',
      'Microsoft.MachineLearningServices/workspaces/*/action',
      'Microsoft.MachineLearningServices/workspaces/*/delete',
      'Microsoft.MachineLearningServices/workspaces/*/write',
    ],
    [
      'Microsoft.MachineLearningServices/workspaces/delete',
      'Microsoft.MachineLearningServices/workspaces/write',
      'Microsoft.MachineLearningServices/workspaces/listKeys/action',
    ],
  ),
];

export const OWNER_ROLE_ID = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

export const initialKeys = (): EndpointKeys => ({
  primaryKey: 'pk-0000000000000000000000000000000000000001',
  secondaryKey: 'sk-0000000000000000000000000000000000000001',
});

export const okInvokeResult = (patch: Partial<InvokeResult> = {}): InvokeResult => ({
  status: 200,
  latencyMs: 42,
  deployment: 'blue',
  requestId: '33333333-3333-3333-3333-333333333333',
  contentType: 'application/json',
  body: '[0.12, 0.87]',
  headers: {
    'content-type': 'application/json',
    'azureml-model-deployment': 'blue',
    'x-request-id': '33333333-3333-3333-3333-333333333333',
  },
  ...patch,
});

export interface Calls {
  [name: string]: unknown[][];
}

/** A Services fake that records calls; override any method per test. */
export function fakeServices(overrides: Partial<Services> = {}): Services & {calls: Calls} {
  const calls: Calls = {};
  const record = (name: string, args: unknown[]) => {
    (calls[name] ??= []).push(args);
  };
  const subOf = (scope: string) => /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? 's';
  const roleId = (scope: string, guid: string) =>
    `/subscriptions/${subOf(scope)}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  // State the fakes share, so a second call sees what the first did (reuse, existing, regenerate).
  const customRoles = new Map<string, string>();
  const definedRoles = new Map<string, RoleDefinitionInfo>();
  const assignments: RoleAssignmentInfo[] = [];
  const keys = initialKeys();
  let generation = 1;
  const deployments: Deployment[] = [
    {
      name: 'blue',
      provisioningState: 'Succeeded',
      trafficPercent: 100,
      mirrorPercent: 0,
      model: 'azureml:churn-model:3',
      instanceType: 'Standard_DS3_v2',
      instanceCount: 1,
    },
  ];
  const logLines = Array.from({length: 60}, (_, i) => `line ${i + 1} request_id=r${i + 1}`);
  // Traffic logging: off until enableTrafficLogging; queryLogs answers with `trafficRows`.
  let trafficOn: string | undefined;
  const base: Services = {
    cloud,
    trafficLogging: async (...args) => {
      record('trafficLogging', args);
      return trafficStatus(trafficOn);
    },
    listLogAnalyticsWorkspaces: async (...args) => {
      record('listLogAnalyticsWorkspaces', args);
      return logAnalyticsWorkspaces;
    },
    getLogAnalyticsWorkspace: async (...args) => {
      record('getLogAnalyticsWorkspace', args);
      const w = logAnalyticsWorkspaces.find((x) => x.id.toLowerCase() === args[0].toLowerCase());
      if (!w) throw new Error(`no workspace ${args[0]}`);
      return w;
    },
    enableTrafficLogging: async (...args) => {
      record('enableTrafficLogging', args);
      const created = trafficOn !== args[1];
      trafficOn = args[1];
      return {status: trafficStatus(trafficOn), created};
    },
    queryLogs: async (...args) => {
      record('queryLogs', args);
      if (/summarize/.test(args[1])) {
        const counts = new Map<string, Record<string, unknown>>();
        for (const r of trafficRows) {
          const key = `${r.AuthType}|${r.IdentityData}|${r.ResponseCode}`;
          const c = counts.get(key) ?? {
            AuthType: r.AuthType,
            IdentityData: r.IdentityData,
            ResponseCode: r.ResponseCode,
            count_: 0,
          };
          c.count_ = (c.count_ as number) + 1;
          counts.set(key, c);
        }
        return [...counts.values()];
      }
      return trafficRows;
    },
    signIn: async (...args) => {
      record('signIn', args);
      return signInResult();
    },
    managementToken: async () => signInResult().managementToken,
    listSubscriptions: async () => {
      record('listSubscriptions', []);
      return subscriptions;
    },
    listWorkspaces: async (...args) => {
      record('listWorkspaces', args);
      return workspaces;
    },
    listEndpoints: async (...args) => {
      record('listEndpoints', args);
      return [endpoint('churn'), endpoint('fraud', {authMode: 'aad_token'})];
    },
    getEndpoint: async (ref) => endpoint(ref.endpoint),
    listDeployments: async (...args) => {
      record('listDeployments', args);
      return deployments.map((d) => ({...d}));
    },
    listModels: async (...args) => {
      record('listModels', args);
      return [
        {
          name: 'churn-model',
          latestVersion: '4',
          versions: ['4', '3'].map((v) => ({
            name: 'churn-model',
            version: v,
            id: `/subscriptions/s/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws-one/models/churn-model/versions/${v}`,
            modelType: 'mlflow_model',
          })),
        },
        {
          name: 'credit-risk',
          latestVersion: '1',
          versions: [
            {
              name: 'credit-risk',
              version: '1',
              id: '/subscriptions/s/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws-one/models/credit-risk/versions/1',
              modelType: 'mlflow_model',
            },
          ],
        },
      ];
    },
    listEnvironments: async (...args) => {
      record('listEnvironments', args);
      return [
        {
          name: 'sklearn-serving',
          version: '1',
          id: '/subscriptions/s/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws-one/environments/sklearn-serving/versions/1',
          curated: false,
        },
        {
          name: 'AzureML-sklearn-1.5',
          version: '18',
          id: '/subscriptions/s/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws-one/environments/AzureML-sklearn-1.5/versions/18',
          curated: true,
          registryId: 'azureml://registries/azureml/environments/sklearn-1.5/versions/18',
        },
      ];
    },
    getDeployment: async (_ref, name) => {
      const d = deployments.find((x) => x.name === name);
      if (!d) throw new Error(`no deployment ${name}`);
      return {...d};
    },
    createDeployment: async (ref, spec, options, onProgress) => {
      record('createDeployment', [ref, spec, options]);
      onProgress({provisioningState: 'Creating', elapsedMs: 0});
      const d = {
        name: spec.name,
        provisioningState: 'Succeeded',
        trafficPercent: 0,
        mirrorPercent: 0,
        model: spec.model,
        instanceType: spec.instanceType,
        instanceCount: spec.instanceCount,
      };
      if (options.allTraffic) for (const x of deployments) x.trafficPercent = 0;
      if (options.allTraffic) d.trafficPercent = 100;
      deployments.push(d);
      onProgress({provisioningState: 'Succeeded', elapsedMs: 1000});
      return {...d};
    },
    setTraffic: async (ref, change, _options, onProgress) => {
      record('setTraffic', [ref, change]);
      onProgress({provisioningState: 'Updating', elapsedMs: 0});
      for (const d of deployments) {
        if (change.traffic) d.trafficPercent = change.traffic[d.name] ?? 0;
        if (change.mirrorTraffic) d.mirrorPercent = change.mirrorTraffic[d.name] ?? 0;
      }
      onProgress({provisioningState: 'Succeeded', elapsedMs: 500});
      return endpoint(ref.endpoint);
    },
    deleteDeployment: async (ref, name, _options, onProgress) => {
      record('deleteDeployment', [ref, name]);
      onProgress({provisioningState: 'Deleting', elapsedMs: 0});
      const i = deployments.findIndex((d) => d.name === name);
      if (i >= 0) deployments.splice(i, 1);
    },
    deploymentLogs: async (...args) => {
      record('deploymentLogs', args);
      return logLines.join('\n');
    },
    createEndpoint: async (ref, input, onProgress) => {
      record('createEndpoint', [ref, input]);
      onProgress({provisioningState: 'Creating', elapsedMs: 1000});
      return endpoint(ref.endpoint, {authMode: input.authMode});
    },
    setAuthMode: async (e, mode, onProgress) => {
      record('setAuthMode', [e.endpoint, mode]);
      onProgress({provisioningState: 'Updating', elapsedMs: 500});
      return {...e, authMode: mode};
    },
    deleteEndpoint: async (ref, onProgress) => {
      record('deleteEndpoint', [ref]);
      onProgress({provisioningState: 'Deleting', elapsedMs: 0});
      return true;
    },
    waitForEndpoint: async (ref) => endpoint(ref.endpoint),
    listRoleDefinitions: async (...args) => {
      record('listRoleDefinitions', args);
      const [scope, options] = args;
      const custom = [...definedRoles.values()];
      const owner: RoleDefinitionInfo = {
        id: roleId(scope, OWNER_ROLE_ID),
        name: OWNER_ROLE_ID,
        roleName: 'Owner',
        description: 'Grants full access to manage all resources.',
        roleType: 'BuiltInRole',
        permissions: ownerPermissions,
        assignableScopes: ['/'],
      };
      return options.customOnly ? custom : [owner, ...custom];
    },
    findRoleDefinition: async (...args) => {
      record('findRoleDefinition', args);
      const [nameOrId] = args;
      const hit = [...definedRoles.values()].find(
        (r) => r.roleName.toLowerCase() === nameOrId.toLowerCase() || r.name === nameOrId,
      );
      if (!hit) throw new Error(`no role ${nameOrId}`);
      return hit;
    },
    defineRole: async (...args) => {
      record('defineRole', args);
      const [definition] = args;
      const existing = definedRoles.get(definition.roleName);
      if (existing) return {outcome: 'unchanged', role: existing, differences: []};
      const guid = `77777777-7777-7777-7777-${String(definedRoles.size).padStart(12, '0')}`;
      const role: RoleDefinitionInfo = {
        id: roleId(definition.assignableScopes[0]!, guid),
        name: guid,
        roleName: definition.roleName,
        description: definition.description,
        roleType: 'CustomRole',
        permissions: definition.permissions,
        assignableScopes: definition.assignableScopes,
      };
      definedRoles.set(definition.roleName, role);
      customRoles.set(definition.roleName, role.id);
      return {outcome: 'created', role, differences: []};
    },
    findPrincipal: async (...args) => {
      record('findPrincipal', args);
      const [assignee] = args;
      return {
        objectId: assignee.includes('@') ? '88888888-8888-8888-8888-888888888888' : assignee,
        type: assignee.includes('@') ? 'User' : 'ServicePrincipal',
        label: assignee,
        matchedBy: assignee.includes('@') ? 'userPrincipalName' : 'objectId',
      };
    },
    myPermissions: async (...args) => {
      record('myPermissions', args);
      return ownerPermissions;
    },
    principalPermissions: async (...args) => {
      record('principalPermissions', args);
      return {blocks: readerPermissions, unreadable: []};
    },
    listRoleAssignments: async (...args) => {
      record('listRoleAssignments', args);
      const [scope] = args;
      const sub = `/subscriptions/${subOf(scope)}`;
      const owner: RoleAssignmentInfo = {
        id: `${sub}/providers/Microsoft.Authorization/roleAssignments/44444444-4444-4444-4444-444444444444`,
        name: '44444444-4444-4444-4444-444444444444',
        scope: sub,
        roleDefinitionId: roleId(scope, OWNER_ROLE_ID),
        roleName: 'Owner',
        principalId: identity.objectId,
        principalType: 'User',
        inherited: sub.toLowerCase() !== scope.toLowerCase(),
      };
      const here = assignments.filter((a) => scope.toLowerCase().startsWith(a.scope.toLowerCase()));
      return [
        ...here.map((a) => ({...a, inherited: a.scope.toLowerCase() !== scope.toLowerCase()})),
        owner,
      ];
    },
    ensureRoleDefinition: async (...args) => {
      record('ensureRoleDefinition', args);
      const [template, scope] = args;
      if (template.builtInId) {
        return {id: roleId(scope, template.builtInId), roleName: template.roleName, created: false};
      }
      const existing = customRoles.get(template.roleName);
      if (existing) return {id: existing, roleName: template.roleName, created: false};
      const id = roleId(
        scope,
        `55555555-5555-5555-5555-${String(customRoles.size).padStart(12, '0')}`,
      );
      customRoles.set(template.roleName, id);
      return {id, roleName: template.roleName, created: true};
    },
    assignRole: async (...args) => {
      record('assignRole', args);
      const [roleDefinitionId, principal, scope] = args;
      const guid = roleDefinitionId.split('/').pop()!.toLowerCase();
      const same = assignments.find(
        (a) =>
          a.principalId === principal.objectId &&
          a.scope.toLowerCase() === scope.toLowerCase() &&
          a.roleDefinitionId.split('/').pop()!.toLowerCase() === guid,
      );
      if (same) return {assignment: same, existed: true};
      const name = `66666666-6666-6666-6666-${String(assignments.length).padStart(12, '0')}`;
      const assignment: RoleAssignmentInfo = {
        id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        scope,
        roleDefinitionId,
        roleName:
          [...customRoles].find(([, id]) => id === roleDefinitionId)?.[0] ??
          (guid === 'f6c7c914-8db3-469d-8ca1-694a8f32e121' ? 'AzureML Data Scientist' : guid),
        principalId: principal.objectId,
        principalType: principal.type,
        inherited: false,
      };
      assignments.push(assignment);
      return {assignment, existed: false};
    },
    listKeys: async (...args) => {
      record('listKeys', args);
      return {...keys};
    },
    regenerateKey: async (ref, which, onProgress) => {
      record('regenerateKey', [ref, which]);
      onProgress({provisioningState: 'Updating', elapsedMs: 0});
      generation += 1;
      const value = `${which === 'primary' ? 'pk' : 'sk'}-${String(generation).padStart(40, '0')}`;
      if (which === 'primary') keys.primaryKey = value;
      else keys.secondaryKey = value;
      onProgress({provisioningState: 'Succeeded', elapsedMs: 300});
    },
    amlToken: async (...args) => {
      record('amlToken', args);
      const now = Date.now();
      return {
        kind: 'aml_token',
        value: fakeJwt({
          aud: 'https://churn.eastus.inference.ml.azure.com',
          exp: Math.floor(now / 1000) + 3600,
        }),
        expiresOn: now + 3_600_000,
        refreshAfter: now + 1_800_000,
      };
    },
    aadToken: async (...args) => {
      record('aadToken', args);
      const now = Date.now();
      return {
        kind: 'aad_token',
        value: fakeJwt({
          aud: 'https://ml.azure.com',
          oid: identity.objectId,
          tid: identity.tenantId,
          exp: Math.floor(now / 1000) + 3600,
        }),
        expiresOn: now + 3_600_000,
        refreshAfter: now + 1_800_000,
      };
    },
    invoke: async (...args) => {
      record('invoke', args);
      const [request] = args;
      return okInvokeResult(
        request.deployment
          ? {
              deployment: request.deployment,
              headers: {
                ...okInvokeResult().headers,
                'azureml-model-deployment': request.deployment,
              },
            }
          : {},
      );
    },
    explainError: (err: unknown): AppError => ({
      title: 'Failed',
      detail: err instanceof Error ? err.message : String(err),
      nextSteps: [],
      kind: 'unknown',
    }),
    // The shared workflows: the real ones (source/azure/workflows.ts) over the fakes above,
    // overrides included, as createServices composes them; each call is recorded.
    ...((): WorkflowServices => {
      const shared = <K extends keyof WorkflowServices>(name: K) =>
        ((...args: Parameters<WorkflowServices[K]>) => {
          record(name, args);
          const run = workflows(base)[name] as (
            ...a: typeof args
          ) => ReturnType<WorkflowServices[K]>;
          return run(...args);
        }) as WorkflowServices[K];
      return {
        scoringCredential: shared('scoringCredential'),
        assignRoleTemplate: shared('assignRoleTemplate'),
        findWorkspace: shared('findWorkspace'),
        invokeRepeated: shared('invokeRepeated'),
        readTrafficLog: shared('readTrafficLog'),
      };
    })(),
  };
  return Object.assign(base, overrides, {calls});
}

/** An in-memory profile store with the real one's ordering rules. */
export function memoryProfiles(initial: Profile[] = []): ProfilesPort & {saved: Profile[]} {
  let profiles = [...initial];
  const store = {
    path: '/tmp/test-profiles/config.json',
    get saved() {
      return profiles;
    },
    list: () => [...profiles].sort((a, b) => b.lastUsedAt.localeCompare(a.lastUsedAt)),
    has: (name: string) => profiles.some((p) => p.name === name),
    save: (input: ProfileInput) => {
      const now = new Date().toISOString();
      const p: Profile = {createdAt: now, lastUsedAt: now, ...input} as Profile;
      profiles = [...profiles.filter((x) => x.name !== p.name), p];
      return p;
    },
    rename: (from: string, to: string) => {
      const p = profiles.find((x) => x.name === from);
      if (!p) throw new Error(`no profile ${from}`);
      if (profiles.some((x) => x.name === to)) throw new Error(`a profile named ${to} exists`);
      p.name = to;
      return p;
    },
    remove: (name: string) => {
      const p = profiles.find((x) => x.name === name);
      if (!p) throw new Error(`no profile ${name}`);
      profiles = profiles.filter((x) => x !== p);
      return p;
    },
    touch: (name: string) => {
      const p = profiles.find((x) => x.name === name)!;
      p.lastUsedAt = new Date().toISOString();
      return p;
    },
  };
  return store;
}

export function testEnv(
  overrides: Partial<AppEnvironment> = {},
): AppEnvironment & {copied: string[]} {
  const copied: string[] = [];
  return {
    services: fakeServices(),
    profiles: memoryProfiles(),
    cloudRef: 'TestCloud',
    copy: async (text) => {
      copied.push(text);
      return {ok: true as const, channel: 'osc52' as const};
    },
    openUrl: async () => false,
    copied,
    ...overrides,
  };
}
