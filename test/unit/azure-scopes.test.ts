import {describe, expect, it} from 'vitest';
import {assignmentInfo} from '../../source/azure/access';
import {
  endpointScope,
  epochToMs,
  normalizeScope,
  odataString,
  permissionBlock,
  roleDefinitionGuid,
  roleDefinitionIdAt,
  sameScope,
  scopeContains,
  scopeOfAssignmentId,
  subscriptionOf,
} from '../../source/domain/scopes';

const SUB = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
const RG = `/subscriptions/${SUB}/resourceGroups/rg-a`;
const WS = `${RG}/providers/Microsoft.MachineLearningServices/workspaces/ws1`;
const GUID = 'f6c7c914-8db3-469d-8ca1-694a8f32e121';

describe('scopes', () => {
  it('builds the endpoint scope from a reference', () => {
    expect(
      endpointScope({subscriptionId: SUB, resourceGroup: 'rg-a', workspace: 'ws1', endpoint: 'ep'}),
    ).toBe(`${WS}/onlineEndpoints/ep`);
  });

  it('normalises slashes: Azure examples omit the leading one', () => {
    expect(normalizeScope(`subscriptions/${SUB}/`)).toBe(`/subscriptions/${SUB}`);
    expect(normalizeScope('/')).toBe('/');
    expect(normalizeScope('')).toBe('/');
  });

  it('compares case-insensitively and by whole segments', () => {
    expect(sameScope(RG, RG.toUpperCase())).toBe(true);
    expect(scopeContains(`/subscriptions/${SUB}`, WS)).toBe(true);
    expect(scopeContains(RG.toLowerCase(), WS)).toBe(true);
    expect(scopeContains(WS, WS)).toBe(true);
    expect(scopeContains('/', WS)).toBe(true);
    expect(scopeContains(WS, RG)).toBe(false);
    // rg-a does not contain rg-ab.
    expect(scopeContains(RG, `/subscriptions/${SUB}/resourceGroups/rg-ab`)).toBe(false);
  });

  it('reads the subscription of a scope, if any', () => {
    expect(subscriptionOf(WS)).toBe(SUB);
    expect(subscriptionOf(`subscriptions/${SUB}`)).toBe(SUB);
    expect(subscriptionOf('/providers/Microsoft.Management/managementGroups/mg')).toBeUndefined();
  });

  it('reads the scope out of an assignment ID', () => {
    expect(
      scopeOfAssignmentId(`${WS}/providers/Microsoft.Authorization/roleAssignments/${GUID}`),
    ).toBe(WS);
    expect(scopeOfAssignmentId(`/providers/microsoft.authorization/roleassignments/${GUID}`)).toBe(
      '/',
    );
    expect(scopeOfAssignmentId('nonsense')).toBeUndefined();
  });

  it('role definition IDs: the GUID out of any form, and the ID at a subscription', () => {
    expect(roleDefinitionGuid(`/providers/Microsoft.Authorization/roleDefinitions/${GUID}`)).toBe(
      GUID,
    );
    expect(roleDefinitionGuid(GUID.toUpperCase())).toBe(GUID);
    expect(roleDefinitionIdAt(WS, GUID)).toBe(
      `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${GUID}`,
    );
    expect(roleDefinitionIdAt('/', GUID)).toBe(
      `/providers/Microsoft.Authorization/roleDefinitions/${GUID}`,
    );
  });

  it('quotes OData strings by doubling single quotes', () => {
    expect(odataString("Bob's role")).toBe("'Bob''s role'");
  });

  it('fills missing permission arrays and copies the rest', () => {
    const actions = ['a/read'];
    const block = permissionBlock({actions, notActions: null});
    expect(block).toEqual({
      actions: ['a/read'],
      notActions: [],
      dataActions: [],
      notDataActions: [],
    });
    expect(block.actions).not.toBe(actions);
  });

  it('turns Azure ML epoch seconds into milliseconds, leaving milliseconds alone', () => {
    expect(epochToMs(1_760_000_000)).toBe(1_760_000_000_000);
    expect(epochToMs(1_760_000_000_000)).toBe(1_760_000_000_000);
  });
});

describe('assignmentInfo', () => {
  const base = {
    id: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments/${GUID}`,
    name: GUID,
    roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${GUID}`,
    principalId: '11111111-1111-1111-1111-111111111111',
    principalType: 'User' as const,
  };

  it('marks an assignment made above the scope asked about as inherited', () => {
    const info = assignmentInfo({...base, scope: `/subscriptions/${SUB}`}, WS, 'Owner');
    expect(info).toMatchObject({
      scope: `/subscriptions/${SUB}`,
      roleName: 'Owner',
      inherited: true,
    });
  });

  it('the same scope in another case or without the leading slash is not inherited', () => {
    const info = assignmentInfo({...base, scope: WS.slice(1).toUpperCase()}, WS, 'Reader');
    expect(info.inherited).toBe(false);
    expect(info.scope).toBe(`/${WS.slice(1).toUpperCase()}`);
  });

  it('reads the scope from the ID when the scope property is missing', () => {
    const info = assignmentInfo(base, WS, 'Owner');
    expect(info.scope).toBe(`/subscriptions/${SUB}`);
    expect(info.inherited).toBe(true);
  });
});
