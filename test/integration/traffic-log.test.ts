import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {ServiceError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import {directory, TRAFFIC_LOG_OFF} from '../../source/domain/traffic-log';
import type {AppError, CloudConfig, Endpoint} from '../../source/domain/types';
import type {Services} from '../../source/domain/services';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';

let sandbox: RunningSandbox;
let cloud: CloudConfig;

beforeAll(async () => {
  sandbox = await startTestSandbox({ingestionDelayMs: 60_000});
  cloud = await resolveCloud(sandbox.descriptor.cloudFile);
});
afterAll(async () => {
  await sandbox?.stop();
});

async function signedIn(user: string): Promise<Services> {
  const services = createServices(cloud, {pollIntervalMs: 50, progressIntervalMs: 100});
  await services.signIn(
    'device-code',
    {},
    {onDeviceCode: (prompt) => sandbox.approveDeviceCode(prompt.userCode, user)},
  );
  return services;
}

async function failure(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ServiceError);
  return (err as ServiceError).appError;
}

const endpointOf = async (services: Services, name: string): Promise<Endpoint> => {
  const ws = await services.findWorkspace(subscriptionId(sandbox), 'ws-dev', undefined);
  return services.getEndpoint({
    subscriptionId: ws.subscriptionId,
    resourceGroup: ws.resourceGroup,
    workspace: ws.name,
    endpoint: name,
  });
};

const score = (e: Endpoint, token: string) =>
  request(sandbox, e.scoringUri!, {
    method: 'POST',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
    body: JSON.stringify({data: [[1, 2, 3, 4]]}),
  });

describe('traffic logs through the real SDKs (arm-monitor, arm-operationalinsights, monitor-query-logs)', () => {
  it('the cloud file carries the Log Analytics endpoint, its scope and the principal names', () => {
    expect(cloud.logAnalyticsEndpoint).toBe(`${sandbox.url}/loganalytics`);
    expect(cloud.logAnalyticsScope).toBe('https://api.loganalytics.io/.default');
    const owner = principal(sandbox, 'owner');
    expect(cloud.principals).toContainEqual({objectId: owner.objectId, name: owner.name});
  });

  it('the seeded churn-scorer sends its traffic log to law-dev and has history to read', async () => {
    const services = await signedIn('owner');
    const churn = await endpointOf(services, 'churn-scorer');
    const status = await services.trafficLogging(churn);
    expect(status.on).toBe(true);
    expect(status.destinations[0]).toMatch(
      /\/Microsoft\.OperationalInsights\/workspaces\/law-dev$/,
    );
    sandbox.clearRequests();
    const log = await services.readTrafficLog(churn, {sinceMs: 3_600_000}, new Map());
    // On the wire: the SDKs' api-versions, the workspace GET, two queries of its workspace ID.
    const paths = sandbox.requests().map((r) => `${r.method} ${r.path}`);
    expect(paths).toContainEqual(
      expect.stringMatching(
        /^GET \/subscriptions\/.+\/onlineEndpoints\/churn-scorer\/providers\/Microsoft\.Insights\/diagnosticSettings\?api-version=2021-05-01-preview$/,
      ),
    );
    expect(paths).toContainEqual(
      expect.stringMatching(
        /^GET .+\/Microsoft\.OperationalInsights\/workspaces\/law-dev\?api-version=2025-07-01$/,
      ),
    );
    expect(
      paths.filter(
        (p) => p === `POST /loganalytics/v1/workspaces/${log.workspace.customerId}/query`,
      ),
    ).toHaveLength(2);
    expect(log.rows.length).toBeGreaterThan(3);
    expect(log.rows.every((r) => r.authType === 'Key')).toBe(true);
    expect(log.kql).toContain('AmlOnlineEndpointTrafficLog');
    expect(log.summary.total).toBe(log.rows.length);
    expect(log.summary.failures).toBe(log.rows.filter((r) => r.responseCode !== 200).length);
    // Newest first.
    const times = log.rows.map((r) => Date.parse(r.time));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const failures = await services.readTrafficLog(
      churn,
      {sinceMs: 3_600_000, failuresOnly: true},
      new Map(),
    );
    expect(failures.rows.map((r) => r.responseCode).sort()).toEqual([401, 424]);
    expect(failures.rows.find((r) => r.responseCode === 401)?.responseCodeReason).toBe(
      'key_auth_access_denied',
    );
  });

  it('turns logging on for fraud-aad; both callers appear with AADToken and their object IDs after ingestion', async () => {
    const owner = await signedIn('owner');
    const fraud = await endpointOf(owner, 'fraud-aad');
    const off = await failure(owner.readTrafficLog(fraud, {sinceMs: 900_000}, new Map()));
    expect(off.code).toBe(TRAFFIC_LOG_OFF);

    const workspaces = await owner.listLogAnalyticsWorkspaces(fraud.subscriptionId);
    expect(workspaces.map((w) => w.name)).toEqual(['law-dev']);
    const enabled = await owner.enableTrafficLogging(fraud, workspaces[0]!.id);
    expect(enabled.created).toBe(true);
    expect(enabled.status.on).toBe(true);
    // A second time writes nothing.
    expect((await owner.enableTrafficLogging(fraud, workspaces[0]!.id)).created).toBe(false);

    // scoring-client may score once it holds the score action.
    const client = principal(sandbox, 'scoring-client');
    const role = await owner.ensureRoleDefinition(
      {
        roleName: 'AML Endpoint Scorer (traffic test)',
        description: 'score only',
        permissions: [
          {
            actions: ['Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action'],
            notActions: [],
            dataActions: [],
            notDataActions: [],
          },
        ],
      },
      fraud.id,
    );
    await owner.assignRole(
      role.id,
      {objectId: client.objectId, type: 'ServicePrincipal'},
      fraud.id,
    );
    const ownerToken = (await owner.aadToken()).value;
    const clientToken = await tokenFor(sandbox, 'scoring-client', 'https://ml.azure.com/.default');
    const wrongAudience = await tokenFor(sandbox, 'scoring-client');
    expect((await score(fraud, ownerToken)).status).toBe(200);
    const ok = await score(fraud, clientToken);
    expect(ok.status).toBe(200);
    expect((await score(fraud, wrongAudience)).status).toBe(401);

    // Ingestion takes time: nothing yet.
    const names = directory(cloud.principals ?? []);
    const early = await owner.readTrafficLog(fraud, {sinceMs: 900_000}, names);
    expect(early.rows).toEqual([]);
    sandbox.advanceClock(61_000);
    const log = await owner.readTrafficLog(fraud, {sinceMs: 900_000}, names);
    expect(log.rows).toHaveLength(3);
    const me = principal(sandbox, 'owner');
    const good = log.rows.filter((r) => r.responseCode === 200);
    expect(good.map((r) => r.authType)).toEqual(['AADToken', 'AADToken']);
    expect(good.map((r) => r.identity).sort()).toEqual([me.objectId, client.objectId].sort());
    expect(good.map((r) => r.identityName).sort()).toEqual([
      'owner@contoso.sandbox',
      'scoring-client',
    ]);
    const bad = log.rows.find((r) => r.responseCode === 401)!;
    expect(bad.responseCodeReason).toBe('aad_token_invalid_audience');
    expect(bad.identity).toBe(client.objectId);
    expect(log.summary).toMatchObject({total: 3, failures: 1});
    expect(log.summary.byAuthType).toEqual([{authType: 'AADToken', count: 3}]);
    expect(log.summary.byIdentity[0]).toEqual({
      identity: client.objectId,
      name: 'scoring-client',
      count: 2,
    });

    // The request ID from the scoring response finds its row; the filters narrow the rows.
    const byId = await owner.readTrafficLog(
      fraud,
      {sinceMs: 900_000, requestId: ok.headers['x-request-id']!},
      names,
    );
    expect(byId.rows.map((r) => r.identityName)).toEqual(['scoring-client']);
    const mine = await owner.readTrafficLog(
      fraud,
      {sinceMs: 900_000, identity: me.objectId},
      names,
    );
    expect(mine.rows).toHaveLength(1);
    const keyOnly = await owner.readTrafficLog(fraud, {sinceMs: 900_000, authType: 'key'}, names);
    expect(keyOnly.rows).toEqual([]);
  });

  it('explains the 403s in the words of the permissions they need', async () => {
    const scientist = await signedIn('scientist');
    // loan-aml sends its traffic log nowhere yet: turning it on needs the write.
    const fraud = await endpointOf(scientist, 'loan-aml');
    const write = await failure(
      scientist.enableTrafficLogging(
        fraud,
        `/subscriptions/${fraud.subscriptionId}/resourceGroups/rg-ws-dev/providers/Microsoft.OperationalInsights/workspaces/law-dev`,
      ),
    );
    expect(write.kind).toBe('permission');
    expect(write.hint).toContain('Microsoft.Insights/diagnosticSettings/write');
    // Reader on the ML workspace does not reach the Log Analytics workspace's query API.
    const law = await scientist.listLogAnalyticsWorkspaces(fraud.subscriptionId).catch(() => []);
    expect(law).toEqual([]);
    const owner = await signedIn('owner');
    const [lawDev] = await owner.listLogAnalyticsWorkspaces(fraud.subscriptionId);
    const read = await failure(
      scientist.queryLogs(lawDev!.customerId, 'AmlOnlineEndpointTrafficLog | take 1', 'PT1H'),
    );
    expect(read.status).toBe(403);
    expect(read.hint).toContain('Microsoft.OperationalInsights/workspaces/query/read');
    expect(read.hint).toContain('Log Analytics Reader');
  });

  it('a query outside the subset is the service’s own error, not a crash', async () => {
    const owner = await signedIn('owner');
    const [lawDev] = await owner.listLogAnalyticsWorkspaces(subscriptionId(sandbox));
    const err = await failure(
      owner.queryLogs(lawDev!.customerId, 'AmlOnlineEndpointTrafficLog | extend x = 1', 'PT1H'),
    );
    expect(err.status).toBe(400);
    expect(err.code).toBe('BadArgumentError');
    expect(err.detail).toMatch(/invalid properties|extend/);
  });
});
