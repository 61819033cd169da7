/**
 * Contract: the sandbox's Resource Manager response bodies, fetched over raw HTTPS, validate against
 * the official OpenAPI documents in `../shared/azure-specs/` (see ./openapi.ts), including the check
 * that no property is returned that the schema does not declare. Lists are read page by page with a
 * page size of 1, so every page and every `nextLink` is checked too.
 */
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {type CheckOptions, loadSpecs, SPECS_DIR, type Specs, specsAvailable} from './openapi';

if (!specsAvailable)
  console.warn(`contract specs not found at ${SPECS_DIR}: contract tests skipped`);

const ML = '2025-09-01';
const AUTHZ = '2022-04-01';
const SUBS = '2022-12-01';
const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const EXAMPLES = {
  subscriptions: 'Microsoft.Resources/2022-12-01/examples/GetSubscriptions.json',
  endpoint:
    'Microsoft.MachineLearningServices/2025-09-01/examples/Workspace/OnlineEndpoint/get.json',
  deployments: 'Microsoft.MachineLearningServices/2025-09-01/examples/OnlineDeployment/list.json',
  workspace: 'Microsoft.MachineLearningServices/2025-09-01/examples/Workspace/get.json',
  roleAssignment:
    'Microsoft.Authorization/2022-04-01/examples/RoleAssignments_CreateForResourceGroup.json',
  roleDefinition: 'Microsoft.Authorization/2022-04-01/examples/PutRoleDefinition.json',
};

/**
 * Documented differences between the 2022-04-01 spec and the real service, which the sandbox
 * copies. Real role definitions carry `createdOn/updatedOn/createdBy/updatedBy` at api-version
 * 2022-04-01 (recorded in Azure/azure-sdk-for-js
 * sdk/authorization/arm-authorization/recordings/node/authorization_test/recording_roledefinitions_list_test.json);
 * the spec declares them only from 2022-05-01-preview.
 */
const ROLE_DEFINITION_AUDIT = ['createdOn', 'updatedOn', 'createdBy', 'updatedBy'];
/**
 * `SubscriptionListResult` marks `nextLink` required, but ARM leaves it out of the last page
 * (real `GET /subscriptions` bodies end `..."count":{"type":"Total","value":1}}`). Forgiven on the
 * last page only; every earlier page must carry it.
 */
const lastPageWithoutNextLink: CheckOptions['ignore'] = (e) =>
  e.keyword === 'required' &&
  e.instancePath === '' &&
  (e.params as {missingProperty?: string}).missingProperty === 'nextLink';

if (!specsAvailable) {
  describe('ARM contract', () => {
    it.skip(`contract specs not found at ${SPECS_DIR}`, () => {});
  });
}

describe.skipIf(!specsAvailable)(
  'ARM contract: sandbox bodies against the OpenAPI documents',
  () => {
    let sandbox: RunningSandbox;
    let specs: Specs;
    let ops: string; // ops-automation: Owner of Sandbox Dev
    let owner: string; // owner@contoso.sandbox: Owner of both subscriptions
    let dev: string;
    let rg: string;
    let ws: string;
    let ep: string;

    beforeAll(async () => {
      specs = loadSpecs();
      sandbox = await startTestSandbox({pageSize: 1});
      [ops, owner] = await Promise.all([
        tokenFor(sandbox, 'ops-automation'),
        tokenFor(sandbox, 'owner'),
      ]);
      dev = subscriptionId(sandbox);
      rg = `/subscriptions/${dev}/resourceGroups/rg-ws-dev`;
      ws = `${rg}/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
      ep = `${ws}/onlineEndpoints`;
    });
    afterAll(() => sandbox?.stop());

    type Res = Awaited<ReturnType<typeof request>>;
    const call = (
      method: string,
      path: string,
      apiVersion: string | undefined,
      token: string | undefined,
      body?: unknown,
    ): Promise<Res> => {
      const url = new URL(path, sandbox.url);
      if (apiVersion) url.searchParams.set('api-version', apiVersion);
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      return request(sandbox, url.toString(), {
        method,
        headers,
        body:
          body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    };

    /** Asserts the status, then that the body conforms to the operation's response schema. */
    function conforms(
      res: Res,
      operationId: string,
      status: '200' | '201',
      options?: CheckOptions,
    ): Record<string, unknown> {
      expect(res.status, res.text).toBe(Number(status));
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json() as Record<string, unknown>;
      expect(specs.check(operationId, status, body, options).errors, operationId).toEqual([]);
      return body;
    }

    /** Follows nextLink from the first page, checking every page; returns all items. */
    async function allPages(
      operationId: string,
      path: string,
      apiVersion: string,
      token: string,
      options: CheckOptions = {},
      lastPageOptions: CheckOptions = options,
    ): Promise<Record<string, unknown>[]> {
      const items: Record<string, unknown>[] = [];
      let res = await call('GET', path, apiVersion, token);
      for (let pages = 1; ; pages++) {
        expect(res.status, res.text).toBe(200);
        const peek = res.json() as {nextLink?: string};
        const body = conforms(res, operationId, '200', peek.nextLink ? options : lastPageOptions);
        items.push(...(body.value as Record<string, unknown>[]));
        if (!peek.nextLink) break;
        expect(peek.nextLink.startsWith(sandbox.url)).toBe(true);
        expect(pages).toBeLessThan(50);
        res = await call('GET', peek.nextLink, undefined, token);
      }
      return items;
    }

    const keys = (o: unknown) => Object.keys(o as object).sort();
    const exampleBody = (file: string, status = '200') =>
      specs.example(file, status) as Record<string, unknown>;

    // ------------------------------------------------------------ Subscriptions (2022-12-01)

    describe('Microsoft.Resources subscriptions', () => {
      it('Subscriptions_List: every page conforms; items have the example subscription keys', async () => {
        const subs = await allPages(
          'Subscriptions_List',
          '/subscriptions',
          SUBS,
          owner,
          {},
          {
            ignore: lastPageWithoutNextLink,
          },
        );
        expect(subs.map((s) => s.displayName).sort()).toEqual(['Sandbox Dev', 'Sandbox Prod']);
        const example = (exampleBody(EXAMPLES.subscriptions).value as unknown[])[0];
        for (const s of subs) expect(keys(s)).toEqual(keys(example));
      });

      it('Subscriptions_Get conforms', async () => {
        const body = conforms(
          await call('GET', `/subscriptions/${dev}`, SUBS, ops),
          'Subscriptions_Get',
          '200',
        );
        expect(body).toMatchObject({
          id: `/subscriptions/${dev}`,
          subscriptionId: dev,
          state: 'Enabled',
        });
      });
    });

    // ------------------------------------------------------------ Workspaces (workspaceRP.json not saved)

    describe('Microsoft.MachineLearningServices workspaces (checked by hand)', () => {
      /**
       * workspaceRP.json is not in ../shared, so: the contract's fields (id, name, type, location,
       * identity, properties) against examples/Workspace/get.json, and every other key against the
       * property names of Workspace / Resource / WorkspaceProperties in workspaceRP.json 2025-09-01
       * (Azure/azure-rest-api-specs, read for this test).
       */
      const WORKSPACE_KEYS = [
        'id',
        'name',
        'type',
        'systemData',
        'properties',
        'identity',
        'kind',
        'location',
        'tags',
        'sku',
      ];
      const WORKSPACE_PROPERTIES = [
        'workspaceId',
        'description',
        'friendlyName',
        'keyVault',
        'applicationInsights',
        'containerRegistry',
        'storageAccount',
        'discoveryUrl',
        'provisioningState',
        'encryption',
        'hbiWorkspace',
        'serviceProvisionedResourceGroup',
        'privateLinkCount',
        'provisionNetworkNow',
        'imageBuildCompute',
        'allowPublicAccessWhenBehindVnet',
        'publicNetworkAccess',
        'privateEndpointConnections',
        'serverlessComputeSettings',
        'sharedPrivateLinkResources',
        'notebookInfo',
        'serviceManagedResourcesSettings',
        'primaryUserAssignedIdentity',
        'tenantId',
        'storageHnsEnabled',
        'systemDatastoresAuthMode',
        'mlFlowTrackingUri',
        'v1LegacyMode',
        'managedNetwork',
        'featureStoreSettings',
        'associatedWorkspaces',
        'enableDataIsolation',
        'enableServiceSideCMKEncryption',
        'hubResourceId',
        'workspaceHubConfig',
      ];

      function checkWorkspace(w: Record<string, unknown>) {
        const example = exampleBody(EXAMPLES.workspace);
        for (const key of ['id', 'name', 'type', 'location', 'identity', 'properties'])
          expect(w, key).toHaveProperty(key);
        expect(WORKSPACE_KEYS).toEqual(expect.arrayContaining(keys(w)));
        expect(w.type).toBe(example.type);
        expect(w.id).toMatch(
          /^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+$/,
        );
        expect(keys(example.identity)).toEqual(expect.arrayContaining(keys(w.identity)));
        const identity = w.identity as Record<string, string>;
        expect(['SystemAssigned', 'UserAssigned', 'SystemAssigned,UserAssigned', 'None']).toContain(
          identity.type,
        );
        // The ManagedServiceIdentity part is in the saved common types: check it with the schema.
        const msi = specs.definition(
          'common-types/resource-management/v3/managedidentity.json',
          'ManagedServiceIdentity',
        );
        expect(specs.checkSchema(msi, w.identity).errors).toEqual([]);
        const props = w.properties as Record<string, unknown>;
        for (const key of [
          'discoveryUrl',
          'friendlyName',
          'description',
          'keyVault',
          'storageAccount',
          'applicationInsights',
          'containerRegistry',
          'publicNetworkAccess',
          'hbiWorkspace',
        ])
          expect(props, `properties.${key}`).toHaveProperty(key);
        expect(WORKSPACE_PROPERTIES).toEqual(expect.arrayContaining(keys(props)));
        for (const [key, value] of Object.entries(props)) {
          const sample = (example.properties as Record<string, unknown>)[key];
          if (sample !== undefined) expect(typeof value, `properties.${key}`).toBe(typeof sample);
        }
        expect(['Enabled', 'Disabled']).toContain(props.publicNetworkAccess);
      }

      it('Workspaces_Get has the contract fields, shaped as in examples/Workspace/get.json', async () => {
        const res = await call('GET', ws, ML, ops);
        expect(res.status, res.text).toBe(200);
        checkWorkspace(res.json() as Record<string, unknown>);
      });

      it('Workspaces_ListBySubscription: every page is {value, nextLink?} of such workspaces', async () => {
        let res = await call(
          'GET',
          `/subscriptions/${dev}/providers/Microsoft.MachineLearningServices/workspaces`,
          ML,
          ops,
        );
        const names: string[] = [];
        for (;;) {
          expect(res.status, res.text).toBe(200);
          const body = res.json() as {value: Record<string, unknown>[]; nextLink?: string};
          expect(['nextLink', 'value']).toEqual(expect.arrayContaining(keys(body)));
          body.value.forEach(checkWorkspace);
          names.push(...body.value.map((w) => w.name as string));
          if (!body.nextLink) break;
          res = await call('GET', body.nextLink, undefined, ops);
        }
        expect(names.sort()).toEqual(['ws-dev', 'ws-experiments']);
      });
    });

    // ------------------------------------------------------------ Online endpoints + deployments (mfe 2025-09-01)

    describe('Microsoft.MachineLearningServices online endpoints', () => {
      const newEndpoint = `contract-${randomUUID().slice(0, 8)}`;

      it('OnlineEndpoints_List: every page conforms', async () => {
        const list = await allPages('OnlineEndpoints_List', ep, ML, ops);
        expect(list.map((e) => e.name).sort()).toEqual(
          expect.arrayContaining(['churn-scorer', 'fraud-aad', 'loan-aml']),
        );
      });

      it.each(['churn-scorer', 'fraud-aad', 'loan-aml'])(
        'OnlineEndpoints_Get %s conforms; its keys are among the example keys',
        async (name) => {
          const body = conforms(
            await call('GET', `${ep}/${name}`, ML, ops),
            'OnlineEndpoints_Get',
            '200',
          );
          const example = exampleBody(EXAMPLES.endpoint);
          expect(keys(example)).toEqual(expect.arrayContaining(keys(body)));
          expect(keys(example.properties)).toEqual(
            expect.arrayContaining(
              keys(body.properties).filter(
                (k) => k !== 'publicNetworkAccess' && k !== 'mirrorTraffic',
              ),
            ),
          );
          expect((body.properties as Record<string, unknown>).keys ?? null).toBeNull();
        },
      );

      it('OnlineEndpoints_CreateOrUpdate: 201 conforms, the Azure-AsyncOperation status conforms, a second PUT (200) conforms', async () => {
        const put = {
          location: 'eastus',
          tags: {purpose: 'contract'},
          identity: {type: 'SystemAssigned'},
          properties: {authMode: 'AMLToken', description: 'contract test endpoint'},
        };
        const created = await call('PUT', `${ep}/${newEndpoint}`, ML, ops, put);
        const body = conforms(created, 'OnlineEndpoints_CreateOrUpdate', '201');
        expect((body.properties as Record<string, unknown>).provisioningState).toBe('Creating');

        const statusSchema = specs.definition(
          'common-types/resource-management/v3/types.json',
          'OperationStatusResult',
        );
        const asyncUrl = created.headers['azure-asyncoperation']!;
        expect(asyncUrl).toMatch(/^https:\/\//);
        let status: Record<string, unknown>;
        for (let i = 0; ; i++) {
          const poll = await call('GET', asyncUrl, undefined, ops);
          expect(poll.status, poll.text).toBe(200);
          status = poll.json() as Record<string, unknown>;
          expect(specs.checkSchema(statusSchema, status).errors).toEqual([]);
          if (status.status !== 'InProgress') break;
          expect(i).toBeLessThan(40);
          await new Promise((r) => setTimeout(r, 50));
        }
        expect(status.status).toBe('Succeeded');

        const again = await call('PUT', `${ep}/${newEndpoint}`, ML, ops, {
          ...put,
          tags: {purpose: 'contract', run: '2'},
        });
        conforms(again, 'OnlineEndpoints_CreateOrUpdate', '200');
      });

      it('OnlineEndpoints_Update (PATCH {tags, identity}) 200 conforms', async () => {
        const res = await call('PATCH', `${ep}/churn-scorer`, ML, ops, {
          tags: {team: 'contract'},
          identity: {type: 'SystemAssigned'},
        });
        const body = conforms(res, 'OnlineEndpoints_Update', '200');
        expect(body.tags).toEqual({team: 'contract'});
      });

      it('OnlineEndpoints_ListKeys conforms (Key endpoint)', async () => {
        const body = conforms(
          await call('POST', `${ep}/churn-scorer/listKeys`, ML, ops),
          'OnlineEndpoints_ListKeys',
          '200',
        );
        expect(keys(body)).toEqual(['primaryKey', 'secondaryKey']);
      });

      it('OnlineEndpoints_GetToken conforms (AMLToken endpoint); times are int64 epoch seconds', async () => {
        const body = conforms(
          await call('POST', `${ep}/loan-aml/token`, ML, ops),
          'OnlineEndpoints_GetToken',
          '200',
        );
        expect(keys(body)).toEqual(
          keys(
            exampleBody(
              'Microsoft.MachineLearningServices/2025-09-01/examples/Workspace/OnlineEndpoint/getToken.json',
            ),
          ),
        );
        const now = Date.now() / 1000;
        expect(body.expiryTimeUtc).toBeGreaterThan(now);
        expect(body.expiryTimeUtc).toBeLessThan(now + 2 * 86_400);
      });

      it('OnlineDeployments_List: every page conforms; keys are among the example keys', async () => {
        const list = await allPages(
          'OnlineDeployments_List',
          `${ep}/churn-scorer/deployments`,
          ML,
          ops,
        );
        expect(list.map((d) => d.name).sort()).toEqual(['blue', 'green']);
        const example = (exampleBody(EXAMPLES.deployments).value as Record<string, unknown>[])[0]!;
        for (const d of list) {
          expect(keys(example)).toEqual(expect.arrayContaining(keys(d)));
          // The example is a Kubernetes deployment; these are declared on the base OnlineDeployment.
          const declaredElsewhere = [
            'egressPublicNetworkAccess',
            'environmentVariables',
            'readinessProbe',
          ];
          expect([...keys(example.properties), ...declaredElsewhere]).toEqual(
            expect.arrayContaining(keys(d.properties)),
          );
        }
      });

      it('OnlineDeployments_Get conforms', async () => {
        const body = conforms(
          await call('GET', `${ep}/loan-aml/deployments/v2`, ML, ops),
          'OnlineDeployments_Get',
          '200',
        );
        expect(body.name).toBe('v2');
      });
    });

    // ------------------------------------------------------------ Authorization (2022-04-01)

    describe('Microsoft.Authorization', () => {
      const customRole = randomUUID();
      const assignment = randomUUID();
      const auditFields = (prefix: string) =>
        ROLE_DEFINITION_AUDIT.map((f) => `${prefix}.properties.${f}`);

      it('RoleDefinitions_List: every page conforms (subscription scope, and with $filter)', async () => {
        const all = await allPages(
          'RoleDefinitions_List',
          `/subscriptions/${dev}/providers/Microsoft.Authorization/roleDefinitions`,
          AUTHZ,
          ops,
          {
            allowUndeclared: auditFields('$.value[*]'),
          },
        );
        expect(all.length).toBeGreaterThanOrEqual(6);
        const filtered = await call(
          'GET',
          `/subscriptions/${dev}/providers/Microsoft.Authorization/roleDefinitions?$filter=${encodeURIComponent("roleName eq 'Reader'")}`,
          AUTHZ,
          ops,
        );
        const body = conforms(filtered, 'RoleDefinitions_List', '200', {
          allowUndeclared: auditFields('$.value[*]'),
        });
        expect(
          (body.value as {properties: {roleName: string}}[]).map((r) => r.properties.roleName),
        ).toEqual(['Reader']);
      });

      it('RoleDefinitions_Get conforms (built-in Owner)', async () => {
        const body = conforms(
          await call(
            'GET',
            `/subscriptions/${dev}/providers/Microsoft.Authorization/roleDefinitions/${OWNER_ROLE}`,
            AUTHZ,
            ops,
          ),
          'RoleDefinitions_Get',
          '200',
          {allowUndeclared: auditFields('$')},
        );
        expect(body.name).toBe(OWNER_ROLE);
        expect(keys(body)).toEqual(keys(exampleBody(EXAMPLES.roleDefinition, '201')));
      });

      it('RoleDefinitions_CreateOrUpdate 201 conforms', async () => {
        const res = await call(
          'PUT',
          `/subscriptions/${dev}/providers/Microsoft.Authorization/roleDefinitions/${customRole}`,
          AUTHZ,
          ops,
          {
            properties: {
              roleName: `Contract scorer ${customRole.slice(0, 8)}`,
              description: 'Can score online endpoints',
              type: 'CustomRole',
              permissions: [
                {
                  actions: [
                    'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action',
                  ],
                  notActions: [],
                  dataActions: [],
                  notDataActions: [],
                },
              ],
              assignableScopes: [`/subscriptions/${dev}`],
            },
          },
        );
        const body = conforms(res, 'RoleDefinitions_CreateOrUpdate', '201', {
          allowUndeclared: auditFields('$'),
        });
        const example = exampleBody(EXAMPLES.roleDefinition, '201');
        expect(keys(body)).toEqual(keys(example));
        expect(keys(example.properties)).toEqual(
          expect.arrayContaining(
            keys(body.properties).filter((k) => !ROLE_DEFINITION_AUDIT.includes(k)),
          ),
        );
      });

      it('RoleAssignments_Create 201 and RoleAssignments_Get conform', async () => {
        const scoringClient = principal(sandbox, 'scoring-client');
        const path = `${ep}/fraud-aad/providers/Microsoft.Authorization/roleAssignments/${assignment}`;
        const created = conforms(
          await call('PUT', path, AUTHZ, ops, {
            properties: {
              roleDefinitionId: `/subscriptions/${dev}/providers/Microsoft.Authorization/roleDefinitions/${customRole}`,
              principalId: scoringClient.objectId,
              principalType: 'ServicePrincipal',
            },
          }),
          'RoleAssignments_Create',
          '201',
        );
        const example = exampleBody(EXAMPLES.roleAssignment, '201');
        expect(keys(created)).toEqual(keys(example));
        expect(keys(created.properties)).toEqual(expect.arrayContaining(keys(example.properties)));
        const got = conforms(await call('GET', path, AUTHZ, ops), 'RoleAssignments_Get', '200');
        expect(got).toEqual(created);
      });

      it('RoleAssignments_ListForScope: every page conforms (atScope() and unfiltered)', async () => {
        const atScope = await allPages(
          'RoleAssignments_ListForScope',
          `${ep}/fraud-aad/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent('atScope()')}`,
          AUTHZ,
          ops,
        );
        expect(atScope.map((a) => a.name)).toContain(assignment);
        const inherited = await allPages(
          'RoleAssignments_ListForScope',
          `${rg}/providers/Microsoft.Authorization/roleAssignments`,
          AUTHZ,
          ops,
        );
        expect(inherited.length).toBeGreaterThan(0);
      });

      it('Permissions_ListForResourceGroup conforms', async () => {
        const perms = await allPages(
          'Permissions_ListForResourceGroup',
          `/subscriptions/${dev}/resourcegroups/rg-ws-dev/providers/Microsoft.Authorization/permissions`,
          AUTHZ,
          ops,
        );
        expect(perms.length).toBeGreaterThan(0);
        expect(perms.flatMap((p) => p.actions as string[])).toContain('*');
      });

      it('Permissions_ListForResource conforms (endpoint, lowercase resourcegroups as the SDK sends)', async () => {
        const perms = await allPages(
          'Permissions_ListForResource',
          `/subscriptions/${dev}/resourcegroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/churn-scorer/providers/Microsoft.Authorization/permissions`,
          AUTHZ,
          ops,
        );
        expect(perms.length).toBeGreaterThan(0);
      });
    });

    // ------------------------------------------------------------ ARM errors

    describe('ARM error bodies', () => {
      const errorResponse = () =>
        specs.definition('common-types/resource-management/v3/types.json', 'ErrorResponse');

      /** The body is an ErrorResponse (v3) and the operation's own `default` schema; ARM headers are there. */
      function armError(res: Res, status: number, code: string, operationId: string) {
        expect(res.status, res.text).toBe(status);
        expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
        for (const h of [
          'x-ms-request-id',
          'x-ms-correlation-request-id',
          'x-ms-routing-request-id',
        ])
          expect(res.headers[h], h).toBeTruthy();
        const body = res.json() as {error: {code: string; message: string}};
        expect(specs.checkSchema(errorResponse(), body).errors).toEqual([]);
        expect(
          specs.checkSchema(specs.responseSchema(operationId, 'default'), body).errors,
          `${operationId} default`,
        ).toEqual([]);
        expect(body.error.code).toBe(code);
        expect(body.error.message.length).toBeGreaterThan(0);
        return body;
      }

      it('403 AuthorizationFailed (a principal with no roles lists endpoints)', async () => {
        const stranger = await tokenFor(sandbox, 'scoring-client');
        const res = await call('GET', ep, ML, stranger);
        const body = armError(res, 403, 'AuthorizationFailed', 'OnlineEndpoints_List');
        expect(res.headers['x-ms-failure-cause']).toBe('gateway');
        const oid = principal(sandbox, 'scoring-client').objectId;
        expect(body.error.message).toMatch(
          new RegExp(
            `^The client '[^']+' with object id '${oid}' does not have authorization to perform action 'Microsoft\\.MachineLearningServices/workspaces/onlineEndpoints/read' over scope '[^']+' or the scope is invalid\\. If access was recently granted, please refresh your credentials\\.$`,
          ),
        );
      });

      it('404 for a missing endpoint and for an unknown subscription (CloudError)', async () => {
        armError(
          await call('GET', `${ep}/no-such-endpoint`, ML, ops),
          404,
          'ResourceNotFound',
          'OnlineEndpoints_Get',
        );
        armError(
          await call('GET', `/subscriptions/${randomUUID()}`, SUBS, ops),
          404,
          'SubscriptionNotFound',
          'Subscriptions_Get',
        );
      });

      it('400 MissingApiVersionParameter, 400 validation with details, 400 InvalidRoleDefinitionId', async () => {
        armError(
          await call('GET', ep, undefined, ops),
          400,
          'MissingApiVersionParameter',
          'OnlineEndpoints_List',
        );
        const bad = armError(
          await call('PUT', `${ep}/contract-bad`, ML, ops, {
            location: 'eastus',
            properties: {authMode: 'Bogus'},
          }),
          400,
          'UserError',
          'OnlineEndpoints_CreateOrUpdate',
        ) as {error: {details?: unknown[]}};
        expect(bad.error.details?.length).toBeGreaterThan(0);
        armError(
          await call(
            'GET',
            `/subscriptions/${dev}/providers/Microsoft.Authorization/roleDefinitions/not-a-guid`,
            AUTHZ,
            ops,
          ),
          400,
          'InvalidRoleDefinitionId',
          'RoleDefinitions_Get',
        );
      });

      it('401 without a bearer token', async () => {
        armError(
          await call('GET', ep, ML, undefined),
          401,
          'AuthenticationFailed',
          'OnlineEndpoints_List',
        );
      });
    });
  },
);
