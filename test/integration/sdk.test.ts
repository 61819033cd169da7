import {AuthorizationManagementClient} from '@azure/arm-authorization';
import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {
  armOptions,
  principal,
  request,
  servicePrincipalCredential,
  startTestSandbox,
  subscriptionId,
  userCredential,
} from '../helpers/sandbox';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox({pageSize: 1});
});
afterAll(() => sandbox?.stop());

const decode = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

describe('the real @azure/identity credentials sign in to the sandbox', () => {
  it('ClientSecretCredential gets a management token with the right claims and expiry', async () => {
    const credential = servicePrincipalCredential(sandbox, 'ops-automation');
    const token = await credential.getToken('https://management.azure.com/.default');
    const claims = decode(token.token);
    expect(claims.aud).toBe('https://management.azure.com');
    expect(claims.oid).toBe(principal(sandbox, 'ops-automation').objectId);
    expect(claims.tid).toBe(sandbox.descriptor.tenantId);
    expect(claims.appid).toBe(principal(sandbox, 'ops-automation').clientId);
    expect(claims.exp - claims.iat).toBe(3599);
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3500_000);
    expect(token.refreshAfterTimestamp).toBeLessThan(token.expiresOnTimestamp);
  });

  it('a wrong client secret is refused with invalid_client (AADSTS7000215)', async () => {
    const p = principal(sandbox, 'ops-automation');
    const {ClientSecretCredential} = await import('@azure/identity');
    const bad = new ClientSecretCredential(
      sandbox.descriptor.tenantId,
      p.clientId!,
      'not-the-secret',
      {
        authorityHost: sandbox.descriptor.authorityHost,
        disableInstanceDiscovery: true,
        tlsOptions: armOptions(sandbox).tlsOptions,
      },
    );
    await expect(bad.getToken('https://management.azure.com/.default')).rejects.toThrow(
      /AADSTS7000215/,
    );
  });

  it('DeviceCodeCredential signs a user in once and gets a second audience silently', async () => {
    const prompts: string[] = [];
    const {DeviceCodeCredential} = await import('@azure/identity');
    const credential = new DeviceCodeCredential({
      authorityHost: sandbox.descriptor.authorityHost,
      disableInstanceDiscovery: true,
      tlsOptions: armOptions(sandbox).tlsOptions,
      tenantId: sandbox.descriptor.tenantId,
      userPromptCallback: (info) => {
        prompts.push(info.message);
        sandbox.approveDeviceCode(info.userCode, 'scientist');
      },
    });
    const record = await credential.authenticate('https://management.azure.com/.default');
    expect(record?.username).toBe('scientist@contoso.sandbox');
    expect(record?.tenantId).toBe(sandbox.descriptor.tenantId);
    expect(prompts[0]).toMatch(/devicelogin/);
    const ml = await credential.getToken('https://ml.azure.com/.default');
    expect(decode(ml.token).aud).toBe('https://ml.azure.com');
    expect(decode(ml.token).upn).toBe('scientist@contoso.sandbox');
    expect(prompts).toHaveLength(1);
    const grants = sandbox.requests().filter((r) => r.path.endsWith('/oauth2/v2.0/devicecode'));
    expect(grants).toHaveLength(1);
  });
});

describe('the real ARM clients manage the sandbox', () => {
  const ownerApp = () => servicePrincipalCredential(sandbox, 'ops-automation');

  it('lists subscriptions across pages', async () => {
    const client = new SubscriptionClient(
      servicePrincipalCredential(sandbox, 'ops-automation'),
      armOptions(sandbox),
    );
    const names: string[] = [];
    for await (const s of client.subscriptions.list()) names.push(s.displayName!);
    // ops-automation is Owner of Sandbox Dev only.
    expect(names).toEqual(['Sandbox Dev']);
    const owner = new SubscriptionClient(userCredential(sandbox, 'owner'), armOptions(sandbox));
    const all: string[] = [];
    for await (const s of owner.subscriptions.list()) all.push(s.displayName!);
    expect(all.sort()).toEqual(['Sandbox Dev', 'Sandbox Prod']);
    const pages = sandbox.requests().filter((r) => r.path.startsWith('/subscriptions?'));
    expect(pages.some((r) => r.path.includes('skiptoken'))).toBe(true);
  });

  it('lists workspaces and endpoints, creates an endpoint through the LRO, and deletes it', async () => {
    const sub = subscriptionId(sandbox);
    const client = new AzureMachineLearningWorkspaces(ownerApp(), sub, armOptions(sandbox));
    const workspaces: string[] = [];
    for await (const w of client.workspaces.listBySubscription()) workspaces.push(w.name!);
    expect(workspaces.sort()).toEqual(['ws-dev', 'ws-experiments']);

    const endpoints: string[] = [];
    for await (const e of client.onlineEndpoints.list('rg-ws-dev', 'ws-dev'))
      endpoints.push(`${e.name}:${e.properties.authMode}`);
    expect(endpoints.sort()).toEqual([
      'churn-scorer:Key',
      'fraud-aad:AADToken',
      'loan-aml:AMLToken',
    ]);

    const created = await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      'rg-ws-dev',
      'ws-dev',
      'sdk-created',
      {
        location: 'eastus',
        identity: {type: 'SystemAssigned'},
        properties: {authMode: 'AMLToken', description: 'from the SDK'},
      },
      {updateIntervalInMs: 50},
    );
    expect(created.properties.provisioningState).toBe('Succeeded');
    expect(created.properties.authMode).toBe('AMLToken');
    expect(created.properties.scoringUri).toMatch(
      /^https:\/\/127\.0\.0\.1:\d+\/inference\/sdk-created\.eastus\/score$/,
    );
    const polls = sandbox.requests().filter((r) => r.path.includes('/mfeOperationsStatus/'));
    expect(polls.length).toBeGreaterThan(0);

    // Switching auth mode is a full PUT.
    const switched = await client.onlineEndpoints.beginCreateOrUpdateAndWait(
      'rg-ws-dev',
      'ws-dev',
      'sdk-created',
      {location: 'eastus', identity: {type: 'SystemAssigned'}, properties: {authMode: 'Key'}},
      {updateIntervalInMs: 50},
    );
    expect(switched.properties.authMode).toBe('Key');

    await client.onlineEndpoints.beginDeleteAndWait('rg-ws-dev', 'ws-dev', 'sdk-created', {
      updateIntervalInMs: 50,
    });
    await expect(
      client.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'sdk-created'),
    ).rejects.toMatchObject({statusCode: 404});
  });

  it('lists keys, regenerates one (the key really changes), and gets an aml token', async () => {
    const client = new AzureMachineLearningWorkspaces(
      ownerApp(),
      subscriptionId(sandbox),
      armOptions(sandbox),
    );
    const before = await client.onlineEndpoints.listKeys('rg-ws-dev', 'ws-dev', 'churn-scorer');
    expect(before.primaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await client.onlineEndpoints.beginRegenerateKeysAndWait(
      'rg-ws-dev',
      'ws-dev',
      'churn-scorer',
      {keyType: 'Primary'},
      {updateIntervalInMs: 50},
    );
    const after = await client.onlineEndpoints.listKeys('rg-ws-dev', 'ws-dev', 'churn-scorer');
    expect(after.primaryKey).not.toBe(before.primaryKey);
    expect(after.secondaryKey).toBe(before.secondaryKey);

    const token = await client.onlineEndpoints.getToken('rg-ws-dev', 'ws-dev', 'loan-aml');
    const now = Math.floor(Date.now() / 1000);
    expect(token.tokenType).toBe('Bearer');
    expect(token.expiryTimeUtc! - now).toBeGreaterThan(86_000);
    expect(token.refreshAfterTimeUtc! - now).toBeGreaterThan(43_000);
    expect(token.refreshAfterTimeUtc!).toBeLessThan(token.expiryTimeUtc!);

    const deployments: string[] = [];
    for await (const d of client.onlineDeployments.list('rg-ws-dev', 'ws-dev', 'loan-aml'))
      deployments.push(d.name!);
    expect(deployments).toEqual(['v1', 'v2']);
  });

  it('creates a custom role definition and a role assignment, lists them and permissions', async () => {
    const sub = subscriptionId(sandbox);
    const client = new AzureMachineLearningWorkspaces(ownerApp(), sub, armOptions(sandbox));
    void client;
    const owner = userCredential(sandbox, 'owner');
    const authz = new AuthorizationManagementClient(owner, sub, armOptions(sandbox));
    const wsScope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
    const roleId = randomUUID();
    const role = await authz.roleDefinitions.createOrUpdate(`/subscriptions/${sub}`, roleId, {
      roleName: 'Sandbox score-only',
      description: 'Read endpoints and score them',
      roleType: 'CustomRole',
      permissions: [
        {
          actions: [
            'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read',
            'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action',
          ],
        },
      ],
      assignableScopes: [`/subscriptions/${sub}`],
    });
    expect(role.roleName).toBe('Sandbox score-only');
    expect(role.roleType).toBe('CustomRole');

    const found: string[] = [];
    for await (const r of authz.roleDefinitions.list(`/subscriptions/${sub}`, {
      filter: "roleName eq 'AzureML Data Scientist'",
    })) {
      found.push(r.name!);
    }
    expect(found).toEqual(['f6c7c914-8db3-469d-8ca1-694a8f32e121']);

    const scoring = principal(sandbox, 'scoring-client');
    const assignment = await authz.roleAssignments.create(wsScope, randomUUID(), {
      roleDefinitionId: role.id!,
      principalId: scoring.objectId,
      principalType: 'ServicePrincipal',
    });
    expect(assignment.principalId).toBe(scoring.objectId);
    expect(assignment.scope?.toLowerCase()).toBe(wsScope.toLowerCase());

    const atScope: string[] = [];
    for await (const a of authz.roleAssignments.listForScope(wsScope, {filter: 'atScope()'}))
      atScope.push(a.principalId!);
    expect(atScope).toContain(scoring.objectId);
    expect(atScope).toContain(principal(sandbox, 'owner').objectId); // inherited from the subscription

    // The same assignment again is detected, not duplicated.
    await expect(
      authz.roleAssignments.create(wsScope, randomUUID(), {
        roleDefinitionId: role.id!,
        principalId: scoring.objectId,
        principalType: 'ServicePrincipal',
      }),
    ).rejects.toMatchObject({statusCode: 409, code: 'RoleAssignmentExists'});

    const perms = [];
    for await (const p of authz.permissions.listForResource(
      'rg-ws-dev',
      'Microsoft.MachineLearningServices',
      'workspaces/ws-dev',
      'onlineEndpoints',
      'fraud-aad',
    )) {
      perms.push(p);
    }
    expect(perms.flatMap((p) => p.actions)).toContain('*');
    const rgPerms = [];
    for await (const p of authz.permissions.listForResourceGroup('rg-ws-dev')) rgPerms.push(p);
    expect(rgPerms.length).toBeGreaterThan(0);
  });

  it('every ARM response carries the request-id headers', async () => {
    const token = await servicePrincipalCredential(sandbox, 'ops-automation').getToken(
      'https://management.azure.com/.default',
    );
    const res = await request(sandbox, `/subscriptions?api-version=2022-12-01`, {
      headers: {authorization: `Bearer ${token.token}`},
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-ms-correlation-request-id']).toBeTruthy();
    expect(res.headers['x-ms-routing-request-id']).toMatch(/^SANDBOX:/);
  });
});
