import {readFileSync} from 'node:fs';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {describe, expect, it} from 'vitest';
import {EndpointFileError, parseEndpointFile} from '../../source/domain/endpoint-file';
import {
  RoleFileError,
  fillScope,
  parseRoleFile,
  roleDifferences,
} from '../../source/domain/role-file';

const guide = resolve(dirname(fileURLToPath(import.meta.url)), '../e2e/guide');
const SUB = '11111111-2222-3333-4444-555555555555';
const ctx = {subscriptionId: SUB, resourceGroup: 'rg-ws-dev', workspace: 'ws-dev'};

function refusal(fn: () => unknown): RoleFileError | EndpointFileError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RoleFileError || err instanceof EndpointFileError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('parseRoleFile: the guide’s custom-role JSON as written', () => {
  it('reads custom-role-for-control-plane.json and fills its placeholders', () => {
    const text = readFileSync(join(guide, 'custom-role-for-control-plane.json'), 'utf8');
    const role = parseRoleFile(text, ctx);
    expect(role.roleName).toBe('Custom role for control plane operations - online endpoint');
    expect(role.description).toBe('Can CRUD against online endpoints.');
    expect(role.permissions).toEqual([
      {
        actions: [
          'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write',
          'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/delete',
          'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read',
          'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/token/action',
          'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/listKeys/action',
          'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action',
        ],
        notActions: [],
        dataActions: [],
        notDataActions: [],
      },
    ]);
    expect(role.assignableScopes).toEqual([`/subscriptions/${SUB}/resourcegroups/rg-ws-dev`]);
  });

  it('reads custom-role-for-scoring.json', () => {
    const text = readFileSync(join(guide, 'custom-role-for-scoring.json'), 'utf8');
    expect(parseRoleFile(text, ctx).permissions[0]!.actions).toEqual([
      'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/*/action',
    ]);
  });

  it('fills every spelling of the placeholders; an unfillable one names its flag', () => {
    expect(fillScope('/subscriptions/<SUBSCRIPTION_ID>/resourceGroups/<rg_name>', ctx)).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-ws-dev`,
    );
    expect(
      fillScope(
        '/subscriptions/{subscriptionId}/resourceGroups/${RESOURCE_GROUP}/providers/Microsoft.MachineLearningServices/workspaces/<workspaceName>',
        ctx,
      ),
    ).toBe(
      `/subscriptions/${SUB}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`,
    );
    const missing = refusal(() =>
      fillScope('/subscriptions/<subscriptionID>/resourcegroups/<resourceGroupName>', {
        subscriptionId: SUB,
      }),
    );
    expect(missing.message).toContain('<resourceGroupName>');
    expect(missing.hint).toBe('pass --resource-group (or --profile) so it can be filled');
    const odd = refusal(() => fillScope('/subscriptions/<tenantId>', ctx));
    expect(odd.message).toContain('<tenantId>');
  });

  it('names every unknown key in one error', () => {
    const err = refusal(() =>
      parseRoleFile(
        JSON.stringify({
          Name: 'x',
          Actions: ['a/read'],
          AssignableScopes: ['/subscriptions/s'],
          Colour: 1,
          Size: 2,
        }),
        ctx,
      ),
    );
    expect(err.message).toBe('the role file: unknown keys "Colour", "Size"');
  });

  it('accepts the ARM shape (roleName, permissions, assignableScopes) too', () => {
    const role = parseRoleFile(
      JSON.stringify({
        roleName: 'ARM shaped',
        permissions: [{actions: ['a/read'], notDataActions: []}],
        assignableScopes: ['/subscriptions/<subscriptionId>'],
      }),
      ctx,
    );
    expect(role).toMatchObject({
      roleName: 'ARM shaped',
      assignableScopes: [`/subscriptions/${SUB}`],
    });
  });

  it('refuses what cannot be a custom role: no grants, no scopes, IsCustom false, bad JSON', () => {
    const base = {Name: 'x', Actions: ['a/read'], AssignableScopes: ['/subscriptions/s']};
    expect(
      refusal(() => parseRoleFile(JSON.stringify({...base, Actions: []}), ctx)).message,
    ).toContain('grants nothing');
    expect(
      refusal(() => parseRoleFile(JSON.stringify({...base, AssignableScopes: []}), ctx)).message,
    ).toContain('AssignableScopes');
    expect(
      refusal(() => parseRoleFile(JSON.stringify({...base, IsCustom: false}), ctx)).message,
    ).toContain('not a custom role');
    expect(refusal(() => parseRoleFile('{"Name": "x",', ctx)).message).toMatch(/not valid JSON \(/);
    expect(
      refusal(() =>
        parseRoleFile(JSON.stringify({...base, AssignableScopes: ['/providers/x']}), ctx),
      ).message,
    ).toContain('not a subscription');
  });
});

describe('roleDifferences', () => {
  const block = (actions: string[]) => [
    {actions, notActions: [], dataActions: [], notDataActions: []},
  ];
  it('is empty for the same grants in another order and case', () => {
    expect(
      roleDifferences(
        {
          description: 'd',
          permissions: block(['A/read', 'B/write']),
          assignableScopes: ['/subscriptions/S/'],
        },
        {
          description: 'd',
          permissions: block(['b/write', 'a/read']),
          assignableScopes: ['/subscriptions/s'],
        },
      ),
    ).toEqual([]);
  });
  it('names added and dropped actions, scopes and a new description', () => {
    expect(
      roleDifferences(
        {
          description: 'old',
          permissions: block(['a/read']),
          assignableScopes: ['/subscriptions/s'],
        },
        {
          description: 'new',
          permissions: block(['b/read']),
          assignableScopes: ['/subscriptions/t'],
        },
      ),
    ).toEqual([
      'Actions adds b/read',
      'Actions drops a/read',
      'AssignableScopes adds /subscriptions/t',
      'AssignableScopes drops /subscriptions/s',
      'Description differs',
    ]);
  });
});

describe('parseEndpointFile: Azure ML’s endpoint YAML', () => {
  it('reads the guide’s endpoint.yml', () => {
    const spec = parseEndpointFile(readFileSync(join(guide, 'endpoint.yml'), 'utf8'));
    expect(spec).toEqual({
      schema: 'https://azuremlschemas.azureedge.net/latest/managedOnlineEndpoint.schema.json',
      name: 'my-endpoint',
      authMode: 'key',
      identityType: 'SystemAssigned',
    });
  });

  it('reads auth_mode, identity, description and tags', () => {
    const spec = parseEndpointFile(
      'name: e\nauth_mode: aad_token\nidentity:\n  type: none\ndescription: Churn\ntags:\n  team: ml\n  cost: 42\n',
    );
    expect(spec).toEqual({
      name: 'e',
      authMode: 'aad_token',
      identityType: 'None',
      description: 'Churn',
      tags: {team: 'ml', cost: '42'},
    });
  });

  it('names unknown and unsupported keys together, and says nothing was created', () => {
    const err = refusal(() =>
      parseEndpointFile(
        'name: e\ntraffic:\n  blue: 100\ncolour: red\npublic_network_access: disabled\n',
      ),
    );
    expect(err.message).toBe(
      "the endpoint file: unknown key 'colour'; 'traffic', 'public_network_access' not supported by aml-auth endpoints create — nothing was created",
    );
  });

  it('refuses a bad auth mode, a user-assigned identity, a duplicate key and YAML errors', () => {
    expect(refusal(() => parseEndpointFile('auth_mode: password\n')).hint).toBe(
      'use key, aml_token, aad_token',
    );
    expect(refusal(() => parseEndpointFile('identity:\n  type: user_assigned\n')).hint).toContain(
      'user-assigned',
    );
    expect(refusal(() => parseEndpointFile('name: a\nname: b\n')).message).toMatch(
      /not valid YAML \(line 2/,
    );
    expect(refusal(() => parseEndpointFile('- just\n- a list\n')).message).toContain('mapping');
    expect(refusal(() => parseEndpointFile('')).message).toContain('empty');
  });
});
