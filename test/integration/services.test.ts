import {mkdtemp, readFile, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import {inspectToken} from '../../source/domain/token';
import type {
  AppError,
  CloudConfig,
  DeviceCodePrompt,
  EndpointRef,
  OperationProgress,
  Workspace,
} from '../../source/domain/types';
import type {Services} from '../../source/domain/services';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';

let sandbox: RunningSandbox;
let cloud: CloudConfig;
let scratch: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({pageSize: 1});
  // Exactly what `--cloud <file>` does in the app.
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
  scratch = await mkdtemp(join(tmpdir(), 'aml-auth-services-'));
});
afterAll(async () => {
  await sandbox?.stop();
  if (scratch) await rm(scratch, {recursive: true, force: true});
});

const fast = () => createServices(cloud, {pollIntervalMs: 50, progressIntervalMs: 100});

/** The AppError a Service call rejected with. */
async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return (err as ServiceError).appError;
}

async function signInUser(
  services: Services,
  user: string,
  prompts: DeviceCodePrompt[] = [],
  box: RunningSandbox = sandbox,
) {
  return services.signIn(
    'device-code',
    {},
    {
      onDeviceCode: (prompt) => {
        prompts.push(prompt);
        box.approveDeviceCode(prompt.userCode, user);
      },
    },
  );
}

const devWorkspace = async (
  services: Services,
  box: RunningSandbox = sandbox,
): Promise<Workspace> => {
  const all = await services.listWorkspaces(subscriptionId(box));
  return all.find((w) => w.name === 'ws-dev')!;
};

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const ref = (ws: Workspace, endpoint: string): EndpointRef => ({
  subscriptionId: ws.subscriptionId,
  resourceGroup: ws.resourceGroup,
  workspace: ws.name,
  endpoint,
});

describe('the sandbox cloud file resolves like any custom cloud', () => {
  it('reads endpoints, scopes, tenant and the CA from cloud.json', () => {
    expect(cloud).toMatchObject({
      name: 'sandbox',
      custom: true,
      resourceManagerEndpoint: sandbox.descriptor.resourceManagerEndpoint,
      authorityHost: sandbox.url,
      managementScope: 'https://management.azure.com/.default',
      mlScope: 'https://ml.azure.com/.default',
      tenantId: sandbox.descriptor.tenantId,
      caCertFile: sandbox.descriptor.caCertFile,
      file: sandbox.descriptor.cloudFile,
    });
    expect(cloud.caPem).toBe(sandbox.caPem);
  });
});

describe('a user signs in with a device code and manages endpoints', () => {
  let services: Services;
  const prompts: DeviceCodePrompt[] = [];
  beforeAll(() => {
    services = fast();
  });

  it('rejects calls before sign-in with an auth error', async () => {
    const rejected = await services.listSubscriptions().catch((err: unknown) => err);
    const e = await failure(Promise.reject(rejected));
    expect(e.kind).toBe('auth');
    expect(e.title).toBe('Not signed in');
    expect(services.explainError(rejected, 'list subscriptions')).toBe(e);
    expect(services.explainError(new Error('boom'), 'list subscriptions')).toMatchObject({
      kind: 'unknown',
      title: "Couldn't list subscriptions",
    });
  });

  it('shows the code through the callback and returns who signed in', async () => {
    const started = Date.now();
    const result = await signInUser(services, 'owner', prompts);
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.verificationUri).toBe(sandbox.descriptor.deviceLoginUrl);
    expect(prompts[0]!.message).toContain(prompts[0]!.userCode);
    expect(prompts[0]!.expiresOn.getTime() - started).toBeGreaterThan(14 * 60_000);
    expect(prompts[0]!).not.toHaveProperty('deviceCode');

    const owner = principal(sandbox, 'owner');
    expect(result.identity).toMatchObject({
      kind: 'user',
      name: 'owner@contoso.sandbox',
      displayName: 'Sandbox Owner',
      objectId: owner.objectId,
      tenantId: sandbox.descriptor.tenantId,
    });
    // The keyring probe ran and found none (no session bus here): memory, and the reason.
    expect(result.tokenCache).toEqual({
      kind: 'memory',
      reason: expect.stringMatching(
        /^(no D-Bus session, so no OS keyring|the token cache plugin \(@azure\/identity-cache-persistence\) is not installed)$/,
      ),
    });
    expect(result.managementToken.expiresOn).toBeGreaterThan(Date.now() + 3000_000);
    expect(result.managementToken.refreshAfter).toBeLessThan(result.managementToken.expiresOn);
    const inspection = inspectToken(result.managementToken.token, cloud.managementScope);
    expect(inspection.audienceOk).toBe(true);
    expect(inspection.scopes).toContain('user_impersonation');

    const record = JSON.parse(result.authenticationRecord!);
    expect(record).toMatchObject({
      username: 'owner@contoso.sandbox',
      tenantId: sandbox.descriptor.tenantId,
    });
    expect(result.authenticationRecord).not.toContain(result.managementToken.token);
  });

  it('hands out the management token again from the same sign-in, without a new code', async () => {
    const grantsBefore = sandbox.requests().filter((r) => r.path.endsWith('/devicecode')).length;
    const token = await services.managementToken();
    expect(inspectToken(token.token, cloud.managementScope).identity.name).toBe(
      'owner@contoso.sandbox',
    );
    expect(sandbox.requests().filter((r) => r.path.endsWith('/devicecode'))).toHaveLength(
      grantsBefore,
    );
    expect(prompts).toHaveLength(1);
  });

  it('lists subscriptions across pages', async () => {
    sandbox.clearRequests();
    const subs = await services.listSubscriptions();
    expect(subs.map((s) => s.displayName).sort()).toEqual(['Sandbox Dev', 'Sandbox Prod']);
    expect(subs.every((s) => s.state === 'Enabled')).toBe(true);
    expect(sandbox.requests().some((r) => /skiptoken/i.test(r.path))).toBe(true);
  });

  it('lists workspaces with resource group and region', async () => {
    const all = await services.listWorkspaces(subscriptionId(sandbox));
    expect(
      all.map((w) => `${w.name}|${w.resourceGroup}|${w.location}|${w.subscriptionId}`).sort(),
    ).toEqual([
      `ws-dev|rg-ws-dev|eastus|${subscriptionId(sandbox)}`,
      `ws-experiments|rg-ws-experiments|westus2|${subscriptionId(sandbox)}`,
    ]);
  });

  it('lists endpoints with user-facing auth modes, state, traffic and scoring URI', async () => {
    const endpoints = await services.listEndpoints(await devWorkspace(services));
    const byName = Object.fromEntries(endpoints.map((e) => [e.endpoint, e]));
    expect(Object.keys(byName).sort()).toEqual(['churn-scorer', 'fraud-aad', 'loan-aml']);
    expect(byName['churn-scorer']).toMatchObject({
      authMode: 'key',
      provisioningState: 'Succeeded',
      traffic: {blue: 90, green: 10},
      resourceGroup: 'rg-ws-dev',
      workspace: 'ws-dev',
      identityType: 'SystemAssigned',
      location: 'eastus',
    });
    expect(byName['churn-scorer']!.scoringUri).toMatch(/\/inference\/churn-scorer\.eastus\/score$/);
    expect(byName['fraud-aad']!.authMode).toBe('aad_token');
    expect(byName['loan-aml']!.authMode).toBe('aml_token');
  });

  it('lists deployments with their share of traffic', async () => {
    const ws = await devWorkspace(services);
    const deployments = await services.listDeployments(ref(ws, 'churn-scorer'));
    expect(
      deployments.map((d) => [d.name, d.trafficPercent, d.provisioningState, d.model]),
    ).toEqual([
      ['blue', 90, 'Succeeded', 'azureml:churn-model:3'],
      ['green', 10, 'Succeeded', 'azureml:churn-model:4'],
    ]);
    const loan = await services.listDeployments(ref(ws, 'loan-aml'));
    expect(loan.map((d) => d.trafficPercent)).toEqual([100, 0]);
  });

  it('creates an endpoint through the long-running operation, reporting progress', async () => {
    const ws = await devWorkspace(services);
    const progress: OperationProgress[] = [];
    const created = await services.createEndpoint(
      ref(ws, 'svc-created'),
      {
        location: 'eastus',
        authMode: 'aml_token',
        identityType: 'SystemAssigned',
        description: 'made by the services test',
      },
      (p) => progress.push(p),
    );
    expect(created).toMatchObject({
      endpoint: 'svc-created',
      authMode: 'aml_token',
      provisioningState: 'Succeeded',
      description: 'made by the services test',
      identityType: 'SystemAssigned',
    });
    const states = progress.map((p) => p.provisioningState);
    expect(states[0]).toBe('Creating');
    expect(states.at(-1)).toBe('Succeeded');
    const elapsed = progress.map((p) => p.elapsedMs);
    expect(elapsed).toEqual([...elapsed].sort((a, b) => a - b));
    expect(sandbox.requests().some((r) => r.path.includes('/mfeOperationsStatus/'))).toBe(true);

    const again = await services.getEndpoint(ref(ws, 'svc-created'));
    expect(again.authMode).toBe('aml_token');
  });

  it('refuses to create over an existing endpoint', async () => {
    const ws = await devWorkspace(services);
    const e = await failure(
      services.createEndpoint(
        ref(ws, 'churn-scorer'),
        {location: 'eastus', authMode: 'aad_token', identityType: 'SystemAssigned'},
        () => undefined,
      ),
    );
    expect(e.kind).toBe('conflict');
    expect(e.title).toContain('churn-scorer');
    const still = await services.getEndpoint(ref(ws, 'churn-scorer'));
    expect(still.authMode).toBe('key');
  });

  it('switches the auth mode with a full PUT that keeps the rest of the endpoint', async () => {
    const ws = await devWorkspace(services);
    const before = await services.getEndpoint(ref(ws, 'churn-scorer'));
    sandbox.clearRequests();
    const progress: OperationProgress[] = [];
    const after = await services.setAuthMode(before, 'aad_token', (p) => progress.push(p));
    expect(after.authMode).toBe('aad_token');
    expect(after.provisioningState).toBe('Succeeded');
    expect(after.traffic).toEqual({blue: 90, green: 10});
    expect(after.description).toBe(before.description);
    expect(after.identityType).toBe('SystemAssigned');
    expect(progress[0]!.provisioningState).toBe('Updating');
    expect(progress.at(-1)!.provisioningState).toBe('Succeeded');
    const writes = sandbox
      .requests()
      .filter((r) => r.method !== 'GET' && r.path.includes('/onlineEndpoints/churn-scorer'));
    expect(writes.map((r) => r.method)).toEqual(['PUT']);

    // Setting the mode it already has changes nothing.
    sandbox.clearRequests();
    const same = await services.setAuthMode(after, 'aad_token', () => undefined);
    expect(same.authMode).toBe('aad_token');
    expect(sandbox.requests().filter((r) => r.method === 'PUT')).toHaveLength(0);
  });

  it('an aborted create rejects as cancelled; waiting for the endpoint follows it to Succeeded', async () => {
    const ws = await devWorkspace(services);
    const controller = new AbortController();
    const pending = services.createEndpoint(
      ref(ws, 'svc-waited'),
      {location: 'eastus', authMode: 'key', identityType: 'None'},
      () => undefined,
      controller.signal,
    );
    await until(() =>
      sandbox.requests().some((r) => r.method === 'PUT' && r.path.includes('/svc-waited?')),
    );
    controller.abort();
    expect((await failure(pending)).kind).toBe('cancelled');

    const progress: OperationProgress[] = [];
    const done = await services.waitForEndpoint(ref(ws, 'svc-waited'), (p) => progress.push(p));
    expect(done.provisioningState).toBe('Succeeded');
    expect(done.identityType).toBe('None');
    expect(progress[0]!.provisioningState).toBe('Creating');
    expect(progress.at(-1)!.provisioningState).toBe('Succeeded');
  });

  it('no polling goes on behind a cancelled create', async () => {
    const slowBox = await startTestSandbox({provisioningDelayMs: 5_000});
    try {
      const slow = createServices(await resolveCloud(slowBox.descriptor.cloudFile), {
        pollIntervalMs: 50,
      });
      await signInUser(slow, 'owner', [], slowBox);
      const ws = await devWorkspace(slow, slowBox);
      const controller = new AbortController();
      const pending = slow.createEndpoint(
        ref(ws, 'svc-orphan'),
        {location: 'eastus', authMode: 'key', identityType: 'None'},
        () => undefined,
        controller.signal,
      );
      // Cancelled while it polls: the create was accepted and at least one poll was made.
      await until(() => slowBox.requests().filter((r) => r.method === 'GET').length >= 2);
      controller.abort();
      expect((await failure(pending)).kind).toBe('cancelled');
      const seen = slowBox.requests().length;
      // At 50 ms between polls, half a second would show about ten of them.
      await new Promise((r) => setTimeout(r, 500));
      expect(slowBox.requests().slice(seen)).toEqual([]);
    } finally {
      await slowBox.stop();
    }
  });

  it('waiting can be cancelled while the endpoint is still updating', async () => {
    // A cloud whose operations take long enough to be caught in the middle.
    const slowBox = await startTestSandbox({provisioningDelayMs: 10_000});
    try {
      const slow = createServices(await resolveCloud(slowBox.descriptor.cloudFile), {
        pollIntervalMs: 10_000,
      });
      await signInUser(slow, 'owner', [], slowBox);
      const ws = await devWorkspace(slow, slowBox);
      const target = await slow.getEndpoint(ref(ws, 'loan-aml'));
      const updating = new AbortController();
      const update = slow.setAuthMode(target, 'key', () => undefined, updating.signal);
      await until(() => slowBox.requests().some((r) => r.method === 'PUT'));
      updating.abort();
      expect((await failure(update)).kind).toBe('cancelled');

      const waiting = new AbortController();
      const progress: OperationProgress[] = [];
      const started = Date.now();
      const pending = slow.waitForEndpoint(
        ref(ws, 'loan-aml'),
        (p) => {
          progress.push(p);
          setTimeout(() => waiting.abort(), 20);
        },
        waiting.signal,
      );
      expect((await failure(pending)).kind).toBe('cancelled');
      expect(progress.map((p) => p.provisioningState)).toEqual(['Updating']);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await slowBox.stop();
    }
  });

  it('the whole session needed exactly one device code', () => {
    expect(prompts).toHaveLength(1);
  });
});

describe('an interactive sign-in that cannot refresh any more', () => {
  it('asks to sign in again rather than showing a new device code', async () => {
    const shortBox = await startTestSandbox({tokenLifetimeMs: 1_000});
    try {
      const services = createServices(await resolveCloud(shortBox.descriptor.cloudFile));
      const prompts: DeviceCodePrompt[] = [];
      await signInUser(services, 'owner', prompts, shortBox);
      // Tokens this short are always refreshed; a reset forgets every refresh token.
      expect((await services.managementToken()).token).toBeTruthy();
      shortBox.reset();
      const e = await failure(services.managementToken());
      expect(e).toMatchObject({kind: 'auth', title: 'Your sign-in needs to be renewed'});
      expect(prompts).toHaveLength(1);
      expect(shortBox.pendingDeviceCodes()).toHaveLength(0);
    } finally {
      await shortBox.stop();
    }
  });
});

describe('a service principal signs in with a client secret', () => {
  it('is identified by its application ID and sees only its subscription', async () => {
    const services = fast();
    const ops = principal(sandbox, 'ops-automation');
    const result = await services.signIn(
      'service-principal',
      {clientId: ops.clientId!, clientSecret: ops.clientSecret!},
      {},
    );
    expect(result.identity).toMatchObject({
      kind: 'servicePrincipal',
      name: ops.clientId,
      appId: ops.clientId,
      objectId: ops.objectId,
      tenantId: sandbox.descriptor.tenantId,
    });
    expect(result.authenticationRecord).toBeUndefined();
    const subs = await services.listSubscriptions();
    expect(subs.map((s) => s.displayName)).toEqual(['Sandbox Dev']);
  });

  it('a wrong secret is explained without echoing it', async () => {
    const services = fast();
    const ops = principal(sandbox, 'ops-automation');
    const secret = 'wrong-secret-value-1234';
    const e = await failure(
      services.signIn('service-principal', {clientId: ops.clientId!, clientSecret: secret}, {}),
    );
    expect(e).toMatchObject({kind: 'auth', code: 'AADSTS7000215'});
    expect(e.title).toMatch(/client secret is wrong/i);
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(e)).not.toContain(secret);
  });

  it('a missing secret is a usage error before any request', async () => {
    const services = fast();
    sandbox.clearRequests();
    const e = await failure(
      services.signIn(
        'service-principal',
        {clientId: principal(sandbox, 'ops-automation').clientId!},
        {},
      ),
    );
    expect(e.kind).toBe('invalid');
    expect(e.title).toMatch(/client secret/);
    expect(sandbox.requests()).toHaveLength(0);
  });
});

describe('failures are explained', () => {
  it('the scientist creating an endpoint gets the missing action, scope and role', async () => {
    const services = fast();
    await signInUser(services, 'scientist');
    const ws = await devWorkspace(services);
    const e = await failure(
      services.createEndpoint(
        ref(ws, 'sci-endpoint'),
        {location: 'eastus', authMode: 'key', identityType: 'SystemAssigned'},
        () => undefined,
      ),
    );
    const scope = `${ws.id}/onlineEndpoints/sci-endpoint`;
    expect(e).toMatchObject({kind: 'permission', status: 403, code: 'AuthorizationFailed'});
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.hint).toContain('Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write');
    expect(e.hint).toContain(scope);
    expect(e.nextSteps[0]).toContain('"AzureML Data Scientist"');
    expect(e.nextSteps[0]).toContain(ws.id);
    expect(e.nextSteps.join('\n')).toContain(
      `--assignee ${principal(sandbox, 'scientist').objectId}`,
    );
  });

  it('an aborted device-code sign-in is cancelled, not an error', async () => {
    const services = fast();
    const controller = new AbortController();
    const e = await failure(
      services.signIn(
        'device-code',
        {},
        {onDeviceCode: () => setTimeout(() => controller.abort(), 50)},
        controller.signal,
      ),
    );
    expect(e.kind).toBe('cancelled');
  });

  it('a declined device code says so', async () => {
    const services = fast();
    const e = await failure(
      services.signIn(
        'device-code',
        {},
        {onDeviceCode: (p) => sandbox.declineDeviceCode(p.userCode)},
      ),
    );
    expect(e).toMatchObject({kind: 'auth', code: 'AADSTS70019'});
  });

  it('an unknown tenant is diagnosed as AADSTS90002', async () => {
    const services = fast();
    const ops = principal(sandbox, 'ops-automation');
    const e = await failure(
      services.signIn(
        'service-principal',
        {
          tenantId: '11111111-2222-3333-4444-555555555555',
          clientId: ops.clientId!,
          clientSecret: ops.clientSecret!,
        },
        {},
      ),
    );
    expect(e).toMatchObject({kind: 'auth', code: 'AADSTS90002'});
    expect(e.title).toMatch(/tenant was not found/i);
  });

  it('a cloud file without its CA names the host and the caCertFile option', async () => {
    const raw = JSON.parse(await readFile(sandbox.descriptor.cloudFile, 'utf8'));
    delete raw.caCertFile;
    const file = join(scratch, 'no-ca.json');
    await writeFile(file, JSON.stringify(raw));
    const services = createServices(await resolveCloud(file));
    const ops = principal(sandbox, 'ops-automation');
    const e = await failure(
      services.signIn(
        'service-principal',
        {clientId: ops.clientId!, clientSecret: ops.clientSecret!},
        {},
      ),
    );
    expect(e.kind).toBe('network');
    expect(e.title).toContain(`127.0.0.1:${sandbox.port}`);
    expect(e.title).toMatch(/not trusted/);
    expect(e.hint).toContain('caCertFile');
    expect(e.hint).toContain(file);
  });

  it('a cloud whose authority does not answer names the host', async () => {
    const raw = JSON.parse(await readFile(sandbox.descriptor.cloudFile, 'utf8'));
    raw.authorityHost = 'https://127.0.0.1:1';
    raw.caCertFile = sandbox.descriptor.caCertFile;
    const file = join(scratch, 'closed.json');
    await writeFile(file, JSON.stringify(raw));
    const services = createServices(await resolveCloud(file));
    const ops = principal(sandbox, 'ops-automation');
    const e = await failure(
      services.signIn(
        'service-principal',
        {clientId: ops.clientId!, clientSecret: ops.clientSecret!},
        {},
      ),
    );
    expect(e).toMatchObject({kind: 'network', code: 'ECONNREFUSED'});
    expect(e.title).toContain('127.0.0.1:1');
  });
});
