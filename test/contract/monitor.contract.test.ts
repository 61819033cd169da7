/**
 * Contract: the sandbox's Azure Monitor bodies — diagnostic settings on an online endpoint, Log
 * Analytics workspaces, the query API's results and errors — against our own schemas written from
 * the official API descriptions (./fixtures/monitor-schemas.ts says which documents and facts).
 * The bodies are fetched over raw HTTPS, as a client sees them.
 */
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';
import * as schemas from './fixtures/monitor-schemas';

const ajv = new Ajv({allErrors: true, strict: false});
addFormats(ajv);
const check = (schema: Record<string, unknown>, body: unknown): string[] => {
  const validate = ajv.compile(schema);
  return validate(body)
    ? []
    : (validate.errors ?? []).map(
        (e) => `${e.instancePath || '$'} ${e.message} ${JSON.stringify(e.params)}`,
      );
};

const INSIGHTS = '2021-05-01-preview';
const OI = '2025-07-01';
let sandbox: RunningSandbox;
let arm: string;
let sub: string;

beforeAll(async () => {
  sandbox = await startTestSandbox({ingestionDelayMs: 0});
  arm = await tokenFor(sandbox, 'ops-automation');
  sub = subscriptionId(sandbox);
});
afterAll(async () => {
  await sandbox?.stop();
});

const endpoint = (name: string) =>
  `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/${name}`;
const lawId = () =>
  `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.OperationalInsights/workspaces/law-dev`;
const call = (path: string, method = 'GET', body?: unknown, token = arm) =>
  request(sandbox, path, {
    method,
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
    ...(body === undefined ? {} : {body: JSON.stringify(body)}),
  });

describe('Microsoft.Insights/diagnosticSettings on an online endpoint (2021-05-01-preview)', () => {
  it('LIST, PUT, GET and DELETE bodies match DiagnosticSettingsResource(Collection)', async () => {
    const base = `${endpoint('fraud-aad')}/providers/Microsoft.Insights/diagnosticSettings`;
    const seeded = await call(
      `${endpoint('churn-scorer')}/providers/Microsoft.Insights/diagnosticSettings?api-version=${INSIGHTS}`,
    );
    expect(seeded.status).toBe(200);
    expect(check(schemas.diagnosticSettingsCollection, seeded.json())).toEqual([]);
    expect((seeded.json() as {value: unknown[]}).value).toHaveLength(1);

    const put = await call(`${base}/contract?api-version=${INSIGHTS}`, 'PUT', {
      properties: {workspaceId: lawId(), logs: [{categoryGroup: 'allLogs', enabled: true}]},
    });
    expect(put.status).toBe(200);
    expect(check(schemas.diagnosticSettingsResource, put.json())).toEqual([]);
    expect(put.json()).toMatchObject({
      name: 'contract',
      type: 'Microsoft.Insights/diagnosticSettings',
      properties: {workspaceId: lawId(), logs: [{categoryGroup: 'allLogs', enabled: true}]},
    });
    const got = await call(`${base}/contract?api-version=${INSIGHTS}`);
    expect(check(schemas.diagnosticSettingsResource, got.json())).toEqual([]);
    const listed = await call(`${base}?api-version=${INSIGHTS}`);
    expect(check(schemas.diagnosticSettingsCollection, listed.json())).toEqual([]);

    expect((await call(`${base}/contract?api-version=${INSIGHTS}`, 'DELETE')).status).toBe(200);
    expect((await call(`${base}/contract?api-version=${INSIGHTS}`, 'DELETE')).status).toBe(204);
    const gone = await call(`${base}/contract?api-version=${INSIGHTS}`);
    expect(gone.status).toBe(404);
    expect(check(schemas.insightsErrorResponse, gone.json())).toEqual([]);
  });

  it('validation errors are the provider’s flat ErrorResponse', async () => {
    const base = `${endpoint('loan-aml')}/providers/Microsoft.Insights/diagnosticSettings`;
    const cases: [unknown, RegExp][] = [
      [
        {properties: {workspaceId: lawId(), logs: [{category: 'Nope', enabled: true}]}},
        /Category 'Nope' is not supported/,
      ],
      [
        {properties: {logs: [{category: 'AmlOnlineEndpointTrafficLog', enabled: true}]}},
        /At least one destination/,
      ],
      [
        {
          properties: {
            workspaceId: `${lawId()}-missing`,
            logs: [{category: 'AmlOnlineEndpointTrafficLog', enabled: true}],
          },
        },
        /was not found/,
      ],
      [
        {properties: {workspaceId: lawId(), logs: [{category: 'AmlOnlineEndpointTrafficLog'}]}},
        /enabled is required/,
      ],
    ];
    for (const [body, message] of cases) {
      const res = await call(`${base}/bad?api-version=${INSIGHTS}`, 'PUT', body);
      expect(res.status).toBe(400);
      expect(check(schemas.insightsErrorResponse, res.json())).toEqual([]);
      expect((res.json() as {message: string}).message).toMatch(message);
    }
    // The same sink for the same category in a second setting is refused, as Azure does.
    const first = await call(`${base}/one?api-version=${INSIGHTS}`, 'PUT', {
      properties: {
        workspaceId: lawId(),
        logs: [{category: 'AmlOnlineEndpointTrafficLog', enabled: true}],
      },
    });
    expect(first.status).toBe(200);
    const second = await call(`${base}/two?api-version=${INSIGHTS}`, 'PUT', {
      properties: {workspaceId: lawId(), logs: [{categoryGroup: 'audit', enabled: true}]},
    });
    expect(second.status).toBe(400);
    expect((second.json() as {message: string}).message).toMatch(
      /already used in diagnostic setting 'one'/,
    );
  });

  it('RBAC: a reader may list but not write; the 403 is ARM’s AuthorizationFailed', async () => {
    const scientist = await tokenFor(sandbox, 'scientist');
    const base = `${endpoint('churn-scorer')}/providers/Microsoft.Insights/diagnosticSettings`;
    expect(
      (await call(`${base}?api-version=${INSIGHTS}`, 'GET', undefined, scientist)).status,
    ).toBe(200);
    const denied = await call(
      `${base}/x?api-version=${INSIGHTS}`,
      'PUT',
      {
        properties: {
          workspaceId: lawId(),
          logs: [{category: 'AmlOnlineEndpointConsoleLog', enabled: true}],
        },
      },
      scientist,
    );
    expect(denied.status).toBe(403);
    expect(denied.json()).toMatchObject({error: {code: 'AuthorizationFailed'}});
    expect((denied.json() as {error: {message: string}}).error.message).toContain(
      "'Microsoft.Insights/diagnosticSettings/write'",
    );
  });
});

describe('Microsoft.OperationalInsights/workspaces (2025-07-01)', () => {
  it('the subscription and resource-group lists and the GET match Workspace(ListResult)', async () => {
    const bySub = await call(
      `/subscriptions/${sub}/providers/Microsoft.OperationalInsights/workspaces?api-version=${OI}`,
    );
    expect(bySub.status).toBe(200);
    expect(check(schemas.logAnalyticsWorkspaceList, bySub.json())).toEqual([]);
    const byRg = await call(
      `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.OperationalInsights/workspaces?api-version=${OI}`,
    );
    expect(check(schemas.logAnalyticsWorkspaceList, byRg.json())).toEqual([]);
    const one = await call(`${lawId()}?api-version=${OI}`);
    expect(check(schemas.logAnalyticsWorkspace, one.json())).toEqual([]);
    expect(one.json()).toMatchObject({
      name: 'law-dev',
      type: 'Microsoft.OperationalInsights/workspaces',
    });
  });
});

describe('the Log Analytics query API (v1)', () => {
  const query = async (body: unknown, token?: string) => {
    const w = (await call(`${lawId()}?api-version=${OI}`)).json() as {
      properties: {customerId: string};
    };
    return request(
      sandbox,
      `${sandbox.descriptor.logAnalyticsEndpoint}/v1/workspaces/${w.properties.customerId}/query`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token ?? (await tokenFor(sandbox, 'ops-automation', 'https://api.loganalytics.io/.default'))}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      },
    );
  };

  it('rows and summaries are QueryResults, with the table reference’s column types', async () => {
    const rows = await query({
      query:
        'AmlOnlineEndpointTrafficLog | where EndpointName == "churn-scorer" | order by TimeGenerated desc | take 3',
      timespan: 'PT1H',
    });
    expect(rows.status).toBe(200);
    expect(check(schemas.queryResults, rows.json())).toEqual([]);
    const table = (
      rows.json() as {
        tables: {name: string; columns: {name: string; type: string}[]; rows: unknown[][]}[];
      }
    ).tables[0]!;
    expect(table.name).toBe('PrimaryResult');
    expect(table.rows).toHaveLength(3);
    const types = Object.fromEntries(table.columns.map((c) => [c.name, c.type]));
    expect(types).toMatchObject({
      TimeGenerated: 'datetime',
      EndpointName: 'string',
      DeploymentName: 'string',
      ResponseCode: 'int',
      ResponseCodeReason: 'string',
      AuthType: 'string',
      IdentityData: 'string',
      ModelStatusCode: 'int',
      RequestDurationMs: 'int',
      ResponseDurationMs: 'int',
      XRequestId: 'string',
      XMSClientRequestId: 'string',
      Location: 'string',
      _ResourceId: 'string',
    });
    const summary = await query({
      query: 'AmlOnlineEndpointTrafficLog | summarize n = count() by AuthType, ResponseCode',
      timespan: 'PT1H',
    });
    expect(check(schemas.queryResults, summary.json())).toEqual([]);
    const s = (summary.json() as {tables: {columns: {name: string; type: string}[]}[]}).tables[0]!;
    expect(s.columns).toEqual([
      {name: 'AuthType', type: 'string'},
      {name: 'ResponseCode', type: 'int'},
      {name: 'n', type: 'long'},
    ]);
  });

  it('a query outside the subset, a bad timespan, a wrong audience and no access: the service’s error shape', async () => {
    for (const [body, code, inner] of [
      [{query: 'AmlOnlineEndpointTrafficLog | extend x = 1'}, 'BadArgumentError', 'SemanticError'],
      [{query: 'AmlOnlineEndpointTrafficLog | where (('}, 'BadArgumentError', 'SyntaxError'],
      [{query: 'Usage | take 1'}, 'BadArgumentError', 'SemanticError'],
      [
        {query: 'AmlOnlineEndpointTrafficLog | where Nope == 1'},
        'BadArgumentError',
        'SemanticError',
      ],
      [{query: 'AmlOnlineEndpointTrafficLog', timespan: 'soon'}, 'BadArgumentError', undefined],
    ] as const) {
      const res = await query(body);
      expect(res.status).toBe(400);
      expect(check(schemas.queryErrorResponse, res.json())).toEqual([]);
      const err = (res.json() as {error: {code: string; innererror?: {code: string}}}).error;
      expect(err.code).toBe(code);
      expect(err.innererror?.code).toBe(inner);
    }
    const management = await query({query: 'AmlOnlineEndpointTrafficLog'}, arm);
    expect(management.status).toBe(403);
    expect(check(schemas.queryErrorResponse, management.json())).toEqual([]);
    expect(management.json()).toMatchObject({error: {code: 'InvalidTokenError'}});
    const scientist = await query(
      {query: 'AmlOnlineEndpointTrafficLog'},
      await tokenFor(sandbox, 'scientist', 'https://api.loganalytics.io/.default'),
    );
    expect(scientist.status).toBe(403);
    expect(scientist.json()).toMatchObject({error: {code: 'InsufficientAccessError'}});
  });
});
