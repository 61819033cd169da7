import {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import {ClientSecretCredential, DeviceCodeCredential} from '@azure/identity';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RequestLogEntry, RunningSandbox} from '../../source/sandbox';
import {
  armOptions,
  credentialOptions,
  principal,
  request,
  servicePrincipalCredential,
  startTestSandbox,
  subscriptionId,
  tokenFor,
} from '../helpers/sandbox';

// The admin API is driven over HTTPS exactly as another process (a demo script, the e2e tests)
// would drive it; the SDKs on the other side are the real ones.

const decode = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;

async function admin(
  sb: RunningSandbox,
  method: string,
  path: string,
  body?: unknown,
  adminToken: string | null = sb.descriptor.adminToken,
) {
  const res = await request(sb, `/__sandbox/${path}`, {
    method,
    headers: {
      ...(adminToken === null ? {} : {'x-sandbox-admin': adminToken}),
      ...(body === undefined ? {} : {'content-type': 'application/json'}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res;
}

/** An admin call that must succeed; returns its JSON. */
async function adminOk<T = Record<string, unknown>>(
  sb: RunningSandbox,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await admin(sb, method, path, body);
  expect(res.status, `${method} /__sandbox/${path}: ${res.text}`).toBe(200);
  return res.json() as T;
}

const requestLog = async (sb: RunningSandbox) =>
  (await adminOk<{value: RequestLogEntry[]}>(sb, 'GET', 'requests')).value;

/** Resolves with the user code once the credential shows its prompt. */
function promptedDeviceCredential(sb: RunningSandbox) {
  let prompted!: (code: string) => void;
  const userCode = new Promise<string>((r) => (prompted = r));
  const credential = new DeviceCodeCredential({
    ...credentialOptions(sb),
    tenantId: sb.descriptor.tenantId,
    userPromptCallback: (info) => prompted(info.userCode),
  });
  return {credential, userCode};
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the admin API', () => {
  let sandbox: RunningSandbox;
  let sub: string;
  let ws: string;
  beforeAll(async () => {
    sandbox = await startTestSandbox();
    sub = subscriptionId(sandbox);
    ws = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
  });
  afterAll(() => sandbox?.stop());

  it('refuses calls without the admin header or with a wrong one', async () => {
    for (const token of [null, 'wrong', `${sandbox.descriptor.adminToken}x`]) {
      const res = await admin(sandbox, 'GET', 'requests', undefined, token);
      expect(res.status).toBe(401);
      expect((res.json() as {error: {code: string}}).error.code).toBe('Unauthorized');
    }
    // Nothing changed behind a refused call.
    const denied = await admin(sandbox, 'PUT', 'faults', {spec: 'arm:500'}, null);
    expect(denied.status).toBe(401);
    expect((await adminOk<{value: unknown[]}>(sandbox, 'GET', 'faults')).value).toEqual([]);
    expect(await adminOk(sandbox, 'GET', 'descriptor')).toEqual(
      JSON.parse(JSON.stringify(sandbox.descriptor)),
    );
  });

  it('approves a device code while a real DeviceCodeCredential is polling', async () => {
    const {credential, userCode} = promptedDeviceCredential(sandbox);
    const tokenPromise = credential.getToken(sandbox.descriptor.managementScope);
    const code = await userCode;
    const pending = await adminOk<{value: {userCode: string}[]}>(sandbox, 'GET', 'devicecodes');
    expect(pending.value.map((c) => c.userCode)).toContain(code);
    // Let it poll at least once before the approval arrives.
    await sleep(300);
    await adminOk(sandbox, 'POST', 'devicecodes/approve', {userCode: code, principal: 'scientist'});
    const token = await tokenPromise;
    expect(decode(token.token).upn).toBe('scientist@contoso.sandbox');
    expect(decode(token.token).oid).toBe(principal(sandbox, 'scientist').objectId);
    const polls = (await requestLog(sandbox)).filter(
      (r) => r.surface === 'identity' && r.path.includes('/oauth2/v2.0/token'),
    );
    expect(polls.length).toBeGreaterThanOrEqual(2);
    expect(polls.at(-1)!.status).toBe(200);
    expect(polls.slice(0, -1).every((r) => r.status === 400)).toBe(true);

    // An unknown code cannot be approved.
    expect((await admin(sandbox, 'POST', 'devicecodes/approve', {userCode: 'NOPE'})).status).toBe(
      400,
    );
  });

  it('arm:429:next=2 — the ARM SDK retries honouring Retry-After and succeeds', async () => {
    const credential = servicePrincipalCredential(sandbox, 'ops-automation');
    await credential.getToken(sandbox.descriptor.managementScope);
    await adminOk(sandbox, 'DELETE', 'requests');
    expect(await adminOk(sandbox, 'PUT', 'faults', {spec: 'arm:429:next=2'})).toEqual({
      value: ['arm:429:next=2'],
    });

    const client = new SubscriptionClient(credential, armOptions(sandbox));
    const names: string[] = [];
    for await (const s of client.subscriptions.list()) names.push(s.displayName!);
    expect(names).toEqual(['Sandbox Dev']);

    const arm = (await requestLog(sandbox)).filter((r) => r.surface === 'arm');
    expect(arm.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(new Set(arm.map((r) => r.path)).size).toBe(1);
    // Retry-After is 1 s: the SDK waited between attempts instead of hammering.
    for (let i = 1; i < arm.length; i++) {
      const gap = Date.parse(arm[i]!.time) - Date.parse(arm[i - 1]!.time);
      expect(gap).toBeGreaterThanOrEqual(900);
    }
    // The rule is used up.
    expect((await adminOk<{value: unknown[]}>(sandbox, 'GET', 'faults')).value).toEqual([]);
  });

  it('a 429 carries Retry-After and an ARM error body', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    await adminOk(sandbox, 'PUT', 'faults', {spec: 'arm:429:next=1:retry-after=7'});
    const res = await request(sandbox, '/subscriptions?api-version=2022-12-01', {
      headers: {authorization: `Bearer ${token}`},
    });
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBe('7');
    expect(res.headers['x-ms-request-id']).toBeTruthy();
    expect((res.json() as {error: {code: string}}).error.code).toBe('TooManyRequests');
  });

  it('arm:503:next=1 — one 503, then the retried call succeeds', async () => {
    const credential = servicePrincipalCredential(sandbox, 'ops-automation');
    await credential.getToken(sandbox.descriptor.managementScope);
    await adminOk(sandbox, 'DELETE', 'requests');
    await adminOk(sandbox, 'PUT', 'faults', {spec: 'arm:503:next=1'});
    const client = new SubscriptionClient(credential, armOptions(sandbox));
    const s = await client.subscriptions.get(sub);
    expect(s.displayName).toBe('Sandbox Dev');
    const arm = (await requestLog(sandbox)).filter((r) => r.surface === 'arm');
    expect(arm.map((r) => r.status)).toEqual([503, 200]);
  });

  it('identity:500:next=1 — the credential retries the token request and gets a token', async () => {
    await adminOk(sandbox, 'DELETE', 'requests');
    await adminOk(sandbox, 'PUT', 'faults', {spec: 'identity:500:next=1'});
    const p = principal(sandbox, 'ops-automation');
    const credential = new ClientSecretCredential(
      sandbox.descriptor.tenantId,
      p.clientId!,
      p.clientSecret!,
      {...credentialOptions(sandbox), retryOptions: {maxRetries: 2, retryDelayInMs: 50}},
    );
    const token = await credential.getToken(sandbox.descriptor.managementScope);
    expect(decode(token.token).oid).toBe(p.objectId);
    const identity = (await requestLog(sandbox)).filter((r) => r.surface === 'identity');
    expect(identity[0]!.status).toBe(500);
    expect(identity[1]!.path).toBe(identity[0]!.path);
    expect(identity.slice(1).map((r) => r.status)).toEqual(identity.slice(1).map(() => 200));
    expect(identity.filter((r) => r.status === 500)).toHaveLength(1);
  });

  it('drop cuts the connection: a raw request fails with a socket error', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    await adminOk(sandbox, 'DELETE', 'requests');
    await adminOk(sandbox, 'PUT', 'faults', {spec: 'arm:drop:next=1'});
    const url = '/subscriptions?api-version=2022-12-01';
    const headers = {authorization: `Bearer ${token}`};
    await expect(request(sandbox, url, {headers})).rejects.toMatchObject({
      code: expect.stringMatching(/^(ECONNRESET|EPIPE)$/),
    });
    // The next one is served; the log shows the dropped one with no status.
    expect((await request(sandbox, url, {headers})).status).toBe(200);
    expect((await requestLog(sandbox)).map((r) => r.status)).toEqual([0, 200]);
  });

  it('latency=300ms delays that request by about 300 ms', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    await adminOk(sandbox, 'DELETE', 'requests');
    await adminOk(sandbox, 'PUT', 'faults', {spec: 'arm:latency=300ms:next=1'});
    const started = performance.now();
    const res = await request(sandbox, '/subscriptions?api-version=2022-12-01', {
      headers: {authorization: `Bearer ${token}`},
    });
    const elapsed = performance.now() - started;
    expect(res.status).toBe(200);
    expect(elapsed).toBeGreaterThanOrEqual(250);
    const [entry] = await requestLog(sandbox);
    expect(entry!.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('rejects a bad fault spec with 400 and keeps the current rules', async () => {
    await adminOk(sandbox, 'PUT', 'faults', {spec: 'scoring:latency=10ms'});
    const res = await admin(sandbox, 'PUT', 'faults', {spec: 'arm:418'});
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/unknown fault/);
    expect(await adminOk(sandbox, 'GET', 'faults')).toEqual({
      value: [{spec: 'scoring:latency=10ms', remaining: null}],
    });
    await adminOk(sandbox, 'DELETE', 'faults');
  });

  it('advancing the clock 2h makes an existing ARM token expire', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    const url = '/subscriptions?api-version=2022-12-01';
    const headers = {authorization: `Bearer ${token}`};
    expect((await request(sandbox, url, {headers})).status).toBe(200);
    const moved = await adminOk<{offsetMs: number}>(sandbox, 'POST', 'clock', {advance: '2h'});
    expect(moved.offsetMs).toBe(2 * 3600_000);
    const res = await request(sandbox, url, {headers});
    expect(res.status).toBe(401);
    expect((res.json() as {error: {code: string}}).error.code).toBe('ExpiredAuthenticationToken');
    expect(res.headers['www-authenticate']).toMatch(/invalid_token/);
    await adminOk(sandbox, 'POST', 'reset');
    expect((await adminOk<{offsetMs: number}>(sandbox, 'GET', 'clock')).offsetMs).toBe(0);
  });

  it('reset restores the seeded world and keeps client secrets', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    const auth = {authorization: `Bearer ${token}`, 'content-type': 'application/json'};
    const ml = 'api-version=2022-10-01';
    const listKeys = async () => {
      const res = await request(sandbox, `${ws}/onlineEndpoints/churn-scorer/listKeys?${ml}`, {
        method: 'POST',
        headers: auth,
      });
      expect(res.status).toBe(200);
      return (res.json() as {primaryKey: string}).primaryKey;
    };

    const created = await request(sandbox, `${ws}/onlineEndpoints/made-before-reset?${ml}`, {
      method: 'PUT',
      headers: auth,
      body: JSON.stringify({location: 'eastus', properties: {authMode: 'Key'}}),
    });
    expect(created.status).toBe(201);
    const original = await listKeys();
    const regen = await request(
      sandbox,
      `${ws}/onlineEndpoints/churn-scorer/regenerateKeys?${ml}`,
      {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({keyType: 'Primary'}),
      },
    );
    expect(regen.status).toBe(202);
    await adminOk(sandbox, 'POST', 'clock', {advance: '1s'}); // finishes the operations
    const regenerated = await listKeys();
    expect(regenerated).not.toBe(original);
    const get = (name: string) =>
      request(sandbox, `${ws}/onlineEndpoints/${name}?${ml}`, {headers: auth});
    expect((await get('made-before-reset')).status).toBe(200);

    await adminOk(sandbox, 'PUT', 'faults', {spec: 'scoring:500'});
    expect(await adminOk(sandbox, 'POST', 'reset')).toEqual({reset: true});

    expect((await get('made-before-reset')).status).toBe(404);
    expect((await get('churn-scorer')).status).toBe(200);
    expect(await listKeys()).not.toBe(regenerated);
    expect((await adminOk<{value: unknown[]}>(sandbox, 'GET', 'faults')).value).toEqual([]);
    // The secrets in the descriptor (and the cloud file) still sign in.
    const fresh = servicePrincipalCredential(sandbox, 'scoring-client');
    const t = await fresh.getToken(sandbox.descriptor.managementScope);
    expect(decode(t.token).oid).toBe(principal(sandbox, 'scoring-client').objectId);
    const descriptor = await adminOk<{principals: unknown}>(sandbox, 'GET', 'descriptor');
    expect(descriptor.principals).toEqual(sandbox.descriptor.principals);
  });
});

describe('tokenLifetimeMs: 90_000', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({tokenLifetimeMs: 90_000});
  });
  afterAll(() => sandbox?.stop());

  it('issues Entra tokens that live 90 s and ask to be refreshed at 45 s', async () => {
    const p = principal(sandbox, 'ops-automation');
    const raw = await request(sandbox, `/${sandbox.descriptor.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: p.clientId!,
        client_secret: p.clientSecret!,
        scope: sandbox.descriptor.managementScope,
      }).toString(),
    });
    const body = raw.json() as {access_token: string; expires_in: number; refresh_in: number};
    expect(body.expires_in).toBe(90);
    expect(body.refresh_in).toBe(45);
    const claims = decode(body.access_token) as {iat: number; exp: number};
    expect(claims.exp - claims.iat).toBe(90);

    const before = Date.now();
    const sdk = await servicePrincipalCredential(sandbox, 'ops-automation').getToken(
      sandbox.descriptor.managementScope,
    );
    const sdkClaims = decode(sdk.token) as {iat: number; exp: number};
    expect(sdkClaims.exp - sdkClaims.iat).toBe(90);
    expect(sdk.expiresOnTimestamp - before).toBeGreaterThan(85_000);
    expect(sdk.expiresOnTimestamp - before).toBeLessThanOrEqual(92_000);
    expect(sdk.refreshAfterTimestamp! - before).toBeGreaterThan(40_000);
    expect(sdk.refreshAfterTimestamp! - before).toBeLessThanOrEqual(47_000);
  });

  it('issues aml tokens that expire in 90 s with refreshAfter at 45 s', async () => {
    const token = await tokenFor(sandbox, 'ops-automation');
    const sub = subscriptionId(sandbox);
    const res = await request(
      sandbox,
      `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/loan-aml/token?api-version=2022-10-01`,
      {method: 'POST', headers: {authorization: `Bearer ${token}`, 'content-length': '0'}},
    );
    expect(res.status, res.text).toBe(200);
    const aml = res.json() as {
      accessToken: string;
      expiryTimeUtc: number;
      refreshAfterTimeUtc: number;
    };
    const now = Date.now() / 1000;
    expect(aml.expiryTimeUtc - now).toBeGreaterThan(85);
    expect(aml.expiryTimeUtc - now).toBeLessThanOrEqual(91);
    expect(aml.expiryTimeUtc - aml.refreshAfterTimeUtc).toBe(45);
    const claims = decode(aml.accessToken) as {iat: number; exp: number};
    expect(claims.exp - claims.iat).toBe(90);
    expect(claims.exp).toBe(aml.expiryTimeUtc);
  });
});

describe('autoApprove: true, autoApproveDelayMs: 200', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startTestSandbox({autoApprove: true, autoApproveDelayMs: 200});
  });
  afterAll(() => sandbox?.stop());

  it('a DeviceCodeCredential signs in as the owner without any approve call', async () => {
    const {credential, userCode} = promptedDeviceCredential(sandbox);
    const token = await credential.getToken(sandbox.descriptor.managementScope);
    await userCode; // the prompt was shown, as with any device-code sign-in
    expect(decode(token.token).upn).toBe('owner@contoso.sandbox');
  });

  it('after someone opens the device page, the pending code waits for that person', async () => {
    const users = sandbox.descriptor.principals.filter((p) => p.kind === 'user');
    let pageStatus: Promise<number> | undefined;
    let prompted!: (code: string) => void;
    const userCode = new Promise<string>((r) => (prompted = r));
    const credential = new DeviceCodeCredential({
      ...credentialOptions(sandbox),
      tenantId: sandbox.descriptor.tenantId,
      userPromptCallback: (info) => {
        // A person opens the page as soon as the code is shown, well inside the 200 ms.
        pageStatus = request(sandbox, '/devicelogin').then((r) => {
          expect(r.text).toContain('<form');
          for (const u of users) expect(r.text).toContain(u.objectId);
          return r.status;
        });
        prompted(info.userCode);
      },
    });
    let settled = false;
    const tokenPromise = credential.getToken(sandbox.descriptor.managementScope).finally(() => {
      settled = true;
    });
    const code = await userCode;
    expect(await pageStatus).toBe(200);

    // Well past the auto-approval delay (and a poll or two), the code is still pending.
    await sleep(1_200);
    expect(settled).toBe(false);
    const pending = await adminOk<{value: {userCode: string}[]}>(sandbox, 'GET', 'devicecodes');
    expect(pending.value.map((c) => c.userCode)).toContain(code);

    // The person picks the scientist on the page's form.
    const scientist = principal(sandbox, 'scientist');
    const posted = await request(sandbox, '/devicelogin', {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        code,
        principal: scientist.objectId,
        action: 'approve',
      }).toString(),
    });
    expect(posted.status, posted.text).toBe(200);
    expect(posted.text).toContain('signed in as scientist@contoso.sandbox');
    const token = await tokenPromise;
    expect(decode(token.token).upn).toBe('scientist@contoso.sandbox');
  });
});
