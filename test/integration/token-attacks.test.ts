/**
 * The sandbox as a peer that can be trusted: forged and misused tokens are refused, with Azure's
 * errors, by Resource Manager and by the scoring data plane alike. Each attack starts from a real
 * token the sandbox issued and changes one thing.
 */
import {generateKeyPairSync, sign as cryptoSign, createHmac} from 'node:crypto';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {request, startTestSandbox, tokenFor} from '../helpers/sandbox';

let sandbox: RunningSandbox;
let mgmt: string;
let ml: string;
let fraudUri: string;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => {
  const [h, p, s] = token.split('.') as [string, string, string];
  return {
    header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>,
    payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>,
    signature: s,
  };
};

/** The same claims, re-signed with a key the sandbox never saw (same `kid`). */
function signedByAnotherKey(token: string): string {
  const {header, payload} = parts(token);
  const {privateKey} = generateKeyPairSync('rsa', {modulusLength: 2048});
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${cryptoSign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** `alg: none` with the signature dropped. */
function unsigned(token: string): string {
  const {header, payload} = parts(token);
  return `${b64({...header, alg: 'none'})}.${b64(payload)}.`;
}

/** HS256 "signed" with the issuer's public key as the HMAC secret (the algorithm confusion). */
function algorithmConfusion(token: string, publicJwk: Record<string, unknown>): string {
  const {header, payload} = parts(token);
  const input = `${b64({...header, alg: 'HS256'})}.${b64(payload)}`;
  const mac = createHmac('sha256', JSON.stringify(publicJwk)).update(input).digest('base64url');
  return `${input}.${mac}`;
}

/** One claim changed, the original signature kept. */
function tampered(token: string, claims: Record<string, unknown>): string {
  const {header, payload, signature} = parts(token);
  return `${b64(header)}.${b64({...payload, ...claims})}.${signature}`;
}

beforeAll(async () => {
  sandbox = await startTestSandbox();
  [mgmt, ml] = await Promise.all([
    tokenFor(sandbox, 'scoring-client'),
    // ops-automation is Owner of Sandbox Dev, so it may score fraud-aad.
    tokenFor(sandbox, 'ops-automation', 'https://ml.azure.com/.default'),
  ]);
  const sub = sandbox.descriptor.subscriptions[0]!.subscriptionId;
  const owner = await tokenFor(sandbox, 'ops-automation');
  const res = await request(
    sandbox,
    `${sandbox.descriptor.resourceManagerEndpoint}subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/fraud-aad?api-version=2025-09-01`,
    {headers: {authorization: `Bearer ${owner}`}},
  );
  expect(res.status).toBe(200);
  fraudUri = (res.json() as {properties: {scoringUri: string}}).properties.scoringUri;
});
afterAll(() => sandbox?.stop());

const arm = (token: string) =>
  request(
    sandbox,
    `${sandbox.descriptor.resourceManagerEndpoint}subscriptions?api-version=2022-12-01`,
    {
      headers: {authorization: `Bearer ${token}`},
    },
  );
const score = (token: string) =>
  request(sandbox, fraudUri, {
    method: 'POST',
    headers: {authorization: `Bearer ${token}`, 'content-type': 'application/json'},
    body: JSON.stringify({input_data: {columns: ['a', 'b', 'c', 'd'], data: [[12, 70.5, 1, 0]]}}),
  });

async function jwks(): Promise<Record<string, unknown>> {
  const tenant = sandbox.descriptor.tenantId;
  const res = await request(sandbox, `${sandbox.url}/${tenant}/discovery/v2.0/keys`);
  return (res.json() as {keys: Record<string, unknown>[]}).keys[0]!;
}

describe('the tokens themselves are good', () => {
  it('the untouched management and ML tokens are accepted (so every refusal below is the change)', async () => {
    expect((await arm(mgmt)).status).toBe(200);
    expect((await score(ml)).status).toBe(200);
  });
});

describe('forged tokens are refused by Resource Manager (401 InvalidAuthenticationToken)', () => {
  it.each([
    ['signed by another key', () => signedByAnotherKey(mgmt)],
    ['alg none, no signature', () => unsigned(mgmt)],
    [
      'a changed oid under the original signature',
      () => tampered(mgmt, {oid: '00000000-0000-0000-0000-000000000001'}),
    ],
    ['a later exp under the original signature', () => tampered(mgmt, {exp: 4102444800})],
  ])('%s', async (_what, forge) => {
    const res = await arm(forge());
    expect(res.status).toBe(401);
    expect((res.json() as {error: {code: string}}).error.code).toBe('InvalidAuthenticationToken');
    expect(res.headers['www-authenticate']).toContain('invalid_token');
  });

  it('HS256 keyed with the public signing key', async () => {
    const res = await arm(algorithmConfusion(mgmt, await jwks()));
    expect(res.status).toBe(401);
    expect((res.json() as {error: {code: string}}).error.code).toBe('InvalidAuthenticationToken');
  });
});

describe('forged tokens are refused by the scoring endpoint (401 aad_token_auth_access_denied)', () => {
  it.each([
    ['signed by another key', () => signedByAnotherKey(ml)],
    ['alg none, no signature', () => unsigned(ml)],
    [
      'another caller oid under the original signature',
      () => tampered(ml, {oid: '00000000-0000-0000-0000-000000000002'}),
    ],
    [
      'the management audience swapped in under the original signature',
      () => tampered(ml, {aud: 'https://management.azure.com'}),
    ],
  ])('%s', async (_what, forge) => {
    const res = await score(forge());
    expect(res.status).toBe(401);
    expect(res.text).toBe('aad_token_auth_access_denied');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  it('HS256 keyed with the public signing key', async () => {
    const res = await score(algorithmConfusion(ml, await jwks()));
    expect(res.status).toBe(401);
    expect(res.text).toBe('aad_token_auth_access_denied');
  });
});

describe('the wrong tenant', () => {
  it('a token for a tenant the sandbox does not hold is refused by the token endpoint (AADSTS90002)', async () => {
    const p = sandbox.descriptor.principals.find((x) => x.name === 'scoring-client')!;
    const res = await request(
      sandbox,
      `${sandbox.url}/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token`,
      {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: p.clientId!,
          client_secret: p.clientSecret!,
          scope: 'https://ml.azure.com/.default',
        }).toString(),
      },
    );
    expect(res.status).toBe(400);
    const body = res.json() as {error: string; error_description: string; error_codes: number[]};
    expect(body.error).toBe('invalid_request');
    expect(body.error_codes).toContain(90002);
    expect(body.error_description).toMatch(
      /^AADSTS90002: Tenant '11111111-2222-3333-4444-555555555555' not found/,
    );
  });
});
