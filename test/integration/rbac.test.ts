import {AuthorizationManagementClient} from '@azure/arm-authorization';
import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import type {TokenCredential} from '@azure/identity';
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

const ML = 'Microsoft.MachineLearningServices/workspaces';
const LIST_KEYS = `${ML}/onlineEndpoints/listKeys/action`;
const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const USER_ACCESS_ADMIN = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const SAMPLE = JSON.stringify({
  input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]},
});

let sandbox: RunningSandbox;
let sub: string;
let wsScope: string;
let owner: TokenCredential;
let scientist: TokenCredential;
let ownerAuthz: AuthorizationManagementClient;
let scientistMl: AzureMachineLearningWorkspaces;

const roleId = (guid: string) =>
  `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sub = subscriptionId(sandbox);
  wsScope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/${ML}/ws-dev`;
  owner = userCredential(sandbox, 'owner');
  scientist = userCredential(sandbox, 'scientist');
  ownerAuthz = new AuthorizationManagementClient(owner, sub, armOptions(sandbox));
  scientistMl = new AzureMachineLearningWorkspaces(scientist, sub, armOptions(sandbox));
});
afterAll(() => sandbox?.stop());

describe('the scientist (Reader on ws-dev only) sees only ws-dev', () => {
  it('lists only Sandbox Dev and cannot get Sandbox Prod', async () => {
    const client = new SubscriptionClient(scientist, armOptions(sandbox));
    const names: string[] = [];
    for await (const s of client.subscriptions.list()) names.push(s.displayName!);
    expect(names).toEqual(['Sandbox Dev']);
    await expect(
      client.subscriptions.get(subscriptionId(sandbox, 'Sandbox Prod')),
    ).rejects.toMatchObject({statusCode: 404, code: 'SubscriptionNotFound'});
  });

  it('lists only ws-dev among the Dev workspaces and is denied ws-prod', async () => {
    const names: string[] = [];
    for await (const w of scientistMl.workspaces.listBySubscription()) names.push(w.name!);
    expect(names).toEqual(['ws-dev']);
    await expect(
      scientistMl.workspaces.get('rg-ws-experiments', 'ws-experiments'),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    const prod = new AzureMachineLearningWorkspaces(
      scientist,
      subscriptionId(sandbox, 'Sandbox Prod'),
      armOptions(sandbox),
    );
    const err = await prod.workspaces.get('rg-ws-prod', 'ws-prod').catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    expect((err as Error).message).toContain(`${ML}/read`);
  });

  it('lists and gets the ws-dev endpoints', async () => {
    const names: string[] = [];
    for await (const e of scientistMl.onlineEndpoints.list('rg-ws-dev', 'ws-dev'))
      names.push(e.name!);
    expect(names.sort()).toEqual(['churn-scorer', 'fraud-aad', 'loan-aml']);
    const ep = await scientistMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'churn-scorer');
    expect(ep.properties.authMode).toBe('Key');
  });

  it('cannot create an endpoint (403 on write)', async () => {
    const err = await scientistMl.onlineEndpoints
      .beginCreateOrUpdateAndWait(
        'rg-ws-dev',
        'ws-dev',
        'scientist-ep',
        {location: 'eastus', properties: {authMode: 'Key'}},
        {updateIntervalInMs: 50},
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    expect((err as Error).message).toContain(`${ML}/onlineEndpoints/write`);
    const ownerMl = new AzureMachineLearningWorkspaces(owner, sub, armOptions(sandbox));
    await expect(
      ownerMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'scientist-ep'),
    ).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('listKeys needs a role that grants it', () => {
  let assignmentName: string;

  it('is denied to the scientist with AuthorizationFailed naming the action and scope', async () => {
    const err = await scientistMl.onlineEndpoints
      .listKeys('rg-ws-dev', 'ws-dev', 'churn-scorer')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    const message = (err as Error).message;
    expect(message).toContain(`'${LIST_KEYS}'`);
    expect(message).toContain(`over scope '${wsScope}/onlineEndpoints/churn-scorer'`);
    expect(message).toContain(principal(sandbox, 'scientist').objectId);
  });

  it('succeeds once the owner assigns AzureML Data Scientist at the workspace', async () => {
    assignmentName = randomUUID();
    const created = await ownerAuthz.roleAssignments.create(wsScope, assignmentName, {
      roleDefinitionId: roleId(DATA_SCIENTIST),
      principalId: principal(sandbox, 'scientist').objectId,
      principalType: 'User',
    });
    expect(created.name).toBe(assignmentName);
    // The same cached token: RBAC is evaluated per request.
    const keys = await scientistMl.onlineEndpoints.listKeys('rg-ws-dev', 'ws-dev', 'churn-scorer');
    expect(keys.primaryKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(keys.secondaryKey).not.toBe(keys.primaryKey);

    const authz = new AuthorizationManagementClient(scientist, sub, armOptions(sandbox));
    const actions: string[] = [];
    const notActions: string[] = [];
    for await (const p of authz.permissions.listForResource(
      'rg-ws-dev',
      'Microsoft.MachineLearningServices',
      'workspaces/ws-dev',
      'onlineEndpoints',
      'churn-scorer',
    )) {
      actions.push(...p.actions!);
      notActions.push(...p.notActions!);
    }
    expect(actions).toContain(`${ML}/*/action`);
    expect(actions).toContain('*/read');
    expect(notActions).toContain(`${ML}/listKeys/action`);
  });

  it('is denied again once the assignment is deleted', async () => {
    await ownerAuthz.roleAssignments.delete(wsScope, assignmentName);
    await expect(
      scientistMl.onlineEndpoints.listKeys('rg-ws-dev', 'ws-dev', 'churn-scorer'),
    ).rejects.toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    await expect(ownerAuthz.roleAssignments.get(wsScope, assignmentName)).rejects.toMatchObject({
      statusCode: 404,
      code: 'RoleAssignmentNotFound',
    });
  });
});

describe('AADToken scoring needs score/action at the endpoint', () => {
  it('scoring-client is refused until granted a custom role with score/action', async () => {
    const sp = servicePrincipalCredential(sandbox, 'scoring-client');
    const token = (await sp.getToken(sandbox.descriptor.mlScope)).token;
    const ownerMl = new AzureMachineLearningWorkspaces(owner, sub, armOptions(sandbox));
    const ep = await ownerMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'fraud-aad');
    const score = () =>
      request(sandbox, ep.properties.scoringUri!, {
        method: 'POST',
        headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
        body: SAMPLE,
      });

    const denied = await score();
    expect(denied.status).toBe(401);
    expect(denied.text).toBe('aad_token_access_denied');

    const role = await ownerAuthz.roleDefinitions.createOrUpdate(
      `/subscriptions/${sub}`,
      randomUUID(),
      {
        roleName: 'Endpoint scorer',
        roleType: 'CustomRole',
        permissions: [{actions: [`${ML}/onlineEndpoints/score/action`]}],
        assignableScopes: [`/subscriptions/${sub}`],
      },
    );
    await ownerAuthz.roleAssignments.create(ep.id!, randomUUID(), {
      roleDefinitionId: role.id!,
      principalId: principal(sandbox, 'scoring-client').objectId,
      principalType: 'ServicePrincipal',
    });

    const allowed = await score();
    expect(allowed.status).toBe(200);
    expect(allowed.json()).toEqual(['fraud']);
    expect(allowed.headers['azureml-model-deployment']).toBe('main');

    // Granted at fraud-aad only: the role does not leak to the sibling endpoints' control plane.
    const spMl = new AzureMachineLearningWorkspaces(sp, sub, armOptions(sandbox));
    await expect(
      spMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'fraud-aad'),
    ).rejects.toMatchObject({
      statusCode: 403,
    });
  });
});

describe('notActions are honoured', () => {
  it('Contributor cannot write role assignments; User Access Administrator can', async () => {
    const scoring = principal(sandbox, 'scoring-client');
    await ownerAuthz.roleAssignments.create(wsScope, randomUUID(), {
      roleDefinitionId: roleId(CONTRIBUTOR),
      principalId: scoring.objectId,
      principalType: 'ServicePrincipal',
    });
    const spAuthz = new AuthorizationManagementClient(
      servicePrincipalCredential(sandbox, 'scoring-client'),
      sub,
      armOptions(sandbox),
    );
    const grant = () =>
      spAuthz.roleAssignments.create(wsScope, randomUUID(), {
        roleDefinitionId: roleId(READER),
        principalId: principal(sandbox, 'ops-automation').objectId,
        principalType: 'ServicePrincipal',
      });

    // Contributor's '*' covers writes to the workspace …
    const spMl = new AzureMachineLearningWorkspaces(
      servicePrincipalCredential(sandbox, 'scoring-client'),
      sub,
      armOptions(sandbox),
    );
    const keys = await spMl.onlineEndpoints.listKeys('rg-ws-dev', 'ws-dev', 'churn-scorer');
    expect(keys.primaryKey).toBeTruthy();
    // … but its notActions take Microsoft.Authorization/*/Write away.
    const err = await grant().catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    expect((err as Error).message).toContain('Microsoft.Authorization/roleAssignments/write');
    // Reading assignments is still allowed.
    const seen: string[] = [];
    for await (const a of spAuthz.roleAssignments.listForScope(wsScope, {filter: 'atScope()'}))
      seen.push(a.principalId!);
    expect(seen).toContain(scoring.objectId);

    await ownerAuthz.roleAssignments.create(wsScope, randomUUID(), {
      roleDefinitionId: roleId(USER_ACCESS_ADMIN),
      principalId: scoring.objectId,
      principalType: 'ServicePrincipal',
    });
    const created = await grant();
    expect(created.principalId).toBe(principal(sandbox, 'ops-automation').objectId);
    expect(created.roleDefinitionId?.toLowerCase()).toContain(READER);
  });
});

describe('role assignment errors', () => {
  const create = (
    principalId: string,
    principalType: 'User' | 'ServicePrincipal',
    role = DATA_SCIENTIST,
  ) =>
    ownerAuthz.roleAssignments.create(wsScope, randomUUID(), {
      roleDefinitionId: roleId(role),
      principalId,
      principalType,
    });

  it('an unknown principal is PrincipalNotFound (400)', async () => {
    const err = await create(randomUUID(), 'User').catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 400, code: 'PrincipalNotFound'});
  });

  it('a principal of another type is UnmatchedPrincipalType (400)', async () => {
    await expect(
      create(principal(sandbox, 'scoring-client').objectId, 'User'),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'UnmatchedPrincipalType',
    });
    await expect(
      create(principal(sandbox, 'scientist').objectId, 'ServicePrincipal'),
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'UnmatchedPrincipalType',
    });
  });

  it('the same role for the same principal at the same scope is RoleAssignmentExists (409)', async () => {
    // The scientist's seeded Reader assignment at ws-dev.
    await expect(
      create(principal(sandbox, 'scientist').objectId, 'User', READER),
    ).rejects.toMatchObject({
      statusCode: 409,
      code: 'RoleAssignmentExists',
    });
  });

  it("deleting the seeded Reader assignment takes the scientist's access away", async () => {
    const scientistId = principal(sandbox, 'scientist').objectId;
    const mine = [];
    for await (const a of ownerAuthz.roleAssignments.listForScope(wsScope, {
      filter: `principalId eq '${scientistId}'`,
    }))
      mine.push(a);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.roleDefinitionId!.toLowerCase()).toContain(READER);
    const before = await scientistMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'loan-aml');
    expect(before.name).toBe('loan-aml');

    await ownerAuthz.roleAssignments.delete(wsScope, mine[0]!.name!);
    await expect(
      scientistMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'loan-aml'),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    const names: string[] = [];
    for await (const w of scientistMl.workspaces.listBySubscription()) names.push(w.name!);
    expect(names).toEqual([]);
  });
});
