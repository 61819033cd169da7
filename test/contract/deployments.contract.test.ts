/**
 * Contract: the sandbox's online-deployment operations (PUT/PATCH/DELETE with their long-running
 * operation, getLogs) and the registered assets they use (models and environments, containers and
 * versions), over raw HTTPS.
 *
 * OnlineDeployments_CreateOrUpdate / _Update / _Delete are in the OpenAPI excerpt in
 * ../shared/azure-specs and are validated against it (no undeclared property). Models,
 * environments and getLogs are not in the excerpt: they are checked by hand against the property
 * names of ModelContainer / ModelVersion / EnvironmentContainer / EnvironmentVersion /
 * DeploymentLogs in mfe.json 2025-09-01 (Azure/azure-rest-api-specs, as the SDK's models carry
 * them).
 */
import {randomUUID} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import {loadSpecs, SPECS_DIR, type Specs, specsAvailable} from './openapi';

const ML = '2025-09-01';

/** Resource envelope keys of an asset (ProxyResource with systemData). */
const ASSET_KEYS = ['id', 'name', 'type', 'systemData', 'properties'];
/** ResourceBase + AssetContainer. */
const CONTAINER_PROPERTIES = [
  'description',
  'properties',
  'tags',
  'isArchived',
  'latestVersion',
  'nextVersion',
];
/** ResourceBase + AssetBase + ModelVersionProperties. */
const MODEL_VERSION_PROPERTIES = [
  'description',
  'properties',
  'tags',
  'isAnonymous',
  'isArchived',
  'flavors',
  'jobName',
  'modelType',
  'modelUri',
  'provisioningState',
  'stage',
];
/** ResourceBase + AssetBase + EnvironmentVersionProperties. */
const ENVIRONMENT_VERSION_PROPERTIES = [
  'description',
  'properties',
  'tags',
  'isAnonymous',
  'isArchived',
  'autoRebuild',
  'build',
  'condaFile',
  'environmentType',
  'image',
  'inferenceConfig',
  'osType',
  'provisioningState',
  'stage',
];

describe.skipIf(!specsAvailable)(`deployments contract (specs at ${SPECS_DIR})`, () => {
  let sandbox: RunningSandbox;
  let specs: Specs;
  let ops: string;
  let ws: string;
  let ep: string;

  beforeAll(async () => {
    specs = loadSpecs();
    sandbox = await startTestSandbox({pageSize: 1});
    ops = await tokenFor(sandbox, 'ops-automation');
    ws = `/subscriptions/${subscriptionId(sandbox)}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
    ep = `${ws}/onlineEndpoints`;
  });
  afterAll(() => sandbox?.stop());

  type Res = Awaited<ReturnType<typeof request>>;
  const call = (method: string, path: string, body?: unknown): Promise<Res> => {
    const url = new URL(path, sandbox.url);
    if (!url.searchParams.has('api-version')) url.searchParams.set('api-version', ML);
    const headers: Record<string, string> = {authorization: `Bearer ${ops}`};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return request(sandbox, url.toString(), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  };
  function conforms(res: Res, operationId: string, status: '200' | '201') {
    expect(res.status, res.text).toBe(Number(status));
    const body = res.json() as Record<string, unknown>;
    expect(specs.check(operationId, status, body).errors, operationId).toEqual([]);
    return body;
  }
  async function pollStatus(url: string): Promise<Record<string, unknown>> {
    const schema = specs.definition(
      'common-types/resource-management/v3/types.json',
      'OperationStatusResult',
    );
    for (let i = 0; ; i++) {
      const poll = await call('GET', url);
      expect(poll.status, poll.text).toBe(200);
      const status = poll.json() as Record<string, unknown>;
      expect(specs.checkSchema(schema, status).errors).toEqual([]);
      if (status.status !== 'InProgress') return status;
      expect(i).toBeLessThan(40);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const errorBody = (res: Res, status: number, operationId: string) => {
    expect(res.status, res.text).toBe(status);
    const body = res.json();
    expect(specs.checkSchema(specs.responseSchema(operationId, 'default'), body).errors).toEqual(
      [],
    );
    return body as {error: {code: string; message: string}};
  };
  const keysWithin = (o: unknown, allowed: string[]) =>
    expect(allowed).toEqual(expect.arrayContaining(Object.keys(o as object)));

  const put = (name: string, extra: Record<string, unknown> = {}) => ({
    location: 'eastus',
    sku: {name: 'Default', capacity: 1},
    properties: {
      endpointComputeType: 'Managed',
      model: `${ws}/models/credit-risk/versions/1`,
      environmentId: `${ws}/environments/AzureML-sklearn-1.5/versions/18`,
      instanceType: 'Standard_DS3_v2',
      requestSettings: {requestTimeout: 'PT10S', maxConcurrentRequestsPerInstance: 2},
      ...extra,
    },
  });

  const dep = `contract-${randomUUID().slice(0, 8)}`;

  it('OnlineDeployments_CreateOrUpdate: 201 conforms, its operation status conforms, a second PUT (200) conforms', async () => {
    const created = await call('PUT', `${ep}/churn-scorer/deployments/${dep}`, put(dep));
    const body = conforms(created, 'OnlineDeployments_CreateOrUpdate', '201');
    expect((body.properties as Record<string, unknown>).provisioningState).toBe('Creating');
    expect(created.headers['azure-asyncoperation']).toMatch(/mfeOperationsStatus/);
    expect((await pollStatus(created.headers['azure-asyncoperation']!)).status).toBe('Succeeded');
    const got = conforms(
      await call('GET', `${ep}/churn-scorer/deployments/${dep}`),
      'OnlineDeployments_Get',
      '200',
    );
    expect(got.properties).toMatchObject({
      provisioningState: 'Succeeded',
      requestSettings: {requestTimeout: 'PT10S', maxConcurrentRequestsPerInstance: 2},
    });
    const again = await call('PUT', `${ep}/churn-scorer/deployments/${dep}`, {
      ...put(dep),
      tags: {run: '2'},
    });
    conforms(again, 'OnlineDeployments_CreateOrUpdate', '200');
    await pollStatus(again.headers['azure-asyncoperation']!);
  });

  it('OnlineDeployments_Update (PATCH sku): 202 with Location; the capacity changes', async () => {
    const res = await call('PATCH', `${ep}/churn-scorer/deployments/${dep}`, {
      sku: {capacity: 2},
    });
    expect(res.status, res.text).toBe(202);
    expect(res.headers.location).toMatch(/mfeOperationResults/);
    await pollStatus(res.headers['azure-asyncoperation']!);
    const got = conforms(
      await call('GET', `${ep}/churn-scorer/deployments/${dep}`),
      'OnlineDeployments_Get',
      '200',
    );
    expect((got.sku as {capacity: number}).capacity).toBe(2);
  });

  it('getLogs answers DeploymentLogs {content}', async () => {
    const res = await call('POST', `${ep}/churn-scorer/deployments/blue/getLogs`, {
      containerType: 'StorageInitializer',
      tail: 2,
    });
    expect(res.status, res.text).toBe(200);
    const body = res.json() as {content: string};
    expect(Object.keys(body)).toEqual(['content']);
    expect(body.content.trimEnd().split('\n')).toHaveLength(2);
    errorBody(
      await call('POST', `${ep}/churn-scorer/deployments/blue/getLogs`, {containerType: 'Sidecar'}),
      400,
      'OnlineDeployments_Get',
    );
  });

  it('OnlineDeployments_Delete: 400 while it takes traffic; 202 with Location, then gone; 204 when absent', async () => {
    const refused = errorBody(
      await call('DELETE', `${ep}/churn-scorer/deployments/green`),
      400,
      'OnlineDeployments_Delete',
    );
    expect(refused.error.message).toContain('10% of the live traffic');
    const res = await call('DELETE', `${ep}/churn-scorer/deployments/${dep}`);
    expect(res.status, res.text).toBe(202);
    expect(res.headers.location).toMatch(/mfeOperationResults/);
    await pollStatus(res.headers['azure-asyncoperation']!);
    expect((await call('GET', `${ep}/churn-scorer/deployments/${dep}`)).status).toBe(404);
    expect((await call('DELETE', `${ep}/churn-scorer/deployments/${dep}`)).status).toBe(204);
  });

  it('validation errors are ErrorResponse bodies naming the problem', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [
        {
          ...put('x1'),
          properties: {...put('x1').properties, model: `${ws}/models/nope/versions/1`},
        },
        'was not found',
      ],
      [{...put('x2'), sku: {capacity: 0}}, 'at least 1'],
      [
        {
          ...put('x3'),
          properties: {
            ...put('x3').properties,
            environmentId: `${ws}/environments/nope/versions/1`,
          },
        },
        'Environment',
      ],
    ];
    for (const [body, text] of cases) {
      const e = errorBody(
        await call('PUT', `${ep}/churn-scorer/deployments/bad-one`, body),
        400,
        'OnlineDeployments_CreateOrUpdate',
      );
      expect(e.error.message).toContain(text);
    }
    const badName = errorBody(
      await call('PUT', `${ep}/churn-scorer/deployments/9lives`, put('9lives')),
      400,
      'OnlineDeployments_CreateOrUpdate',
    );
    expect(badName.error.message).toContain('not valid');
  });

  it('the endpoint PUT checks traffic and mirror traffic as Azure does', async () => {
    const endpoint = (await call('GET', `${ep}/churn-scorer`)).json() as {
      location: string;
      properties: Record<string, unknown>;
    };
    const body = (traffic: unknown, mirrorTraffic?: unknown) => ({
      location: endpoint.location,
      identity: {type: 'SystemAssigned'},
      properties: {authMode: 'Key', traffic, ...(mirrorTraffic ? {mirrorTraffic} : {})},
    });
    const cases: [unknown, unknown, string][] = [
      [{blue: 50, green: 10}, undefined, 'add up to 100'],
      [{blue: 90, nope: 10}, undefined, "'nope'"],
      [{blue: 100, green: 0}, {green: 60}, 'cannot exceed 50%'],
      [{blue: 90, green: 10}, {green: 10}, 'cannot also receive mirror traffic'],
    ];
    for (const [traffic, mirror, text] of cases) {
      const e = errorBody(
        await call('PUT', `${ep}/churn-scorer`, body(traffic, mirror)),
        400,
        'OnlineEndpoints_CreateOrUpdate',
      );
      expect(e.error.message).toContain(text);
    }
  });

  describe('registered assets (checked by hand)', () => {
    it('model containers and versions list and get, with the documented keys', async () => {
      const list = await call('GET', `${ws}/models`);
      expect(list.status).toBe(200);
      const first = list.json() as {value: Record<string, unknown>[]; nextLink?: string};
      expect(first.value).toHaveLength(1);
      expect(new URL(first.nextLink!).searchParams.get('$skipToken')).toBe('1');
      for (const c of first.value) {
        keysWithin(c, ASSET_KEYS);
        keysWithin(c.properties, CONTAINER_PROPERTIES);
      }
      const container = (await call('GET', `${ws}/models/churn-model`)).json() as {
        properties: {latestVersion: string};
        type: string;
      };
      expect(container.properties.latestVersion).toBe('4');
      expect(container.type).toBe('Microsoft.MachineLearningServices/workspaces/models');
      const version = (await call('GET', `${ws}/models/churn-model/versions/3`)).json() as Record<
        string,
        unknown
      >;
      keysWithin(version, ASSET_KEYS);
      keysWithin(version.properties, MODEL_VERSION_PROPERTIES);
      expect(version.id).toBe(`${ws}/models/churn-model/versions/3`);
      expect((await call('GET', `${ws}/models/churn-model/versions/99`)).status).toBe(404);
      expect((await call('GET', `${ws}/models/nope`)).status).toBe(404);
    });

    it('environments include a curated one (environmentType Curated)', async () => {
      const v = (
        await call('GET', `${ws}/environments/AzureML-sklearn-1.5/versions/18`)
      ).json() as {
        properties: Record<string, unknown>;
      };
      keysWithin(v, ASSET_KEYS);
      keysWithin(v.properties, ENVIRONMENT_VERSION_PROPERTIES);
      expect(v.properties.environmentType).toBe('Curated');
      const list = (await call('GET', `${ws}/environments/sklearn-serving/versions`)).json() as {
        value: {properties: Record<string, unknown>}[];
      };
      expect(list.value[0]!.properties.environmentType).toBe('UserCreated');
    });
  });
});
