import {connect} from 'node:tls';
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import type {RequestLogEntry} from '../../source/sandbox';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, subscriptionId, tokenFor} from '../helpers/sandbox';

// Bad input of every kind reaches the sandbox here; each answer must be the Azure-shaped error a
// real client would see, and the server must keep serving afterwards.

let sandbox: RunningSandbox;
let token: string;
let sub: string;
let ws: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  token = await tokenFor(sandbox, 'ops-automation');
  sub = subscriptionId(sandbox);
  ws = `/subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
});
afterAll(() => sandbox?.stop());

// Every request any test made that ended in a 5xx or without an answer (the log is read before
// each test's clock shifts and resets can clear it).
const unanswered: RequestLogEntry[] = [];
afterEach(() => {
  unanswered.push(...sandbox.requests().filter((r) => r.status >= 500 || r.status === 0));
  sandbox.clearRequests();
});

const ML = 'api-version=2022-10-01';

function arm(
  path: string,
  init: {method?: string; headers?: Record<string, string>; body?: string | Buffer} = {},
  bearer: string | null = token,
) {
  return request(sandbox, path, {
    ...init,
    headers: {
      ...(bearer === null ? {} : {authorization: `Bearer ${bearer}`}),
      ...(init.body !== undefined && typeof init.body === 'string'
        ? {'content-type': 'application/json'}
        : {}),
      ...init.headers,
    },
  });
}

type ArmErrorBody = {error: {code: string; message: string}};

/** An ARM error: the status, `{"error":{"code","message"}}` JSON and the request-id header. */
function expectArmError(
  res: Awaited<ReturnType<typeof request>>,
  status: number,
  code?: string | RegExp,
): ArmErrorBody['error'] {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-ms-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  const body = res.json() as ArmErrorBody;
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  if (typeof code === 'string') expect(body.error.code).toBe(code);
  else if (code) expect(body.error.code).toMatch(code);
  return body.error;
}

const endpointBody = (authMode = 'Key') =>
  JSON.stringify({location: 'eastus', properties: {authMode}});

describe('malformed ARM requests get ARM error bodies', () => {
  it('garbage JSON to an endpoint PUT is 400 InvalidRequestContent', async () => {
    for (const body of ['{"location": "eastus", "properties": {', 'not json at all', '[1,2]']) {
      const res = await arm(`${ws}/onlineEndpoints/garbage-json?${ML}`, {method: 'PUT', body});
      expectArmError(res, 400, 'InvalidRequestContent');
    }
    // Nothing was created by any of them.
    const get = await arm(`${ws}/onlineEndpoints/garbage-json?${ML}`);
    expectArmError(get, 404, 'ResourceNotFound');
  });

  it('an empty PUT body is 400 InvalidRequestContent too', async () => {
    const res = await arm(`${ws}/onlineEndpoints/empty-body?${ML}`, {method: 'PUT', body: ''});
    expectArmError(res, 400, 'InvalidRequestContent');
  });

  it('wrong methods are 405 with an Allow header', async () => {
    const listKeys = await arm(`${ws}/onlineEndpoints/churn-scorer/listKeys?${ML}`);
    expectArmError(listKeys, 405, 'MethodNotAllowed');
    expect(listKeys.headers.allow).toBe('POST');

    const workspaces = await arm(
      `/subscriptions/${sub}/providers/Microsoft.MachineLearningServices/workspaces?${ML}`,
      {method: 'DELETE'},
    );
    expectArmError(workspaces, 405, 'MethodNotAllowed');

    const endpoint = await arm(`${ws}/onlineEndpoints/churn-scorer?${ML}`, {method: 'POST'});
    expectArmError(endpoint, 405, 'MethodNotAllowed');
    expect(endpoint.headers.allow).toMatch(/GET/);
  });

  it('wrong methods on the token endpoint and the scoring URI are refused, not crashed', async () => {
    const tokenGet = await request(sandbox, `/${sandbox.descriptor.tenantId}/oauth2/v2.0/token`);
    expect(tokenGet.status).toBe(405);
    expect((tokenGet.json() as {error: string}).error).toBe('invalid_request');

    const scoreGet = await request(sandbox, '/inference/churn-scorer.eastus/score');
    expect(scoreGet.status).toBe(405);
    expect(scoreGet.headers['x-request-id']).toBeTruthy();
  });

  it('unknown paths are 404 in the ARM shape', async () => {
    expectArmError(
      await arm(`/subscriptions/${sub}/providers/Microsoft.Nothing/things?${ML}`),
      404,
      'InvalidResourceType',
    );
    expectArmError(await arm(`/no/such/thing?${ML}`), 404, 'NotFound');
    expectArmError(
      await arm(`${ws}/onlineEndpoints/churn-scorer/nonsense/deeper?${ML}`),
      404,
      'InvalidResourceType',
    );
    expectArmError(
      await arm(`${ws}/onlineEndpoints/no-such-endpoint?${ML}`),
      404,
      'ResourceNotFound',
    );
    const identity = await request(sandbox, '/contoso.sandbox/oauth2/v2.0/nothing-here');
    expect(identity.status).toBe(404);
    expect((identity.json() as ArmErrorBody).error.code).toBe('NotFound');
  });

  it('a missing api-version is 400 MissingApiVersionParameter', async () => {
    expectArmError(await arm('/subscriptions'), 400, 'MissingApiVersionParameter');
    expectArmError(
      await arm(`${ws}/onlineEndpoints/churn-scorer`),
      400,
      'MissingApiVersionParameter',
    );
    expectArmError(
      await arm(`/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions`),
      400,
      'MissingApiVersionParameter',
    );
  });

  it('an unsupported api-version is 400', async () => {
    const error = expectArmError(
      await arm(`${ws}/onlineEndpoints/churn-scorer?api-version=1999-01-01`),
      400,
      /ApiVersion|NoRegisteredProviderFound/,
    );
    expect(error.message).toContain('1999-01-01');
    expectArmError(await arm('/subscriptions?api-version=banana'), 400);
    expectArmError(
      await arm(
        `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions?api-version=2099-01-01`,
      ),
      400,
    );
  });

  it('a 5 MiB body to ARM is 413, with or without a declared length', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024, 0x20);
    const declared = await arm(`${ws}/onlineEndpoints/too-big?${ML}`, {
      method: 'PUT',
      body: big,
      headers: {'content-type': 'application/json', 'content-length': String(big.length)},
    });
    expectArmError(declared, 413, 'RequestEntityTooLarge');
    const chunked = await arm(`${ws}/onlineEndpoints/too-big?${ML}`, {
      method: 'PUT',
      body: big,
      headers: {'content-type': 'application/json'},
    });
    expectArmError(chunked, 413, 'RequestEntityTooLarge');
  });

  it('a 2 MiB payload to a scoring URI is 413', async () => {
    const keys = (await arm(`${ws}/onlineEndpoints/churn-scorer/listKeys?${ML}`, {
      method: 'POST',
    }).then((r) => r.json())) as {primaryKey: string};
    const payload = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const res = await request(sandbox, '/inference/churn-scorer.eastus/score', {
      method: 'POST',
      body: payload,
      headers: {
        authorization: `Bearer ${keys.primaryKey}`,
        'content-type': 'application/json',
        'content-length': String(payload.length),
      },
    });
    expect(res.status).toBe(413);
    expect(res.headers['x-request-id']).toBeTruthy();
  });
});

describe('bad credentials get ARM 401s with a challenge', () => {
  it('no Authorization header is 401 AuthenticationFailed with WWW-Authenticate', async () => {
    const res = await arm('/subscriptions?api-version=2022-12-01', {}, null);
    expectArmError(res, 401, 'AuthenticationFailed');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer authorization_uri="https:\/\//);
  });

  it('a garbage bearer is 401 InvalidAuthenticationToken', async () => {
    for (const garbage of ['garbage', 'a.b.c', `${token.slice(0, -4)}AAAA`]) {
      const res = await arm('/subscriptions?api-version=2022-12-01', {}, garbage);
      expectArmError(res, 401, 'InvalidAuthenticationToken');
      expect(res.headers['www-authenticate']).toContain('invalid_token');
    }
  });

  it('an ML-audience token is 401 InvalidAuthenticationTokenAudience', async () => {
    const mlToken = await tokenFor(sandbox, 'ops-automation', 'https://ml.azure.com/.default');
    const res = await arm('/subscriptions?api-version=2022-12-01', {}, mlToken);
    const error = expectArmError(res, 401, 'InvalidAuthenticationTokenAudience');
    expect(error.message).toContain('https://ml.azure.com');
  });
});

describe('invalid endpoint definitions are 400', () => {
  it('rejects invalid endpoint names and accepts the boundary cases', async () => {
    const bad = ['ab', '1abc', 'abc-', 'a'.repeat(33), 'has_underscore'];
    for (const name of bad) {
      const res = await arm(`${ws}/onlineEndpoints/${name}?${ML}`, {
        method: 'PUT',
        body: endpointBody(),
      });
      const error = expectArmError(res, 400);
      expect(error.message).toContain(name);
    }
    // 32 characters and a hyphen inside are fine: the rule is not simply "reject everything".
    const ok = `a${'b'.repeat(29)}-c`;
    expect(ok).toHaveLength(32);
    const created = await arm(`${ws}/onlineEndpoints/${ok}?${ML}`, {
      method: 'PUT',
      body: endpointBody(),
    });
    expect(created.status, created.text).toBe(201);
  });

  it('rejects an invalid authMode and a missing one', async () => {
    const invalid = await arm(`${ws}/onlineEndpoints/bad-mode?${ML}`, {
      method: 'PUT',
      body: endpointBody('Password'),
    });
    expect(expectArmError(invalid, 400).message).toMatch(/Password/);
    const missing = await arm(`${ws}/onlineEndpoints/bad-mode?${ML}`, {
      method: 'PUT',
      body: JSON.stringify({location: 'eastus', properties: {}}),
    });
    expect(expectArmError(missing, 400).message).toMatch(/authMode/);
  });
});

// ---------------------------------------------------------------- Entra token endpoint

type OAuthErrorBody = {error: string; error_description: string; error_codes: number[]};

function postForm(path: string, fields: Record<string, string>) {
  return request(sandbox, path, {
    method: 'POST',
    headers: {'content-type': 'application/x-www-form-urlencoded'},
    body: new URLSearchParams(fields).toString(),
  });
}

const tokenPath = () => `/${sandbox.descriptor.tenantId}/oauth2/v2.0/token`;

function expectOAuthError(
  res: Awaited<ReturnType<typeof request>>,
  status: number,
  error: string,
  aadsts?: number,
): OAuthErrorBody {
  expect(res.status, res.text).toBe(status);
  const body = res.json() as OAuthErrorBody;
  expect(body.error).toBe(error);
  if (aadsts !== undefined) {
    expect(body.error_codes).toEqual([aadsts]);
    expect(body.error_description).toMatch(new RegExp(`^AADSTS${aadsts}: `));
  }
  return body;
}

async function newDeviceCode(): Promise<{device_code: string; user_code: string}> {
  const res = await postForm(`/${sandbox.descriptor.tenantId}/oauth2/v2.0/devicecode`, {
    client_id: 'robustness-client',
    scope: 'https://management.azure.com/.default offline_access openid profile',
  });
  expect(res.status, res.text).toBe(200);
  return res.json() as {device_code: string; user_code: string};
}

const pollDeviceCode = (deviceCode: string) =>
  postForm(tokenPath(), {
    grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
    client_id: 'robustness-client',
    device_code: deviceCode,
  });

describe('the token endpoint answers bad requests with Entra errors', () => {
  const ops = () => principal(sandbox, 'ops-automation');

  it('an unknown tenant is 400 AADSTS90002', async () => {
    const res = await postForm('/nowhere.example/oauth2/v2.0/token', {
      grant_type: 'client_credentials',
      client_id: ops().clientId!,
      client_secret: ops().clientSecret!,
      scope: 'https://management.azure.com/.default',
    });
    expectOAuthError(res, 400, 'invalid_request', 90002);
  });

  it('an unknown client is AADSTS700016', async () => {
    const res = await postForm(tokenPath(), {
      grant_type: 'client_credentials',
      client_id: '00000000-0000-0000-0000-000000000000',
      client_secret: 'whatever',
      scope: 'https://management.azure.com/.default',
    });
    expectOAuthError(res, 400, 'unauthorized_client', 700016);
  });

  it('a missing grant_type and an unsupported grant are refused', async () => {
    expectOAuthError(
      await postForm(tokenPath(), {client_id: ops().clientId!}),
      400,
      'invalid_request',
      900144,
    );
    expectOAuthError(
      await postForm(tokenPath(), {
        grant_type: 'password',
        client_id: ops().clientId!,
        username: 'owner@contoso.sandbox',
        password: 'hunter2',
      }),
      400,
      'unsupported_grant_type',
    );
    // A body that is not a form at all is the same as no parameters.
    const binary = await request(sandbox, tokenPath(), {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: Buffer.from([0xff, 0x00, 0xfe, 0x7b]),
    });
    expectOAuthError(binary, 400, 'invalid_request');
  });

  it('a device_code the tenant never issued is refused as not recognised', async () => {
    const res = await pollDeviceCode('not-a-device-code');
    expectOAuthError(res, 400, 'bad_verification_code', 70018);
  });

  it('a pending device code polls authorization_pending; a declined one authorization_declined', async () => {
    const code = await newDeviceCode();
    expectOAuthError(await pollDeviceCode(code.device_code), 400, 'authorization_pending', 70016);
    sandbox.declineDeviceCode(code.user_code);
    expectOAuthError(await pollDeviceCode(code.device_code), 400, 'authorization_declined');
  });

  it('a device code past its 15 minutes is expired_token', async () => {
    const code = await newDeviceCode();
    sandbox.advanceClock(16 * 60_000);
    try {
      expectOAuthError(await pollDeviceCode(code.device_code), 400, 'expired_token', 70020);
      expect(() => sandbox.approveDeviceCode(code.user_code, 'owner')).toThrow(/no pending/);
    } finally {
      sandbox.reset();
    }
  });
});

describe('expired tokens', () => {
  it('an ARM token past its expiry is 401 ExpiredAuthenticationToken', async () => {
    const fresh = await tokenFor(sandbox, 'ops-automation');
    expect((await arm('/subscriptions?api-version=2022-12-01', {}, fresh)).status).toBe(200);
    sandbox.advanceClock(2 * 3600_000);
    try {
      const res = await arm('/subscriptions?api-version=2022-12-01', {}, fresh);
      const error = expectArmError(res, 401, 'ExpiredAuthenticationToken');
      expect(error.message).toMatch(/is earlier than current UTC time/);
    } finally {
      sandbox.reset();
    }
  });
});

// ---------------------------------------------------------------- raw sockets

/** Sends raw bytes over TLS (trusting only the sandbox CA) and returns what comes back. */
function rawTls(payload: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({host: '127.0.0.1', port: sandbox.port, ca: sandbox.caPem}, () => {
      socket.write(payload);
    });
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error('no answer in 5 s')));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('error', reject);
  });
}

describe('malformed HTTP over TLS', () => {
  it('a garbage request line gets 400 and the server keeps serving', async () => {
    const reply = await rawTls('GARBAGE\x01 /\x00 HTTP/9.9\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    const next = await request(sandbox, `/${sandbox.descriptor.tenantId}/discovery/v2.0/keys`);
    expect(next.status).toBe(200);
  });

  it('an invalid Content-Length and a broken header get 400', async () => {
    const badLength = await rawTls(
      'PUT /subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: lots\r\n\r\n{}',
    );
    expect(badLength).toMatch(/^HTTP\/1\.1 400 /);
    const badHeader = await rawTls('GET / HTTP/1.1\r\nHost 127.0.0.1\r\n\r\n');
    expect(badHeader).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('headers larger than the server takes: refused (a 400, or the connection cut while they are still arriving), and the server keeps serving', async () => {
    const reply = await rawTls(
      `GET /subscriptions HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ${'a'.repeat(64 * 1024)}\r\n\r\n`,
    ).catch((err: NodeJS.ErrnoException) => `reset: ${err.code}`);
    expect(reply).toMatch(/^(HTTP\/1\.1 (400|431) |reset: (ECONNRESET|EPIPE))/);
    expect(reply).not.toMatch(/^HTTP\/1\.1 [25]/);
    const next = await request(sandbox, `/${sandbox.descriptor.tenantId}/discovery/v2.0/keys`);
    expect(next.status).toBe(200);
  });

  it('a well-formed request over a raw TLS socket is answered normally', async () => {
    const reply = await rawTls(
      `GET /subscriptions?api-version=2022-12-01 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nConnection: close\r\n\r\n`,
    );
    expect(reply).toMatch(/^HTTP\/1\.1 200 /);
    expect(reply).toContain('Sandbox Dev');
  });
});

describe('after all of it', () => {
  it('the sandbox still answers normal requests, and none of the bad ones got a 5xx', async () => {
    const owner = await tokenFor(sandbox, 'owner');
    const res = await arm('/subscriptions?api-version=2022-12-01', {}, owner);
    expect(res.status).toBe(200);
    const names = (res.json() as {value: {displayName: string}[]}).value.map((s) => s.displayName);
    expect(names.sort()).toEqual(['Sandbox Dev', 'Sandbox Prod']);
    const keys = await arm(`${ws}/onlineEndpoints/churn-scorer/listKeys?${ML}`, {method: 'POST'});
    expect(keys.status).toBe(200);
    const score = await request(sandbox, '/inference/churn-scorer.eastus/score', {
      method: 'POST',
      headers: {
        authorization: `Bearer ${(keys.json() as {primaryKey: string}).primaryKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({input_data: [[30, 40, 2, 1]]}),
    });
    expect(score.status, score.text).toBe(200);
    expect(unanswered).toEqual([]);
  });
});
