import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {resolveCloud} from '../../source/azure/clouds';
import {toAppError} from '../../source/azure/errors';
import {createServices} from '../../source/azure/services';
import type {Services} from '../../source/domain/services';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, request, startTestSandbox, tokenFor} from '../helpers/sandbox';

// Sessions revoked (Graph revokeSignInSessions): refresh tokens issued before are refused with
// AADSTS50173, so when Resource Manager calls the access token expired no fresh one can be had.
// The failure says "sign in again" (AppError.signInAgain), and signing in again replaces the
// credential every client uses.

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(() => sandbox?.stop());

const CLIENT = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';
const SCOPE = 'https://management.azure.com/.default offline_access';
const form = (values: Record<string, string>) => ({
  method: 'POST',
  headers: {'content-type': 'application/x-www-form-urlencoded'},
  body: new URLSearchParams(values).toString(),
});
const tokenPath = () => `/${sandbox.descriptor.tenantId}/oauth2/v2.0/token`;

/** A device-code sign-in on the wire, approved as `user`: its refresh token. */
async function refreshTokenOf(user: string): Promise<string> {
  const code = (
    await request(
      sandbox,
      `/${sandbox.descriptor.tenantId}/oauth2/v2.0/devicecode`,
      form({client_id: CLIENT, scope: SCOPE}),
    )
  ).json() as {device_code: string; user_code: string};
  sandbox.approveDeviceCode(code.user_code, user);
  const tokens = (
    await request(
      sandbox,
      tokenPath(),
      form({
        grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
        client_id: CLIENT,
        device_code: code.device_code,
      }),
    )
  ).json() as {refresh_token: string};
  return tokens.refresh_token;
}

const refresh = (refreshToken: string) =>
  request(
    sandbox,
    tokenPath(),
    form({
      grant_type: 'refresh_token',
      client_id: CLIENT,
      refresh_token: refreshToken,
      scope: SCOPE,
    }),
  );

const admin = (path: string, body: unknown) =>
  request(sandbox, path, {
    method: 'POST',
    headers: {'x-sandbox-admin': sandbox.descriptor.adminToken, 'content-type': 'application/json'},
    body: JSON.stringify(body),
  });

describe('the sandbox revokes sign-in sessions', () => {
  it('through the admin API: older refresh tokens get invalid_grant AADSTS50173, newer ones work', async () => {
    sandbox.reset();
    const before = await refreshTokenOf('owner');
    expect((await refresh(before)).status).toBe(200);
    const other = await refreshTokenOf('scientist');

    const revoked = await admin('/__sandbox/revoke-sessions', {user: 'owner'});
    expect(revoked.status).toBe(200);
    expect(revoked.json()).toMatchObject({revoked: principal(sandbox, 'owner').objectId});

    const refused = await refresh(before);
    expect(refused.status).toBe(400);
    const body = refused.json() as {
      error: string;
      error_codes: number[];
      error_description: string;
    };
    expect(body.error).toBe('invalid_grant');
    expect(body.error_codes).toEqual([50173]);
    expect(body.error_description).toMatch(
      /^AADSTS50173: The provided grant has expired due to it being revoked, a fresh auth token is needed\. .*The grant was issued on '[^']+Z' and the TokensValidFrom date \(before which tokens are not valid\) for this user is '[^']+Z'\./,
    );
    // Another user's sessions are untouched; a sign-in after the revocation works again.
    expect((await refresh(other)).status).toBe(200);
    expect((await refresh(await refreshTokenOf('owner'))).status).toBe(200);
  });

  it('refuses the admin call without the admin token, and a name that is no user', async () => {
    const anonymous = await request(sandbox, '/__sandbox/revoke-sessions', {
      method: 'POST',
      body: JSON.stringify({user: 'owner'}),
    });
    expect(anonymous.status).toBe(401);
    expect((await admin('/__sandbox/revoke-sessions', {user: 'ops-automation'})).status).toBe(400);
    expect((await admin('/__sandbox/revoke-sessions', {user: 'nobody'})).status).toBe(400);
  });

  it('through Graph: POST /v1.0/users/{upn}/revokeSignInSessions answers {value: true}', async () => {
    sandbox.reset();
    const before = await refreshTokenOf('scientist');
    const graph = await tokenFor(sandbox, 'scientist', 'https://graph.microsoft.com/.default');
    const upn = principal(sandbox, 'scientist').name;
    const path = `/v1.0/users/${encodeURIComponent(upn)}/revokeSignInSessions`;
    const get = await request(sandbox, path, {headers: {authorization: `Bearer ${graph}`}});
    expect(get.status).toBe(405);
    const anonymous = await request(sandbox, path, {method: 'POST'});
    expect(anonymous.status).toBe(401);
    const res = await request(sandbox, path, {
      method: 'POST',
      headers: {authorization: `Bearer ${graph}`},
    });
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({value: true});
    expect((await refresh(before)).status).toBe(400);
  });
});

async function deviceCodeServices(codes: {count: number}): Promise<Services> {
  const services = createServices(await resolveCloud(sandbox.descriptor.cloudFile), {
    tokenCache: 'memory',
  });
  await signIn(services, codes);
  return services;
}

const signIn = (services: Services, codes: {count: number}) =>
  services.signIn(
    'device-code',
    {},
    {
      onDeviceCode: (p) => {
        codes.count++;
        sandbox.approveDeviceCode(p.userCode, 'owner');
      },
    },
  );

const label = (r: {method: string; path: string; status: number}) =>
  `${r.method} ${r.path.replace(/\?.*/, '').replace(/^\/[^/]+\/oauth2\/v2\.0\/token$/, 'token')} ${r.status}`;

describe('a sign-in that can no longer get tokens', () => {
  it('ExpiredAuthenticationToken after the refused refresh says: sign in again; signing in again makes every client work', async () => {
    sandbox.reset();
    const codes = {count: 0};
    const services = await deviceCodeServices(codes);
    const subscriptions = await services.listSubscriptions();
    await services.listWorkspaces(subscriptions[0]!.subscriptionId);

    sandbox.revokeSignInSessions('owner');
    sandbox.advanceClock(2 * 3600_000);
    sandbox.clearRequests();
    const failure = await services.listSubscriptions().then(
      () => undefined,
      (err: unknown) => services.explainError(err, 'list subscriptions'),
    );
    expect(failure).toMatchObject({
      kind: 'auth',
      code: 'ExpiredAuthenticationToken',
      signInAgain: true,
    });
    expect(failure!.nextSteps.join(' ')).toMatch(/device code/);
    // One fresh try (refused), no second request with the refused token.
    expect(sandbox.requests().map(label)).toEqual(['GET /subscriptions 401', 'POST token 400']);
    // A token for another audience (aad_token scoring) is refused at the token endpoint.
    const aad = await services.aadToken().then(
      () => undefined,
      (err: unknown) => services.explainError(err, 'get an Entra token'),
    );
    expect(aad?.signInAgain).toBe(true);

    await signIn(services, codes);
    expect(codes.count).toBe(2);
    sandbox.clearRequests();
    // The cached clients (subscriptions, the ML client of this subscription) use the new sign-in.
    expect((await services.listSubscriptions()).length).toBe(subscriptions.length);
    await services.listWorkspaces(subscriptions[0]!.subscriptionId);
    expect(sandbox.requests().map(label)).toEqual([
      'GET /subscriptions 200',
      `GET /subscriptions/${subscriptions[0]!.subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces 200`,
    ]);
    expect((await services.aadToken()).value).toBeTruthy();
  });
});

describe('errors that mean "sign in again"', () => {
  it('AuthenticationRequiredError, invalid_grant and interaction_required', () => {
    const required = toAppError(
      {
        name: 'AuthenticationRequiredError',
        message:
          'Automatic authentication has been disabled. You may call the authentication() method.',
      },
      {operation: 'list subscriptions', method: 'browser'},
    );
    expect(required).toMatchObject({signInAgain: true, kind: 'auth'});
    expect(required.nextSteps.join(' ')).toMatch(/browser/);
    for (const error of ['invalid_grant', 'interaction_required']) {
      const e = toAppError(
        {
          name: 'AuthenticationError',
          statusCode: 400,
          message: `${error}: Error(s): 50173 - AADSTS50173: revoked`,
          errorResponse: {error, errorDescription: 'AADSTS50173: revoked', errorCodes: [50173]},
        },
        {operation: 'sign in'},
      );
      expect(e.signInAgain).toBe(true);
      expect(e.title).toBe('Your sign-in was revoked');
    }
    const wrongSecret = toAppError(
      {
        name: 'AuthenticationError',
        statusCode: 401,
        message: 'invalid_client',
        errorResponse: {
          error: 'invalid_client',
          errorDescription: 'AADSTS7000215: bad',
          errorCodes: [7000215],
        },
      },
      {operation: 'sign in'},
    );
    expect(wrongSecret.signInAgain).toBeUndefined();
  });

  it('CredentialUnavailable only after a sign-in that worked; ExpiredAuthenticationToken names az login for cli', () => {
    const unavailable = {
      name: 'CredentialUnavailableError',
      message: "Please run 'az login' to set up an account",
    };
    expect(
      toAppError(unavailable, {operation: 'sign in', method: 'cli'}).signInAgain,
    ).toBeUndefined();
    expect(
      toAppError(unavailable, {operation: 'list subscriptions', method: 'cli', signedIn: true})
        .signInAgain,
    ).toBe(true);
    const expired = toAppError(
      {
        name: 'RestError',
        statusCode: 401,
        code: 'ExpiredAuthenticationToken',
        message: 'The access token expiry UTC time is earlier than current UTC time.',
      },
      {operation: 'list subscriptions', method: 'cli', signedIn: true},
    );
    expect(expired).toMatchObject({kind: 'auth', signInAgain: true});
    expect(expired.nextSteps).toEqual([expect.stringMatching(/az login/)]);
  });
});
