import {describe, expect, it} from 'vitest';
import {
  actionMatches,
  applicableAssignments,
  blockAllows,
  effectivePermissions,
  hasAnyAccessWithin,
  isAllowed,
  roleById,
} from '../../source/sandbox/rbac';
import {
  AZUREML_DATA_SCIENTIST,
  CONTRIBUTOR,
  READER,
  type PermissionBlock,
} from '../../source/sandbox/roles';
import {
  endpointScope,
  OWNER_UPN,
  SCIENTIST_UPN,
  seedWorld,
  workspaceScope,
  type World,
} from '../../source/sandbox/world';

const EP = 'Microsoft.MachineLearningServices/workspaces/onlineEndpoints';
const block = (actions: string[], notActions: string[] = []): PermissionBlock => ({
  actions,
  notActions,
  dataActions: [],
  notDataActions: [],
});

describe('actionMatches', () => {
  it('matches an exact action and nothing longer or shorter', () => {
    expect(actionMatches(`${EP}/read`, `${EP}/read`)).toBe(true);
    expect(actionMatches(`${EP}/read`, `${EP}/readx`)).toBe(false);
    expect(actionMatches(`${EP}/read`, `${EP}/rea`)).toBe(false);
    expect(actionMatches(`${EP}/read`, `x${EP}/read`)).toBe(false);
  });

  it('is case-insensitive in pattern and action', () => {
    expect(actionMatches('microsoft.machinelearningservices/*/READ', `${EP}/read`)).toBe(true);
    expect(actionMatches(`${EP}/listKeys/action`, `${EP.toUpperCase()}/LISTKEYS/ACTION`)).toBe(
      true,
    );
  });

  it('lets * span any run of characters, slashes included', () => {
    expect(actionMatches('*', `${EP}/listKeys/action`)).toBe(true);
    expect(actionMatches('*/read', `${EP}/read`)).toBe(true);
    expect(actionMatches('*/read', `${EP}/listKeys/action`)).toBe(false);
    expect(
      actionMatches('Microsoft.MachineLearningServices/workspaces/*/action', `${EP}/score/action`),
    ).toBe(true);
    expect(actionMatches(`${EP}/*/action`, `${EP}/read`)).toBe(false);
  });

  it('lets a * between slashes match no segment at all (Managed Identity Operator)', () => {
    const assign = 'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action';
    expect(
      actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action', assign),
    ).toBe(true);
    expect(actionMatches('Microsoft.ManagedIdentity/userAssignedIdentities/*/read', assign)).toBe(
      false,
    );
    expect(
      actionMatches(
        'Microsoft.ManagedIdentity/*/assign/action',
        'Microsoft.ManagedIdentityX/assign/action',
      ),
    ).toBe(false);
  });

  it('treats regex metacharacters in patterns literally', () => {
    // '.' must not match an arbitrary character.
    expect(
      actionMatches('Microsoft.Authorization/*', 'MicrosoftXAuthorization/roleAssignments/write'),
    ).toBe(false);
    expect(actionMatches('a+b/(c)', 'a+b/(c)')).toBe(true);
    expect(actionMatches('a+b/(c)', 'aab/c')).toBe(false);
  });
});

describe('blockAllows', () => {
  it('grants what actions allow unless a notAction removes it', () => {
    const contributorLike = block(
      ['*'],
      ['Microsoft.Authorization/*/Write', 'Microsoft.Authorization/*/Delete'],
    );
    expect(blockAllows(contributorLike, `${EP}/write`)).toBe(true);
    expect(blockAllows(contributorLike, 'Microsoft.Authorization/roleAssignments/read')).toBe(true);
    expect(blockAllows(contributorLike, 'Microsoft.Authorization/roleAssignments/write')).toBe(
      false,
    );
    expect(blockAllows(contributorLike, 'Microsoft.Authorization/roleDefinitions/delete')).toBe(
      false,
    );
  });

  it('does not grant an action no pattern names', () => {
    expect(blockAllows(block(['*/read']), `${EP}/listKeys/action`)).toBe(false);
    expect(blockAllows(block([]), `${EP}/read`)).toBe(false);
  });

  it('checks dataActions/notDataActions only when asked for a data action', () => {
    const b: PermissionBlock = {
      actions: [],
      notActions: [],
      dataActions: ['Microsoft.Storage/*'],
      notDataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete'],
    };
    const read = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
    expect(blockAllows(b, read)).toBe(false);
    expect(blockAllows(b, read, true)).toBe(true);
    expect(
      blockAllows(
        b,
        'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete',
        true,
      ),
    ).toBe(false);
  });

  it('AzureML Data Scientist may list endpoint keys but not workspace keys', () => {
    const ds = roleById(seedWorld(), AZUREML_DATA_SCIENTIST)!;
    const b = ds.permissions[0]!;
    expect(blockAllows(b, `${EP}/listKeys/action`)).toBe(true);
    expect(blockAllows(b, `${EP}/score/action`)).toBe(true);
    expect(blockAllows(b, 'Microsoft.MachineLearningServices/workspaces/listKeys/action')).toBe(
      false,
    );
    expect(blockAllows(b, 'Microsoft.MachineLearningServices/workspaces/write')).toBe(false);
    expect(blockAllows(b, 'Microsoft.Authorization/roleAssignments/write')).toBe(false);
  });
});

describe('effective permissions down the scope tree', () => {
  const world: World = seedWorld();
  const p = (upn: string) => world.principals.find((x) => x.name === upn)!;
  const [wsDev, wsExp] = world.workspaces;
  const churn = world.endpoints.find((e) => e.name === 'churn-scorer')!;
  const dev = world.subscriptions[0]!.subscriptionId;

  it('a workspace assignment applies to the workspace and its endpoints, not above or beside', () => {
    const scientist = p(SCIENTIST_UPN).objectId;
    expect(effectivePermissions(world, scientist, endpointScope(churn))).toEqual(
      roleById(world, READER)!.permissions,
    );
    expect(effectivePermissions(world, scientist, workspaceScope(wsDev!))).toHaveLength(1);
    expect(effectivePermissions(world, scientist, `/subscriptions/${dev}`)).toEqual([]);
    expect(effectivePermissions(world, scientist, workspaceScope(wsExp!))).toEqual([]);
    expect(isAllowed(world, scientist, `${EP}/read`, endpointScope(churn))).toBe(true);
    expect(isAllowed(world, scientist, `${EP}/listKeys/action`, endpointScope(churn))).toBe(false);
  });

  it('a subscription assignment is inherited by every resource in it', () => {
    const owner = p(OWNER_UPN).objectId;
    expect(isAllowed(world, owner, `${EP}/listKeys/action`, endpointScope(churn))).toBe(true);
    expect(isAllowed(world, owner, `${EP}/write`, workspaceScope(wsExp!))).toBe(true);
    const scoring = p('scoring-client').objectId;
    expect(effectivePermissions(world, scoring, endpointScope(churn))).toEqual([]);
  });

  it('compares principal IDs and scopes without regard to case', () => {
    const scientist = p(SCIENTIST_UPN).objectId.toUpperCase();
    const scope = endpointScope(churn)
      .toLowerCase()
      .replace('/resourcegroups/', '/RESOURCEGROUPS/');
    expect(applicableAssignments(world, scientist, scope)).toHaveLength(1);
    expect(isAllowed(world, scientist, `${EP}/read`, scope)).toBe(true);
  });

  it('adds the blocks of every applicable assignment, so a new grant widens access', () => {
    const w = seedWorld();
    const scientist = w.principals.find((x) => x.name === SCIENTIST_UPN)!.objectId;
    const ep = w.endpoints.find((e) => e.name === 'churn-scorer')!;
    const before = isAllowed(w, scientist, `${EP}/listKeys/action`, endpointScope(ep));
    w.roleAssignments.push({
      ...w.roleAssignments[2]!,
      name: 'x',
      roleDefinitionGuid: AZUREML_DATA_SCIENTIST,
      principalId: scientist,
    });
    expect(before).toBe(false);
    expect(effectivePermissions(w, scientist, endpointScope(ep))).toHaveLength(2);
    expect(isAllowed(w, scientist, `${EP}/listKeys/action`, endpointScope(ep))).toBe(true);
  });

  it('notActions of one role do not cancel what another role grants', () => {
    const w = seedWorld();
    const scoring = w.principals.find((x) => x.name === 'scoring-client')!;
    const sub = `/subscriptions/${w.subscriptions[0]!.subscriptionId}`;
    const base = {...w.roleAssignments[0]!, scope: sub, principalId: scoring.objectId};
    w.roleAssignments.push({...base, name: 'c', roleDefinitionGuid: CONTRIBUTOR});
    const write = 'Microsoft.Authorization/roleAssignments/write';
    expect(isAllowed(w, scoring.objectId, write, sub)).toBe(false);
    w.roleAssignments.push({
      ...base,
      name: 'u',
      roleDefinitionGuid: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
    });
    expect(isAllowed(w, scoring.objectId, write, sub)).toBe(true);
  });

  it('hasAnyAccessWithin sees roles held below a scope as well as above it', () => {
    const scientist = p(SCIENTIST_UPN).objectId;
    const prod = world.subscriptions[1]!.subscriptionId;
    expect(hasAnyAccessWithin(world, scientist, `/subscriptions/${dev}`)).toBe(true);
    expect(hasAnyAccessWithin(world, scientist, endpointScope(churn))).toBe(true);
    expect(hasAnyAccessWithin(world, scientist, `/subscriptions/${prod}`)).toBe(false);
  });
});
