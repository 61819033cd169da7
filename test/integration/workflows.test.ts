/**
 * The shared workflows (Services.scoringCredential, assignRoleTemplate, findWorkspace,
 * invokeRepeated) of the real Services against a sandbox started in this process.
 */
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import {WorkspaceLookupError, workflows} from '../../source/azure/workflows';
import {decodeJwt} from '../../source/domain/token';
import {ROLE_CHOICES} from '../../source/domain/roles';
import {WORKSPACE_AMBIGUOUS, WORKSPACE_NOT_FOUND} from '../../source/domain/services';
import type {Services} from '../../source/domain/services';
import type {CloudConfig, Endpoint, EndpointRef, PrincipalRef} from '../../source/domain/types';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox, subscriptionId} from '../helpers/sandbox';

/** A request the sandbox's churn, fraud and loan models all accept. */
const SAMPLE = JSON.stringify({
  input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]},
});

let sandbox: RunningSandbox, cloud: CloudConfig, sub: string;
/** Signed in as the sandbox's owner. */
let owner: Services;
/** The service principal the roles are assigned to. */
let scoringClient: PrincipalRef;

const ref = (endpoint: string): EndpointRef => ({
  subscriptionId: sub,
  resourceGroup: 'rg-ws-dev',
  workspace: 'ws-dev',
  endpoint,
});
const template = (id: string) => ROLE_CHOICES.find((c) => c.id === id)!.template;
const rgScope = () => `/subscriptions/${sub}/resourceGroups/rg-ws-dev`;
const wsScope = () => `${rgScope()}/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.fail('expected a rejection'),
    (e: unknown) => e,
  );
}

beforeAll(async () => {
  sandbox = await startTestSandbox({pageSize: 1});
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
  sub = subscriptionId(sandbox);
  owner = createServices(cloud, {pollIntervalMs: 50, progressIntervalMs: 100});
  await owner.signIn(
    'device-code',
    {},
    {onDeviceCode: (prompt) => sandbox.approveDeviceCode(prompt.userCode, 'owner')},
  );
  scoringClient = {
    objectId: principal(sandbox, 'scoring-client').objectId,
    type: 'ServicePrincipal',
    label: 'scoring-client',
  };
});
afterAll(() => sandbox?.stop());

describe('scoringCredential', () => {
  let endpoints: Record<string, Endpoint>;
  beforeAll(async () => {
    const names = ['churn-scorer', 'loan-aml', 'fraud-aad'];
    const all = await Promise.all(names.map((n) => owner.getEndpoint(ref(n))));
    endpoints = Object.fromEntries(all.map((e) => [e.endpoint, e]));
  });

  it('a key endpoint gives the chosen key, and both keys', async () => {
    const keys = await owner.listKeys(ref('churn-scorer'));
    const primary = await owner.scoringCredential(endpoints['churn-scorer']!, {});
    expect(primary).toEqual({
      credential: {kind: 'key', value: keys.primaryKey, which: 'primary'},
      keys,
    });
    const secondary = await owner.scoringCredential(endpoints['churn-scorer']!, {
      which: 'secondary',
    });
    expect(secondary.credential).toEqual({
      kind: 'key',
      value: keys.secondaryKey,
      which: 'secondary',
    });
    expect(keys.secondaryKey).not.toBe(keys.primaryKey);
  });

  it('an aml_token endpoint gives an Azure ML token with its expiry, and no keys', async () => {
    const fetched = await owner.scoringCredential(endpoints['loan-aml']!, {which: 'secondary'});
    expect(fetched.keys).toBeUndefined();
    expect(fetched.credential.kind).toBe('aml_token');
    expect(fetched.credential.expiresOn).toBeGreaterThan(Date.now());
  });

  it('an aad_token endpoint gives an Entra token for the ML audience', async () => {
    const fetched = await owner.scoringCredential(endpoints['fraud-aad']!, {});
    expect(fetched.keys).toBeUndefined();
    expect(fetched.credential.kind).toBe('aad_token');
    const aud = decodeJwt(fetched.credential.value).claims.aud;
    expect(cloud.mlScope.startsWith(String(Array.isArray(aud) ? aud[0] : aud))).toBe(true);
  });

  it('each credential scores its endpoint', async () => {
    for (const e of Object.values(endpoints)) {
      const {credential} = await owner.scoringCredential(e, {});
      const r = await owner.invoke({
        scoringUri: e.scoringUri!,
        credential: credential.value,
        body: SAMPLE,
      });
      expect({endpoint: e.endpoint, status: r.status}).toEqual({endpoint: e.endpoint, status: 200});
    }
  });
});

describe('assignRoleTemplate', () => {
  it('a built-in role is assigned once; the second time it already exists', async () => {
    const at = `${wsScope()}/onlineEndpoints/churn-scorer`;
    const first = await owner.assignRoleTemplate(template('data-scientist'), scoringClient, at, {
      assignableScope: rgScope(),
    });
    expect(first.role).toMatchObject({roleName: 'AzureML Data Scientist', created: false});
    // A built-in role is found where it is assigned, whatever assignable scope was passed.
    expect(first.role.id).toBe(
      `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${template('data-scientist').builtInId}`,
    );
    expect(first.result.existed).toBe(false);
    expect(first.result.assignment).toMatchObject({
      scope: at,
      principalId: scoringClient.objectId,
      roleName: 'AzureML Data Scientist',
    });

    sandbox.clearRequests();
    const second = await owner.assignRoleTemplate(
      template('data-scientist'),
      scoringClient,
      at,
      {},
    );
    expect(second.result.existed).toBe(true);
    expect(second.result.assignment.name).toBe(first.result.assignment.name);
    expect(sandbox.requests().filter((r) => r.method === 'PUT')).toEqual([]);
  });

  it('a custom role is defined with the assignable scope, created once and reused', async () => {
    const at = `${wsScope()}/onlineEndpoints/fraud-aad`;
    const first = await owner.assignRoleTemplate(template('score-only'), scoringClient, at, {
      assignableScope: rgScope(),
    });
    expect(first.role.created).toBe(true);
    expect(first.result.existed).toBe(false);
    const definition = sandbox
      .requests()
      .find((r) => r.method === 'PUT' && /roleDefinitions/i.test(r.path));
    expect(definition).toBeDefined();

    const second = await owner.assignRoleTemplate(template('score-only'), scoringClient, at, {
      assignableScope: rgScope(),
    });
    expect(second.role).toEqual({...first.role, created: false});
    expect(second.result.existed).toBe(true);

    const assignments = await owner.listRoleAssignments(at);
    const mine = assignments.filter(
      (a) => a.principalId === scoringClient.objectId && a.roleDefinitionId === first.role.id,
    );
    expect(mine).toHaveLength(1);
  });
});

describe('findWorkspace', () => {
  it('finds a workspace by name, whatever its case, with or without its resource group', async () => {
    const byName = await owner.findWorkspace(sub, 'WS-Dev', undefined);
    expect(byName).toMatchObject({name: 'ws-dev', resourceGroup: 'rg-ws-dev', subscriptionId: sub});
    expect(await owner.findWorkspace(sub, 'ws-dev', 'RG-WS-DEV')).toEqual(byName);
  });

  it('none: a typed not-found error that lists what the identity sees', async () => {
    const err = await rejection(owner.findWorkspace(sub, 'ws-missing', undefined));
    expect(err).toBeInstanceOf(WorkspaceLookupError);
    const lookup = err as WorkspaceLookupError;
    expect(lookup.reason).toBe('notFound');
    expect(lookup.appError).toMatchObject({kind: 'notFound', code: WORKSPACE_NOT_FOUND});
    expect(lookup.visible.map((w) => w.name).sort()).toEqual(['ws-dev', 'ws-experiments']);
    expect(owner.explainError(err, 'resume').code).toBe(WORKSPACE_NOT_FOUND);
  });

  it('none in the given resource group, though the name exists elsewhere', async () => {
    const err = await rejection(owner.findWorkspace(sub, 'ws-dev', 'rg-ws-experiments'));
    expect(err).toMatchObject({reason: 'notFound'});
    expect((err as ServiceError).appError.detail).toContain('rg-ws-experiments');
  });

  it('ambiguous: the name in several resource groups, unless one is given', async () => {
    // The sandbox holds one ws-dev; a copy in a second resource group joins the real list.
    const twice: Services = {
      ...owner,
      async listWorkspaces(subscriptionId, signal) {
        const all = await owner.listWorkspaces(subscriptionId, signal);
        const dev = all.find((w) => w.name === 'ws-dev')!;
        return [
          ...all,
          {...dev, resourceGroup: 'rg-other', id: dev.id.replace('rg-ws-dev', 'rg-other')},
        ];
      },
    };
    const shared = workflows(twice);
    const err = await rejection(shared.findWorkspace(sub, 'ws-dev', undefined));
    expect(err).toBeInstanceOf(WorkspaceLookupError);
    expect(err).toMatchObject({reason: 'ambiguous', wanted: 'ws-dev'});
    const lookup = err as WorkspaceLookupError;
    expect(lookup.appError).toMatchObject({kind: 'invalid', code: WORKSPACE_AMBIGUOUS});
    expect(lookup.matches.map((w) => w.resourceGroup)).toEqual(['rg-ws-dev', 'rg-other']);
    expect(await shared.findWorkspace(sub, 'ws-dev', 'rg-other')).toMatchObject({
      resourceGroup: 'rg-other',
    });
  });
});

describe('invokeRepeated', () => {
  it('sends the request count times and summarises the answers, reporting progress', async () => {
    const endpoint = await owner.getEndpoint(ref('churn-scorer'));
    const {credential} = await owner.scoringCredential(endpoint, {});
    const progress: [number, number][] = [];
    sandbox.clearRequests();
    const {results, summary} = await owner.invokeRepeated(
      {scoringUri: endpoint.scoringUri!, credential: credential.value, body: SAMPLE},
      6,
      (done, total) => progress.push([done, total]),
    );
    expect(results).toHaveLength(6);
    expect(
      sandbox.requests().filter((r) => r.surface === 'scoring' && r.method === 'POST'),
    ).toHaveLength(6);
    expect(progress).toEqual([0, 1, 2, 3, 4, 5, 6].map((n) => [n, 6]));
    expect(summary.count).toBe(6);
    expect(summary.statuses).toEqual({'200': 6});
    expect(summary.deployments.reduce((n, d) => n + d.count, 0)).toBe(6);
    for (const d of summary.deployments) expect(['blue', 'green']).toContain(d.name);
    const latencies = results.map((r) => r.latencyMs).sort((a, b) => a - b);
    expect(summary.p50Ms).toBe(latencies[2]);
    expect(summary.p95Ms).toBe(latencies[5]);
  });

  it('a wrong credential is counted, not thrown, and ends the run; a count below one is refused', async () => {
    const endpoint = await owner.getEndpoint(ref('churn-scorer'));
    const request = {scoringUri: endpoint.scoringUri!, credential: 'not-the-key', body: SAMPLE};
    const progress: number[] = [];
    const {results, summary} = await owner.invokeRepeated(request, 3, (done) =>
      progress.push(done),
    );
    // The refusal is the answer, counted as one result; the two after it would be refused too.
    expect(results.map((r) => r.status)).toEqual([401]);
    expect(summary.statuses).toEqual({'401': 1});
    expect(summary.stopped).toEqual({after: 1, requested: 3, status: 401});
    expect(progress).toEqual([0, 1]);
    const err = await rejection(owner.invokeRepeated(request, 0, () => undefined));
    expect((err as ServiceError).appError.kind).toBe('invalid');
  });
});
