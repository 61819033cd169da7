import {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {
  armOptions,
  request,
  servicePrincipalCredential,
  startTestSandbox,
  subscriptionId,
  userCredential,
} from '../helpers/sandbox';

const SAMPLE = JSON.stringify({
  input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]},
});
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RG = 'rg-ws-dev';
const WS = 'ws-dev';

let sandbox: RunningSandbox;
let ml: AzureMachineLearningWorkspaces;
const uri: Record<string, string> = {};
let ownerMlToken: string;
let ownerMgmtToken: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  ml = new AzureMachineLearningWorkspaces(
    servicePrincipalCredential(sandbox, 'ops-automation'),
    subscriptionId(sandbox),
    armOptions(sandbox),
  );
  const owner = userCredential(sandbox, 'owner');
  await Promise.all([
    // An AMLToken endpoint with no deployments: its tokens belong to another endpoint.
    ml.onlineEndpoints.beginCreateOrUpdateAndWait(
      RG,
      WS,
      'empty-aml',
      {location: 'eastus', properties: {authMode: 'AMLToken'}},
      {updateIntervalInMs: 50},
    ),
    (async () => {
      // One device-code sign-in; the second audience comes silently from the refresh token.
      ownerMgmtToken = (await owner.getToken(sandbox.descriptor.managementScope))!.token;
      ownerMlToken = (await owner.getToken(sandbox.descriptor.mlScope))!.token;
    })(),
  ]);
  for await (const e of ml.onlineEndpoints.list(RG, WS)) uri[e.name!] = e.properties.scoringUri!;
});
afterAll(() => sandbox?.stop());

function score(
  endpoint: string,
  credential: string | undefined,
  options: {body?: string; deployment?: string; headers?: Record<string, string>} = {},
) {
  const headers: Record<string, string> = {'content-type': 'application/json', ...options.headers};
  if (credential !== undefined) headers.authorization = `Bearer ${credential}`;
  if (options.deployment) headers['azureml-model-deployment'] = options.deployment;
  return request(sandbox, uri[endpoint]!, {method: 'POST', headers, body: options.body ?? SAMPLE});
}

const amlToken = async (endpoint: string) =>
  (await ml.onlineEndpoints.getToken(RG, WS, endpoint)).accessToken!;

describe('Key endpoints (churn-scorer)', () => {
  it('accept the primary and the secondary key', async () => {
    const keys = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    for (const key of [keys.primaryKey!, keys.secondaryKey!]) {
      const res = await score('churn-scorer', key);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = res.json() as number[];
      expect(body).toHaveLength(1);
      expect(body[0]).toBeGreaterThan(0);
      expect(body[0]).toBeLessThan(1);
      expect(['blue', 'green']).toContain(res.headers['azureml-model-deployment']);
      expect(res.headers['x-request-id']).toMatch(GUID);
    }
  });

  it('refuse a wrong key, a missing header and a non-bearer header with 401', async () => {
    const wrong = await score('churn-scorer', Buffer.alloc(32, 7).toString('base64'));
    expect(wrong.status).toBe(401);
    expect(wrong.text).toBe('key_auth_access_denied');
    expect(wrong.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(wrong.headers['x-request-id']).toMatch(GUID);

    const missing = await score('churn-scorer', undefined);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/missing/);

    const keys = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    const basic = await score('churn-scorer', undefined, {
      headers: {authorization: `Basic ${keys.primaryKey}`},
    });
    expect(basic.status).toBe(401);
  });

  it('refuse a key that was regenerated away and accept the new one', async () => {
    const before = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    expect((await score('churn-scorer', before.primaryKey!)).status).toBe(200);
    await ml.onlineEndpoints.beginRegenerateKeysAndWait(
      RG,
      WS,
      'churn-scorer',
      {keyType: 'Primary'},
      {updateIntervalInMs: 50},
    );
    const after = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    expect(after.primaryKey).not.toBe(before.primaryKey);

    const old = await score('churn-scorer', before.primaryKey!);
    expect(old.status).toBe(401);
    expect(old.text).toBe('key_auth_access_denied');
    expect((await score('churn-scorer', after.primaryKey!)).status).toBe(200);
    expect((await score('churn-scorer', before.secondaryKey!)).status).toBe(200);
  });
});

describe('AMLToken endpoints (loan-aml)', () => {
  it('accept a token from the endpoint token operation', async () => {
    const res = await score('loan-aml', await amlToken('loan-aml'));
    expect(res.status).toBe(200);
    expect(res.headers['azureml-model-deployment']).toBe('v1');
    const [label] = res.json() as string[];
    expect(['approve', 'decline']).toContain(label);
  });

  it("refuse another endpoint's token, a key and an Entra token", async () => {
    const foreign = await score('loan-aml', await amlToken('empty-aml'));
    expect(foreign.status).toBe(401);
    expect(foreign.text).toBe('aml_token_auth_access_denied');
    expect(foreign.headers['www-authenticate']).toMatch(/another endpoint/);

    const keys = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    const key = await score('loan-aml', keys.primaryKey!);
    expect(key.status).toBe(401);
    expect(key.text).toBe('aml_token_auth_access_denied');

    const entra = await score('loan-aml', ownerMlToken);
    expect(entra.status).toBe(401);
    expect(entra.text).toBe('aml_token_auth_access_denied');
  });
});

describe('AADToken endpoints (fraud-aad)', () => {
  it("accept the owner's ML-audience token", async () => {
    const res = await score('fraud-aad', ownerMlToken);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual(['fraud']);
    expect(res.headers['azureml-model-deployment']).toBe('main');
  });

  it('refuse a management-audience token and an Azure ML token', async () => {
    const mgmt = await score('fraud-aad', ownerMgmtToken);
    expect(mgmt.status).toBe(401);
    expect(mgmt.text).toBe('aad_token_invalid_audience');
    expect(mgmt.headers['www-authenticate']).toContain('https://ml.azure.com/.default');

    const aml = await score('fraud-aad', await amlToken('loan-aml'));
    expect(aml.status).toBe(401);
    expect(aml.text).toBe('aad_token_auth_access_denied');
  });
});

describe('routing', () => {
  it('splits churn-scorer 90/10 exactly: 18 blue and 2 green in 20 requests', async () => {
    const keys = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    const counts: Record<string, number> = {};
    for (let i = 0; i < 20; i++) {
      const res = await score('churn-scorer', keys.primaryKey!);
      expect(res.status).toBe(200);
      const d = res.headers['azureml-model-deployment']!;
      counts[d] = (counts[d] ?? 0) + 1;
    }
    expect(counts).toEqual({blue: 18, green: 2});
  });

  it('the azureml-model-deployment header reaches the 0%-traffic v2 of loan-aml', async () => {
    const token = await amlToken('loan-aml');
    const res = await score('loan-aml', token, {deployment: 'v2'});
    expect(res.status).toBe(200);
    expect(res.headers['azureml-model-deployment']).toBe('v2');
    const [out] = res.json() as {decision: string; score: number}[];
    expect(Object.keys(out!).sort()).toEqual(['decision', 'score']);
    expect(out!.decision).toBe(out!.score >= 0.5 ? 'approve' : 'decline');

    // Without the header, 0% traffic means v2 is never chosen.
    for (let i = 0; i < 5; i++) {
      expect((await score('loan-aml', token)).headers['azureml-model-deployment']).toBe('v1');
    }
  });

  it('an unknown deployment in the header is a 404', async () => {
    const res = await score('loan-aml', await amlToken('loan-aml'), {deployment: 'v9'});
    expect(res.status).toBe(404);
    expect(res.text).toContain("Deployment 'v9' does not exist");
    expect(res.headers['x-request-id']).toMatch(GUID);
  });

  it('an endpoint with no deployments is a 404 "No valid deployments to route to"', async () => {
    const res = await score('empty-aml', await amlToken('empty-aml'));
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/^No valid deployments to route to/);
    expect(res.headers['x-request-id']).toMatch(GUID);
  });
});

describe('gateway responses', () => {
  let key: string;
  beforeAll(async () => {
    key = (await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer')).primaryKey!;
  });

  it('424 with the model error headers for three features or invalid JSON', async () => {
    const three = await score('churn-scorer', key, {
      body: JSON.stringify({input_data: {data: [[12, 70.5, 1]]}}),
    });
    expect(three.status).toBe(424);
    expect(three.headers['ms-azureml-model-error-statuscode']).toBe('400');
    expect(three.headers['ms-azureml-model-error-reason']).toBeTruthy();
    expect((three.json() as {error: string}).error).toMatch(/Expected 4 features/);
    expect(three.headers['x-request-id']).toMatch(GUID);

    const garbage = await score('churn-scorer', key, {body: '{"input_data": [[1,2,'});
    expect(garbage.status).toBe(424);
    expect(garbage.headers['ms-azureml-model-error-statuscode']).toBe('400');
    expect(garbage.headers['ms-azureml-model-error-reason']).toBeTruthy();
    expect((garbage.json() as {error: string}).error).toMatch(/not valid JSON/);
  });

  it('408 when the model takes longer than the 5 s request timeout', async () => {
    sandbox.setFaults('scoring:latency=6s:next=1');
    const slow = await score('churn-scorer', key);
    expect(slow.status).toBe(408);
    expect(slow.text).toMatch(/timed out after 5000 ms/);
    expect(slow.headers['x-request-id']).toMatch(GUID);
    // The fault was for one request only.
    expect((await score('churn-scorer', key)).status).toBe(200);
  }, 15_000);

  it('429 with Retry-After when more than 2 requests are in flight on a deployment', async () => {
    sandbox.setFaults('scoring:latency=1s');
    try {
      const results = await Promise.all(
        Array.from({length: 4}, () => score('churn-scorer', key, {deployment: 'blue'})),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toContain(429);
      // max_concurrent_requests_per_instance 1 × 1 instance × 2: at most two are served.
      const served = statuses.filter((s) => s === 200).length;
      expect(served).toBeGreaterThanOrEqual(1);
      expect(served).toBeLessThanOrEqual(2);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      for (const r of results.filter((x) => x.status === 429)) {
        expect(r.headers['retry-after']).toMatch(/^\d+$/);
        expect(r.headers['x-request-id']).toMatch(GUID);
      }
    } finally {
      sandbox.setFaults('');
    }
    // Once the in-flight requests are done the deployment takes requests again.
    expect((await score('churn-scorer', key, {deployment: 'blue'})).status).toBe(200);
  });
});

// Last: moving the sandbox clock past a day also expires every Entra token issued above.
describe('expired credentials', () => {
  it('an Azure ML token past its expiry is 401 aml_token_expired; keys do not expire', async () => {
    const token = await ml.onlineEndpoints.getToken(RG, WS, 'loan-aml');
    const keys = await ml.onlineEndpoints.listKeys(RG, WS, 'churn-scorer');
    expect((await score('loan-aml', token.accessToken!)).status).toBe(200);
    const nowMs = Date.now();
    sandbox.advanceClock(token.expiryTimeUtc! * 1000 - nowMs + 1000);
    const res = await score('loan-aml', token.accessToken!);
    expect(res.status).toBe(401);
    expect(res.text).toBe('aml_token_expired');
    expect((await score('churn-scorer', keys.primaryKey!)).status).toBe(200);
  });

  it('an expired Entra token is 401 aad_token_expired', async () => {
    const res = await score('fraud-aad', ownerMlToken);
    expect(res.status).toBe(401);
    expect(res.text).toBe('aad_token_expired');
  });
});
