/**
 * Deployments through the real Services (the @azure/arm-machinelearning SDK and its pollers)
 * against a sandbox in this process: registered assets, create, traffic and mirror, logs, delete.
 */
import {readFile} from 'node:fs/promises';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import type {DeploymentSpec} from '../../source/domain/deployments';
import type {Services} from '../../source/domain/services';
import type {
  AppError,
  CloudConfig,
  EndpointRef,
  OperationProgress,
} from '../../source/domain/types';
import type {RunningSandbox} from '../../source/sandbox';
import {request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';

let sandbox: RunningSandbox, cloud: CloudConfig, sub: string, owner: Services;
let sample: string;

const ref = (endpoint: string): EndpointRef => ({
  subscriptionId: sub,
  resourceGroup: 'rg-ws-dev',
  workspace: 'ws-dev',
  endpoint,
});

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return (err as ServiceError).appError;
}

const spec = (
  name: string,
  model: string,
  extra: Partial<DeploymentSpec> = {},
): DeploymentSpec => ({
  name,
  model,
  instanceType: 'Standard_DS3_v2',
  instanceCount: 1,
  ...extra,
});

beforeAll(async () => {
  sandbox = await startTestSandbox();
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
  sub = subscriptionId(sandbox);
  owner = createServices(cloud, {pollIntervalMs: 50, progressIntervalMs: 100});
  await owner.signIn(
    'device-code',
    {},
    {onDeviceCode: (prompt) => sandbox.approveDeviceCode(prompt.userCode, 'owner')},
  );
  sample = await readFile(new URL('../../assets/sample-request.json', import.meta.url), 'utf8');
});
afterAll(() => sandbox?.stop());

describe('registered assets', () => {
  it('lists the models with their versions, newest first', async () => {
    const models = await owner.listModels(ref('x'));
    const byName = Object.fromEntries(
      models.map((m) => [m.name, m.versions.map((v) => v.version)]),
    );
    expect(byName['churn-model']).toEqual(['4', '3']);
    expect(byName['credit-risk']).toEqual(['2', '1']);
    const v = models.find((m) => m.name === 'credit-risk')!.versions[0]!;
    expect(v.id).toBe(
      `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/models/credit-risk/versions/2`,
    );
    expect(v.modelType).toBe('mlflow_model');
  });

  it('lists registered and curated environments', async () => {
    const envs = await owner.listEnvironments(ref('x'));
    const curated = envs.find((e) => e.curated)!;
    expect(curated.name).toBe('AzureML-sklearn-1.5');
    expect(curated.registryId).toBe(
      'azureml://registries/azureml/environments/sklearn-1.5/versions/18',
    );
    expect(envs.some((e) => !e.curated && e.name === 'sklearn-serving')).toBe(true);
  });
});

describe('from an empty endpoint to a scored request', () => {
  const name = 'dep-journey';
  const at = () => ref(name);

  beforeAll(async () => {
    await owner.createEndpoint(
      at(),
      {location: 'eastus', authMode: 'key', identityType: 'SystemAssigned'},
      () => {},
    );
  });

  async function invoke(n = 1) {
    const endpoint = await owner.getEndpoint(at());
    const {credential} = await owner.scoringCredential(endpoint, {});
    return owner.invokeRepeated(
      {scoringUri: endpoint.scoringUri!, credential: credential.value, body: sample},
      n,
      () => {},
    );
  }

  it('an endpoint without deployments answers 404', async () => {
    const {results} = await invoke();
    expect(results[0]!.status).toBe(404);
  });

  it('creates blue with all traffic through the long-running operation; it answers 200', async () => {
    const progress: OperationProgress[] = [];
    const blue = await owner.createDeployment(
      at(),
      spec('blue', 'azureml:credit-risk:1', {environment: 'azureml:AzureML-sklearn-1.5@latest'}),
      {allTraffic: true},
      (p) => progress.push(p),
    );
    expect(progress[0]!.provisioningState).toBe('Creating');
    expect(progress.some((p) => p.provisioningState === 'Succeeded')).toBe(true);
    expect(blue).toMatchObject({
      name: 'blue',
      provisioningState: 'Succeeded',
      trafficPercent: 100,
      model: 'azureml:credit-risk:1',
      environment: 'azureml:AzureML-sklearn-1.5:18',
      instanceType: 'Standard_DS3_v2',
      instanceCount: 1,
    });
    const {results} = await invoke();
    expect(results[0]!.status).toBe(200);
    expect(results[0]!.deployment).toBe('blue');
    const scores = JSON.parse(results[0]!.body) as number[];
    expect(scores).toHaveLength(2);
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
  });

  it('creates green from @latest, splits 90/10: both answer, in those shares', async () => {
    const green = await owner.createDeployment(
      at(),
      spec('green', 'azureml:credit-risk@latest'),
      {},
      () => {},
    );
    expect(green.model).toBe('azureml:credit-risk:2');
    expect(green.trafficPercent).toBe(0);
    await owner.setTraffic(at(), {traffic: {blue: 90, green: 10}}, {}, () => {});
    const {summary} = await invoke(50);
    const counts = Object.fromEntries(summary.deployments.map((d) => [d.name, d.count]));
    expect(counts).toEqual({blue: 45, green: 5});
  });

  it('refuses a split that does not add up, and mirror traffic to a live deployment', async () => {
    const split = await failure(
      owner.setTraffic(at(), {traffic: {blue: 80, green: 10}}, {}, () => {}),
    );
    expect(split.kind).toBe('invalid');
    expect(split.detail).toContain('adds up to 90%');
    const mirror = await failure(
      owner.setTraffic(at(), {mirrorTraffic: {green: 10}}, {}, () => {}),
    );
    expect(mirror.detail).toContain('green takes 10% of the live traffic');
  });

  it('mirrors 10% to green; callers get blue, green logs the mirrored request IDs', async () => {
    await owner.setTraffic(
      at(),
      {traffic: {blue: 100, green: 0}, mirrorTraffic: {green: 10}},
      {},
      () => {},
    );
    const endpoint = await owner.getEndpoint(at());
    expect(endpoint.mirrorTraffic).toEqual({green: 10});
    const {results} = await invoke(20);
    expect(new Set(results.map((r) => r.deployment))).toEqual(new Set(['blue']));
    const logs = await owner.deploymentLogs(at(), 'green', {
      container: 'inference-server',
      lines: 500,
    });
    const mirrored = results.filter((r) => logs.includes(`request_id=${r.requestId} (mirrored)`));
    expect(mirrored).toHaveLength(2);
    const blueLogs = await owner.deploymentLogs(at(), 'blue', {
      container: 'inference-server',
      lines: 500,
    });
    expect(results.every((r) => blueLogs.includes(`request_id=${r.requestId}`))).toBe(true);
    const tail = await owner.deploymentLogs(at(), 'blue', {
      container: 'inference-server',
      lines: 3,
    });
    expect(tail.trimEnd().split('\n')).toHaveLength(3);
    const init = await owner.deploymentLogs(at(), 'blue', {
      container: 'storage-initializer',
      lines: 100,
    });
    expect(init).toContain('credit-risk:1');
  });

  it('refuses to delete green while it gets mirror traffic, deletes it once moved', async () => {
    const refused = await failure(owner.deleteDeployment(at(), 'green', {}, () => {}));
    expect(refused.kind).toBe('conflict');
    expect(refused.nextSteps.join(' ')).toContain('Move its traffic');
    await owner.setTraffic(at(), {mirrorTraffic: {}}, {}, () => {});
    const progress: OperationProgress[] = [];
    await owner.deleteDeployment(at(), 'green', {}, (p) => progress.push(p));
    expect(progress[0]!.provisioningState).toBe('Deleting');
    expect((await owner.listDeployments(at())).map((d) => d.name)).toEqual(['blue']);
  });

  it('the sandbox itself refuses to delete a deployment with live traffic (400)', async () => {
    const token = await tokenFor(sandbox, 'owner');
    const res = await request(
      sandbox,
      `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/${name}/deployments/blue?api-version=2025-09-01`,
      {method: 'DELETE', headers: {authorization: `Bearer ${token}`}},
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('100% of the live traffic');
  });
});

describe('failures, in words', () => {
  it('an unknown model version names the registered versions', async () => {
    const e = await failure(
      owner.createDeployment(
        ref('churn-scorer'),
        spec('teal', 'azureml:churn-model:9'),
        {},
        () => {},
      ),
    );
    expect(e.kind).toBe('notFound');
    expect(e.detail).toContain('4, 3');
  });

  it('an existing name is a conflict', async () => {
    const e = await failure(
      owner.createDeployment(
        ref('churn-scorer'),
        spec('blue', 'azureml:churn-model:4'),
        {},
        () => {},
      ),
    );
    expect(e.kind).toBe('conflict');
  });

  it('a custom model without an environment is refused by the service with its reason', async () => {
    const e = await failure(
      owner.createDeployment(
        ref('churn-scorer'),
        spec('custom', 'azureml:loan-model:2'),
        {},
        () => {},
      ),
    );
    expect(e.status).toBe(400);
    expect(e.detail).toContain('needs an environment and a code configuration');
  });

  it('an instance count beyond the quota fails provisioning: the reason comes from the operation', async () => {
    const progress: OperationProgress[] = [];
    const e = await failure(
      owner.createDeployment(
        ref('churn-scorer'),
        spec('huge', 'azureml:churn-model:4', {instanceCount: 40}),
        {},
        (p) => progress.push(p),
      ),
    );
    expect(e.title).toBe('Deployment huge failed to provision');
    expect(e.code).toBe('OutOfQuota');
    expect(e.detail).toContain('Not enough quota');
    expect(progress.at(-1)!.provisioningState).toBe('Failed');
    const listed = await owner.listDeployments(ref('churn-scorer'));
    expect(listed.find((d) => d.name === 'huge')?.provisioningState).toBe('Failed');
  });
});
