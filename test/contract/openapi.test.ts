/**
 * The contract checker checks itself: the official examples pass, and the mistakes it exists to
 * catch (a typo'd property, a wrong enum value, null where the schema forbids it, a missing
 * required field) fail. Without these a contract test could pass because its checker cannot fail.
 */
import {beforeAll, describe, expect, it} from 'vitest';
import {loadSpecs, SPECS_DIR, type Specs, specsAvailable} from './openapi';

if (!specsAvailable)
  console.warn(`contract specs not found at ${SPECS_DIR}: contract tests skipped`);

const ML = 'Microsoft.MachineLearningServices/2025-09-01/examples';
const AUTHZ = 'Microsoft.Authorization/2022-04-01/examples';

if (!specsAvailable) {
  describe('contract checker', () => {
    it.skip(`contract specs not found at ${SPECS_DIR}`, () => {});
  });
}

describe.skipIf(!specsAvailable)('contract checker', () => {
  let specs: Specs;
  beforeAll(() => {
    specs = loadSpecs();
  });

  it('loads every spec document and resolves refs across files', () => {
    expect([...specs.documents.keys()].sort()).toEqual(
      expect.arrayContaining([
        'Microsoft.Authorization/2022-04-01/authorization-RoleAssignmentsCalls.json',
        'Microsoft.Authorization/2022-04-01/authorization-RoleDefinitionsCalls.json',
        'Microsoft.Authorization/2022-04-01/common-types.json',
        'Microsoft.MachineLearningServices/2025-09-01/mfe.excerpt.json',
        'Microsoft.Resources/2022-12-01/subscriptions.json',
        'common-types/resource-management/v2/types.json',
        'common-types/resource-management/v3/managedidentity.json',
        'common-types/resource-management/v3/types.json',
      ]),
    );
    // TrackedResource (v3 types.json) reached through OnlineEndpointTrackedResource's allOf.
    const errors = specs.check('OnlineEndpoints_Get', '200', {properties: {authMode: 'Key'}});
    expect(errors.errors.join('\n')).toMatch(/must have required property 'location'/);
  });

  it.each([
    ['Subscriptions_List', '200', 'Microsoft.Resources/2022-12-01/examples/GetSubscriptions.json'],
    ['RoleDefinitions_CreateOrUpdate', '201', `${AUTHZ}/PutRoleDefinition.json`],
    ['RoleAssignments_Create', '201', `${AUTHZ}/RoleAssignments_CreateForResourceGroup.json`],
    ['RoleAssignments_Create', '200', `${AUTHZ}/RoleAssignments_CreateForResourceGroup.json`],
    ['RoleAssignments_ListForScope', '200', `${AUTHZ}/RoleAssignments_ListForScope.json`],
    [
      'Permissions_ListForResourceGroup',
      '200',
      'Microsoft.Authorization/2015-07-01/examples/GetPermissions.json',
    ],
    ['OnlineEndpoints_Get', '200', `${ML}/Workspace/OnlineEndpoint/get.json`],
    ['OnlineEndpoints_List', '200', `${ML}/Workspace/OnlineEndpoint/list.json`],
    ['OnlineEndpoints_CreateOrUpdate', '201', `${ML}/Workspace/OnlineEndpoint/createOrUpdate.json`],
    ['OnlineEndpoints_Update', '200', `${ML}/Workspace/OnlineEndpoint/update.json`],
    ['OnlineEndpoints_GetToken', '200', `${ML}/Workspace/OnlineEndpoint/getToken.json`],
  ])('%s %s: the official example %s conforms', (operationId, status, file) => {
    const body = specs.example(file, status);
    expect(body).toBeDefined();
    expect(specs.check(operationId, status, body).errors).toEqual([]);
  });

  it('the deployments example conforms; only its Kubernetes-subtype field is undeclared (subtype not saved)', () => {
    const body = specs.example(`${ML}/OnlineDeployment/list.json`, '200');
    expect(specs.validate(specs.responseSchema('OnlineDeployments_List', '200'), body)).toEqual([]);
    expect(specs.undeclared(specs.responseSchema('OnlineDeployments_List', '200'), body)).toEqual([
      '$.value[0].properties.containerResourceRequirements',
    ]);
  });

  describe('catches what it is for', () => {
    const endpoint = () =>
      structuredClone(
        specs.example(`${ML}/Workspace/OnlineEndpoint/get.json`, '200') as {
          properties: Record<string, unknown>;
          [k: string]: unknown;
        },
      );

    it('a typo in an optional property name (only the undeclared-property walk sees it)', () => {
      const body = endpoint();
      body.properties.scoringUrl = body.properties.scoringUri;
      delete body.properties.scoringUri;
      expect(specs.validate(specs.responseSchema('OnlineEndpoints_Get', '200'), body)).toEqual([]);
      expect(specs.check('OnlineEndpoints_Get', '200', body).errors).toEqual([
        '$.properties.scoringUrl is not declared by the schema',
      ]);
    });

    it('a typo at the top level and inside an allOf parent (systemData of Resource)', () => {
      const body = endpoint();
      (body.systemData as Record<string, unknown>).createdOn = '2020-01-01T00:00:00Z';
      body.identty = {};
      expect(specs.check('OnlineEndpoints_Get', '200', body).errors).toEqual([
        '$.systemData.createdOn is not declared by the schema',
        '$.identty is not declared by the schema',
      ]);
    });

    it('maps take any key: tags, traffic, properties, userAssignedIdentities', () => {
      const body = endpoint();
      body.tags = {'any key': 'v', other: 'w'};
      body.properties.traffic = {blue: 90, 'green-2': 10};
      body.properties.properties = {'azureml.x': 'y'};
      expect(specs.check('OnlineEndpoints_Get', '200', body).errors).toEqual([]);
      body.properties.traffic = {blue: 'ninety'};
      expect(specs.check('OnlineEndpoints_Get', '200', body).errors.join('\n')).toMatch(
        /\/properties\/traffic\/blue must be integer/,
      );
    });

    it('a wrong enum value, a missing required field, null where not nullable, a bad format', () => {
      const wrongEnum = endpoint();
      wrongEnum.properties.authMode = 'aad_token';
      expect(specs.check('OnlineEndpoints_Get', '200', wrongEnum).errors.join('\n')).toMatch(
        /\/properties\/authMode must be equal to one of the allowed values/,
      );
      const missing = endpoint();
      delete missing.properties.authMode;
      expect(specs.check('OnlineEndpoints_Get', '200', missing).errors.join('\n')).toMatch(
        /must have required property 'authMode'/,
      );
      const nulled = endpoint();
      nulled.location = null;
      expect(specs.check('OnlineEndpoints_Get', '200', nulled).errors.join('\n')).toMatch(
        /^\/location must be string/m,
      );
      const badUuid = endpoint();
      (badUuid.identity as Record<string, unknown>).principalId = 'not-a-guid';
      expect(specs.check('OnlineEndpoints_Get', '200', badUuid).errors.join('\n')).toMatch(
        /\/identity\/principalId must match format "uuid"/,
      );
    });

    it('nullability: x-nullable: true allows null; so does a non-required property (as oav does)', () => {
      const body = endpoint();
      body.properties.description = null; // x-nullable: true
      body.properties.keys = null; // x-nullable: true on a $ref
      body.kind = null; // not required, no x-nullable
      expect(specs.check('OnlineEndpoints_Get', '200', body).errors).toEqual([]);
    });

    it('formats Azure uses: int64 (GetToken), durations with fractions (request settings)', () => {
      const token = {accessToken: 't', tokenType: 'Bearer', expiryTimeUtc: 1.5};
      expect(specs.check('OnlineEndpoints_GetToken', '200', token).errors.join('\n')).toMatch(
        /expiryTimeUtc must (be integer|match format "int64")/,
      );
      const settings = specs.definition(
        'Microsoft.MachineLearningServices/2025-09-01/mfe.excerpt.json',
        'OnlineRequestSettings',
      );
      expect(specs.checkSchema(settings, {requestTimeout: 'PT0.5S'}).errors).toEqual([]);
      expect(specs.checkSchema(settings, {requestTimeout: '5 seconds'}).errors.join()).toMatch(
        /must match format "duration"/,
      );
    });

    it('the error schema: v3 ErrorResponse with nested details', () => {
      const schema = specs.definition(
        'common-types/resource-management/v3/types.json',
        'ErrorResponse',
      );
      const ok = {
        error: {code: 'X', message: 'm', details: [{code: 'Y', message: 'n', target: 't'}]},
      };
      expect(specs.checkSchema(schema, ok).errors).toEqual([]);
      const typo = {error: {code: 'X', mesage: 'm'}};
      expect(specs.checkSchema(schema, typo).errors).toEqual([
        '$.error.mesage is not declared by the schema',
      ]);
    });
  });
});
