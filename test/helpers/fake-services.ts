import type {
  AppError,
  CloudConfig,
  Endpoint,
  Identity,
  Services,
  SignInResult,
  Subscription,
  Workspace,
} from '../../source/azure/types';
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
  tokenCache: 'memory',
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
  const base: Services = {
    cloud,
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
    listDeployments: async () => [],
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
    waitForEndpoint: async (ref) => endpoint(ref.endpoint),
    explainError: (err: unknown): AppError => ({
      title: 'Failed',
      detail: err instanceof Error ? err.message : String(err),
      nextSteps: [],
      kind: 'unknown',
    }),
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
      return 'osc52';
    },
    openUrl: async () => false,
    copied,
    ...overrides,
  };
}
