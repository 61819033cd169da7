import {AuthorizationManagementClient} from '@azure/arm-authorization';
import {
  AzureMachineLearningWorkspaces,
  type ManagedServiceIdentity,
} from '@azure/arm-machinelearning';
import type {TokenCredential} from '@azure/identity';
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {toAppError} from '../../source/azure/errors';
import type {RunningSandbox} from '../../source/sandbox';
import {
  armOptions,
  principal,
  request,
  startTestSandbox,
  subscriptionId,
  userCredential,
} from '../helpers/sandbox';

// Azure's order and words (issue 16, item 3): authorization before the body is validated, the
// request path as the scope of AuthorizationFailed, and LinkedAuthorizationFailed for a
// user-assigned identity the caller may not assign. Shapes from Azure's recorded responses
// (CONTRACT.md section 0: R-AUTHZ-create, R-ML-ws).

const ML = 'Microsoft.MachineLearningServices/workspaces';
const DATA_SCIENTIST = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';
const MI_OPERATOR = 'f1a07417-d97a-45cb-824c-7a7467783830';
const ASSIGN = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';

let sandbox: RunningSandbox;
let sub: string;
let rgScope: string;
let wsScope: string;
let identityId: string;
let owner: TokenCredential;
let scientist: TokenCredential;
let ownerAuthz: AuthorizationManagementClient;
let scientistAuthz: AuthorizationManagementClient;
let ownerMl: AzureMachineLearningWorkspaces;
let scientistMl: AzureMachineLearningWorkspaces;
let scientistOid: string;

const failure = (message: string, action: string, scope: string) =>
  `The client '${principal(sandbox, 'scientist').name}' with object id '${scientistOid}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.` ===
  message;

const scorerIdentity = () =>
  sandbox.descriptor.managedIdentities.find((m) => m.name === 'scorer-id')!;

const endpointBody = (identity?: ManagedServiceIdentity) => ({
  location: 'eastus',
  properties: {authMode: 'AADToken' as const},
  ...(identity ? {identity} : {}),
});

beforeAll(async () => {
  sandbox = await startTestSandbox();
  sub = subscriptionId(sandbox);
  rgScope = `/subscriptions/${sub}/resourceGroups/rg-ws-dev`;
  wsScope = `${rgScope}/providers/${ML}/ws-dev`;
  identityId = `${rgScope}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/scorer-id`;
  owner = userCredential(sandbox, 'owner');
  scientist = userCredential(sandbox, 'scientist');
  ownerAuthz = new AuthorizationManagementClient(owner, sub, armOptions(sandbox));
  scientistAuthz = new AuthorizationManagementClient(scientist, sub, armOptions(sandbox));
  ownerMl = new AzureMachineLearningWorkspaces(owner, sub, armOptions(sandbox));
  scientistMl = new AzureMachineLearningWorkspaces(scientist, sub, armOptions(sandbox));
  scientistOid = principal(sandbox, 'scientist').objectId;
});
afterAll(() => sandbox?.stop());

describe('authorization comes before body validation', () => {
  it('a role-definition PUT with an empty body by the Reader is 403 naming the request path', async () => {
    // The recorded call: PUT …/resourcegroups/{rg}/providers/Microsoft.Authorization/roleDefinitions/{id} with `{}`.
    const scope = `/subscriptions/${sub}/resourcegroups/rg-ws-dev`;
    const guid = randomUUID();
    const err = await scientistAuthz.roleDefinitions
      .createOrUpdate(scope, guid, {})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    const message = (err as Error).message;
    expect(
      failure(
        message,
        'Microsoft.Authorization/roleDefinitions/write',
        `${scope}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
      ),
    ).toBe(true);
  });

  it('the same PUT by the owner reaches validation (400)', async () => {
    const err = await ownerAuthz.roleDefinitions
      .createOrUpdate(rgScope, randomUUID(), {})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 400, code: 'RoleDefinitionNameNullOrEmpty'});
  });

  it('a role-definition PUT with a name that is not a GUID is 403 before it is 400', async () => {
    const err = await scientistAuthz.roleDefinitions
      .createOrUpdate(rgScope, 'not-a-guid', {roleName: 'x'})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    const byOwner = await ownerAuthz.roleDefinitions
      .createOrUpdate(rgScope, 'not-a-guid', {roleName: 'x'})
      .catch((e: unknown) => e);
    expect(byOwner).toMatchObject({statusCode: 400, code: 'InvalidRoleDefinitionId'});
  });

  it('a role-assignment PUT and DELETE by the Reader are 403 naming the assignment path', async () => {
    const name = randomUUID();
    const err = await scientistAuthz.roleAssignments
      .create(wsScope, name, {roleDefinitionId: '', principalId: ''})
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    expect(
      failure(
        (err as Error).message,
        'Microsoft.Authorization/roleAssignments/write',
        `${wsScope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
      ),
    ).toBe(true);
    const del = await scientistAuthz.roleAssignments.delete(wsScope, name).catch((e: unknown) => e);
    expect(del).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
  });

  it('an endpoint PUT with an invalid body by the Reader is 403, not 400', async () => {
    const err = await scientistMl.onlineEndpoints
      .beginCreateOrUpdate('rg-ws-dev', 'ws-dev', 'reader-ep', {
        location: 'eastus',
        properties: {authMode: 'Bogus' as 'Key'},
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'AuthorizationFailed'});
    expect(
      failure(
        (err as Error).message,
        `${ML}/onlineEndpoints/write`,
        `${wsScope}/onlineEndpoints/reader-ep`,
      ),
    ).toBe(true);
  });

  it('a POST action names the resource it acts on, spelled as the request was', async () => {
    const path = `/subscriptions/${sub}/resourcegroups/RG-WS-DEV/providers/${ML}/ws-dev/onlineEndpoints/churn-scorer`;
    const token = (await scientist.getToken(sandbox.descriptor.managementScope))!.token;
    const res = await request(sandbox, `${path}/listKeys?api-version=2025-09-01`, {
      method: 'POST',
      headers: {authorization: `Bearer ${token}`},
    });
    expect(res.status).toBe(403);
    expect(res.headers['x-ms-failure-cause']).toBe('gateway');
    const body = res.json() as {error: {code: string; message: string}};
    expect(body.error.code).toBe('AuthorizationFailed');
    expect(failure(body.error.message, `${ML}/onlineEndpoints/listKeys/action`, path)).toBe(true);
  });
});

describe('user-assigned identities on endpoints', () => {
  it('the identity is a resource the scientist can read once allowed', async () => {
    const token = (await owner.getToken(sandbox.descriptor.managementScope))!.token;
    const res = await request(sandbox, `${identityId}?api-version=2023-01-31`, {
      headers: {authorization: `Bearer ${token}`},
    });
    expect(res.status).toBe(200);
    expect(scorerIdentity()).toMatchObject({kind: 'userAssigned', resourceId: identityId});
    const body = res.json() as {id: string; type: string; properties: Record<string, string>};
    expect(body).toMatchObject({
      id: identityId,
      type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
      properties: {
        tenantId: sandbox.descriptor.tenantId,
        principalId: scorerIdentity().objectId,
        clientId: scorerIdentity().clientId,
      },
    });
  });

  it('a caller with endpoint write but not assign on the identity gets LinkedAuthorizationFailed', async () => {
    await ownerAuthz.roleAssignments.create(wsScope, randomUUID(), {
      roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${DATA_SCIENTIST}`,
      principalId: scientistOid,
      principalType: 'User',
    });
    const err = await scientistMl.onlineEndpoints
      .beginCreateOrUpdate(
        'rg-ws-dev',
        'ws-dev',
        'uai-ep',
        endpointBody({type: 'UserAssigned', userAssignedIdentities: {[identityId]: {}}}),
      )
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'LinkedAuthorizationFailed'});
    expect((err as Error).message).toBe(
      `The client '${principal(sandbox, 'scientist').name}' with object id '${scientistOid}' has permission to perform action '${ML}/onlineEndpoints/write' on scope '${wsScope}/onlineEndpoints/uai-ep'; however, it does not have permission to perform action '${ASSIGN}' on the linked scope(s) '${identityId}' or the linked scope(s) are invalid.`,
    );
    // The app explains it with the linked action and the identity, and the role that grants it.
    const explained = toAppError(err, {operation: 'create endpoint uai-ep'});
    expect(explained.title).toBe(
      "Can't create endpoint uai-ep: missing permission on a linked resource",
    );
    expect(explained.hint).toContain(`lacks '${ASSIGN}' there`);
    expect(explained.nextSteps[0]).toBe(
      `Ask an Owner or User Access Administrator to assign "Managed Identity Operator" to ${principal(sandbox, 'scientist').name} at ${identityId}.`,
    );
    // Nothing was created.
    await expect(
      ownerMl.onlineEndpoints.get('rg-ws-dev', 'ws-dev', 'uai-ep'),
    ).rejects.toMatchObject({statusCode: 404});
  });

  it('the linked check comes before the body is validated', async () => {
    const err = await scientistMl.onlineEndpoints
      .beginCreateOrUpdate('rg-ws-dev', 'ws-dev', 'uai-ep', {
        location: 'nowhere',
        properties: {authMode: 'Bogus' as 'Key'},
        identity: {type: 'UserAssigned', userAssignedIdentities: {[identityId]: {}}},
      })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({statusCode: 403, code: 'LinkedAuthorizationFailed'});
  });

  it('with Managed Identity Operator on the identity the endpoint is created with it', async () => {
    await ownerAuthz.roleAssignments.create(identityId, randomUUID(), {
      roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${MI_OPERATOR}`,
      principalId: scientistOid,
      principalType: 'User',
    });
    const created = await scientistMl.onlineEndpoints.beginCreateOrUpdateAndWait(
      'rg-ws-dev',
      'ws-dev',
      'uai-ep',
      endpointBody({type: 'UserAssigned', userAssignedIdentities: {[identityId]: {}}}),
    );
    expect(created.identity?.type).toBe('UserAssigned');
    expect(created.identity?.principalId).toBeUndefined();
    expect(created.identity?.userAssignedIdentities?.[identityId]).toEqual({
      principalId: scorerIdentity().objectId,
      clientId: scorerIdentity().clientId,
    });
  });

  it('PATCH of identity is linked-checked too, and an unknown identity is a 400', async () => {
    const other = `${rgScope}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/missing-id`;
    const denied = await scientistMl.onlineEndpoints
      .beginUpdate('rg-ws-dev', 'ws-dev', 'uai-ep', {
        identity: {type: 'UserAssigned', userAssignedIdentities: {[other]: {}}},
      })
      .catch((e: unknown) => e);
    expect(denied).toMatchObject({statusCode: 403, code: 'LinkedAuthorizationFailed'});
    expect((denied as Error).message).toContain(`linked scope(s) '${other}'`);
    const missing = await ownerMl.onlineEndpoints
      .beginUpdate('rg-ws-dev', 'ws-dev', 'uai-ep', {
        identity: {type: 'UserAssigned', userAssignedIdentities: {[other]: {}}},
      })
      .catch((e: unknown) => e);
    expect(missing).toMatchObject({statusCode: 400});
    expect((missing as Error).message).toContain('missing-id');
  });

  it('the owner (Owner on the subscription) attaches the identity without a further role', async () => {
    const ep = await ownerMl.onlineEndpoints.beginCreateOrUpdateAndWait(
      'rg-ws-dev',
      'ws-dev',
      'owner-uai-ep',
      endpointBody({
        type: 'SystemAssigned,UserAssigned',
        userAssignedIdentities: {[identityId]: {}},
      }),
    );
    expect(ep.identity?.type).toBe('SystemAssigned,UserAssigned');
    expect(ep.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys(ep.identity?.userAssignedIdentities ?? {})).toEqual([identityId]);
  });
});
