import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import type {
  AppError,
  CloudConfig,
  CustomRoleDefinition,
  EndpointRef,
  OperationProgress,
} from '../../source/domain/types';
import type {Services} from '../../source/domain/services';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';

// The Services behind the guide's commands, with the real SDKs against the sandbox: role
// definitions (define, reuse, differ, update, list, find), the directory lookup of an assignee
// through the sandbox's Microsoft Graph, and the endpoint DELETE and --no-wait PUTs.

let sandbox: RunningSandbox;
let cloud: CloudConfig;
let sub: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({pageSize: 2});
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
  sub = subscriptionId(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
});

async function signedIn(name = 'ops-automation'): Promise<Services> {
  const services = createServices(cloud, {pollIntervalMs: 50, progressIntervalMs: 100});
  const p = principal(sandbox, name);
  await services.signIn(
    'service-principal',
    {clientId: p.clientId!, clientSecret: p.clientSecret!, tenantId: sandbox.descriptor.tenantId},
    {},
  );
  return services;
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return (err as ServiceError).appError;
}

const rg = () => `/subscriptions/${sub}/resourceGroups/rg-ws-dev`;
const role = (over: Partial<CustomRoleDefinition> = {}): CustomRoleDefinition => ({
  roleName: 'Guide scoring role',
  description: 'Can score against online endpoints.',
  permissions: [
    {
      actions: ['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action'],
      notActions: [],
      dataActions: [],
      notDataActions: [],
    },
  ],
  assignableScopes: [rg()],
  ...over,
});

describe('defineRole', () => {
  it('creates, reuses an identical role, reports one that differs, and updates it only when asked', async () => {
    const services = await signedIn();
    const created = await services.defineRole(role(), {});
    expect(created.outcome).toBe('created');
    expect(created.role.roleType).toBe('CustomRole');
    expect(created.role.assignableScopes).toEqual([rg()]);

    // Action case does not count (Azure compares them case-insensitively).
    const again = await services.defineRole(
      role({
        permissions: [
          {
            actions: ['microsoft.machinelearningservices/workspaces/onlineendpoints/*/action'],
            notActions: [],
            dataActions: [],
            notDataActions: [],
          },
        ],
      }),
      {},
    );
    expect(again).toMatchObject({outcome: 'unchanged', role: {id: created.role.id}});

    const wider = role({
      permissions: [
        {
          actions: [
            'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action',
            'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read',
          ],
          notActions: [],
          dataActions: [],
          notDataActions: [],
        },
      ],
    });
    const differs = await services.defineRole(wider, {});
    expect(differs.outcome).toBe('differs');
    expect(differs.differences).toEqual([
      'Actions adds microsoft.machinelearningservices/workspaces/onlineendpoints/read',
    ]);
    // Nothing was written.
    const still = await services.findRoleDefinition('Guide scoring role', rg());
    expect(still.permissions[0]!.actions).toHaveLength(1);

    const updated = await services.defineRole(wider, {update: true});
    expect(updated).toMatchObject({outcome: 'updated', role: {name: created.role.name}});
    const now = await services.findRoleDefinition(created.role.name, rg());
    expect(now.permissions[0]!.actions).toHaveLength(2);
  });

  it('refuses the name of a built-in role', async () => {
    const services = await signedIn();
    const err = await failure(services.defineRole(role({roleName: 'Reader'}), {}));
    expect(err).toMatchObject({kind: 'conflict', title: '"Reader" is a built-in role'});
  });

  it('is refused for an identity without roleDefinitions/write (nothing created)', async () => {
    const services = await signedIn('scoring-client');
    const err = await failure(services.defineRole(role({roleName: 'Not allowed'}), {}));
    expect(err.kind).toBe('permission');
  });
});

describe('listRoleDefinitions and findRoleDefinition', () => {
  it('lists built-in and custom roles, or custom only, sorted by name', async () => {
    const services = await signedIn();
    await services.defineRole(role({roleName: 'Guide list role'}), {});
    const all = await services.listRoleDefinitions(rg(), {});
    expect(all.some((r) => r.roleName === 'Owner' && r.roleType === 'BuiltInRole')).toBe(true);
    const custom = await services.listRoleDefinitions(rg(), {customOnly: true});
    expect(custom.length).toBeGreaterThan(0);
    expect(custom.every((r) => r.roleType === 'CustomRole')).toBe(true);
    expect(custom.map((r) => r.roleName)).toContain('Guide list role');
    const names = all.map((r) => r.roleName);
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
  });

  it('finds a role by name (any case) or GUID; a typo is notFound with the nearest name', async () => {
    const services = await signedIn();
    const byName = await services.findRoleDefinition('azureml data scientist', rg());
    expect(byName.name).toBe('f6c7c914-8db3-469d-8ca1-694a8f32e121');
    const byId = await services.findRoleDefinition('f6c7c914-8db3-469d-8ca1-694a8f32e121', rg());
    expect(byId.roleName).toBe('AzureML Data Scientist');
    const err = await failure(services.findRoleDefinition('AzureML Data Scientst', rg()));
    expect(err.kind).toBe('notFound');
    expect(err.nextSteps[0]).toBe('Did you mean "AzureML Data Scientist"?');
  });
});

describe('findPrincipal (Microsoft Graph)', () => {
  it('resolves a UPN, an app ID and an object ID to the object ID and type', async () => {
    const services = await signedIn();
    const scientist = principal(sandbox, 'scientist');
    const client = principal(sandbox, 'scoring-client');
    expect(await services.findPrincipal(scientist.name)).toMatchObject({
      objectId: scientist.objectId,
      type: 'User',
      matchedBy: 'userPrincipalName',
    });
    expect(await services.findPrincipal(client.clientId!)).toMatchObject({
      objectId: client.objectId,
      type: 'ServicePrincipal',
      matchedBy: 'appId',
      appId: client.clientId,
    });
    expect(await services.findPrincipal(client.objectId.toUpperCase())).toMatchObject({
      objectId: client.objectId,
      type: 'ServicePrincipal',
      matchedBy: 'objectId',
    });
  });

  it('says notFound for a name or GUID the directory does not have', async () => {
    const services = await signedIn();
    expect(await failure(services.findPrincipal('nobody@contoso.sandbox'))).toMatchObject({
      kind: 'notFound',
      detail: 'No user has the user principal name nobody@contoso.sandbox.',
    });
    expect(
      (await failure(services.findPrincipal('00000000-0000-0000-0000-000000000001'))).kind,
    ).toBe('notFound');
    expect((await failure(services.findPrincipal('not a principal'))).kind).toBe('notFound');
  });

  it('is refused for a cloud with no Graph endpoint, before any request', async () => {
    const services = createServices({...cloud, graphEndpoint: undefined});
    expect((await failure(services.findPrincipal('someone@contoso.sandbox'))).kind).toBe('invalid');
  });
});

describe('endpoint DELETE and --no-wait', () => {
  const ref = (endpoint: string): EndpointRef => ({
    subscriptionId: sub,
    resourceGroup: 'rg-ws-dev',
    workspace: 'ws-dev',
    endpoint,
  });

  it('creates without waiting (Creating), then deletes and reports a second delete as gone', async () => {
    const services = await signedIn();
    const seen: OperationProgress[] = [];
    const accepted = await services.createEndpoint(
      ref('guide-nowait'),
      {
        location: 'eastus',
        authMode: 'key',
        identityType: 'SystemAssigned',
        tags: {team: 'ml'},
      },
      (p) => seen.push(p),
      undefined,
      {noWait: true},
    );
    expect(accepted.provisioningState).toBe('Creating');
    const done = await services.waitForEndpoint(ref('guide-nowait'), () => undefined);
    expect(done).toMatchObject({provisioningState: 'Succeeded', tags: {team: 'ml'}});

    expect(await services.deleteEndpoint(ref('guide-nowait'), () => undefined)).toBe(true);
    expect((await failure(services.getEndpoint(ref('guide-nowait')))).kind).toBe('notFound');
    expect(await services.deleteEndpoint(ref('guide-nowait'), () => undefined)).toBe(false);
  });

  it('changes the auth mode without waiting: accepted while Updating', async () => {
    const services = await signedIn();
    const current = await services.getEndpoint(ref('loan-aml'));
    const accepted = await services.setAuthMode(current, 'key', () => undefined, undefined, {
      noWait: true,
    });
    expect(accepted).toMatchObject({authMode: 'key', provisioningState: 'Updating'});
  });
});
