import {describe, expect, it} from 'vitest';
import {
  audienceMatches,
  decodeJwt,
  identityFromClaims,
  inspectToken,
  TokenDecodeError,
  type JwtClaims,
} from '../../source/domain/token';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: JwtClaims, header: object = {alg: 'RS256', typ: 'JWT', kid: 'k1'}) =>
  `${b64(header)}.${b64(claims)}.c2lnbmF0dXJl`;

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const OID = '0b4f1ea2-3a8b-4a3b-9c4f-2f6a5e1c9d10';
const APP = '04b07795-8ddb-461a-bbee-02f9e1bf7b46';

describe('decodeJwt', () => {
  it('returns the header and claims without verifying', () => {
    const decoded = decodeJwt(jwt({aud: 'https://management.azure.com', oid: OID, exp: 1}));
    expect(decoded.header).toEqual({alg: 'RS256', typ: 'JWT', kid: 'k1'});
    expect(decoded.claims).toEqual({aud: 'https://management.azure.com', oid: OID, exp: 1});
    expect(decoded.signed).toBe(true);
  });

  it('an unsigned token decodes and says so', () => {
    const token = `${b64({alg: 'none'})}.${b64({sub: 'x'})}.`;
    expect(decodeJwt(token).signed).toBe(false);
  });

  it.each([
    ['abc.def', /three dot-separated parts; this value has 2/],
    ['a.b.c.d.e', /encrypted token \(JWE\)/],
    [`${b64({alg: 'RS256'})}.@@@.sig`, /payload is not base64url/],
    [`${Buffer.from('not json').toString('base64url')}.${b64({})}.sig`, /header is not JSON/],
    [`${b64({alg: 'RS256'})}.${b64([1, 2])}.sig`, /payload is not a JSON object/],
  ])('refuses %s', (token, message) => {
    let caught: unknown;
    try {
      decodeJwt(token);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TokenDecodeError);
    expect((caught as Error).message).toMatch(message);
    // The error never echoes the token.
    expect((caught as Error).message).not.toContain(token);
  });
});

describe('identityFromClaims', () => {
  it('a user is named by upn, with display name, object ID, tenant and client', () => {
    expect(
      identityFromClaims({
        idtyp: 'user',
        upn: 'ada@contoso.com',
        preferred_username: 'other@contoso.com',
        name: 'Ada Lovelace',
        oid: OID,
        tid: TENANT,
        appid: APP,
      }),
    ).toEqual({
      kind: 'user',
      name: 'ada@contoso.com',
      displayName: 'Ada Lovelace',
      objectId: OID,
      tenantId: TENANT,
      appId: APP,
    });
  });

  it('falls back to preferred_username, then unique_name', () => {
    expect(identityFromClaims({preferred_username: 'p@x.com', oid: OID, tid: TENANT}).name).toBe(
      'p@x.com',
    );
    expect(
      identityFromClaims({unique_name: 'live.com#u@x.com', scp: 'user_impersonation'}).name,
    ).toBe('live.com#u@x.com');
  });

  it('without idtyp, delegated scopes make a user', () => {
    const id = identityFromClaims({scp: 'user_impersonation', oid: OID, tid: TENANT});
    expect(id.kind).toBe('user');
    expect(id.name).toBe(OID);
  });

  it('an application is named by appid (v1) or azp (v2)', () => {
    expect(identityFromClaims({idtyp: 'app', appid: APP, oid: OID, tid: TENANT})).toEqual({
      kind: 'servicePrincipal',
      name: APP,
      objectId: OID,
      tenantId: TENANT,
      appId: APP,
    });
    expect(identityFromClaims({azp: APP, roles: [], oid: OID, tid: TENANT})).toMatchObject({
      kind: 'servicePrincipal',
      name: APP,
      appId: APP,
    });
  });

  it('a managed identity is recognised by xms_mirid', () => {
    const mirid =
      '/subscriptions/s/resourcegroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/scorer-id';
    expect(
      identityFromClaims({idtyp: 'app', appid: APP, oid: OID, tid: TENANT, xms_mirid: mirid}),
    ).toMatchObject({kind: 'managedIdentity', name: APP, displayName: 'scorer-id'});
  });
});

describe('audienceMatches', () => {
  const mgmt = 'https://management.azure.com/.default';

  it.each([
    ['https://management.azure.com', mgmt, true],
    ['https://management.azure.com/', mgmt, true],
    ['HTTPS://MANAGEMENT.AZURE.COM/', mgmt, true],
    ['https://management.core.windows.net/', mgmt, true],
    ['https://management.core.windows.net', mgmt, true],
    ['https://management.azure.com', 'https://management.core.windows.net//.default', true],
    ['https://ml.azure.com', mgmt, false],
    ['https://management.azure.com', 'https://ml.azure.com/.default', false],
    ['https://ml.azure.com', 'https://ml.azure.com/.default', true],
    [
      'https://management.core.chinacloudapi.cn/',
      'https://management.chinacloudapi.cn/.default',
      true,
    ],
    ['https://management.usgovcloudapi.net', 'https://management.usgovcloudapi.net/.default', true],
    ['https://management.azure.com', 'https://management.usgovcloudapi.net/.default', false],
    ['https://management.azure.com.evil.example', mgmt, false],
  ])('aud %s for %s → %s', (aud, scope, expected) => {
    expect(audienceMatches(aud, scope)).toBe(expected);
  });

  it('accepts an array audience and refuses a missing one', () => {
    expect(audienceMatches(['api://other', 'https://management.azure.com/'], mgmt)).toBe(true);
    expect(audienceMatches(['api://other'], mgmt)).toBe(false);
    expect(audienceMatches(undefined, mgmt)).toBe(false);
  });
});

describe('inspectToken', () => {
  it('decodes times, scopes and identity and checks the audience', () => {
    const token = jwt({
      aud: 'https://management.azure.com',
      iat: 1_700_000_000,
      nbf: 1_700_000_000,
      exp: 1_700_003_599,
      oid: OID,
      tid: TENANT,
      upn: 'ada@contoso.com',
      scp: 'user_impersonation offline_access',
      idtyp: 'user',
    });
    const inspection = inspectToken(token, 'https://management.azure.com/.default');
    expect(inspection.audienceOk).toBe(true);
    expect(inspection.issuedAt!.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(inspection.expiresOn!.getTime() - inspection.issuedAt!.getTime()).toBe(3_599_000);
    expect(inspection.scopes).toEqual(['user_impersonation', 'offline_access']);
    expect(inspection.roles).toEqual([]);
    expect(inspection.identity.name).toBe('ada@contoso.com');
    expect(JSON.stringify(inspection)).not.toContain(token);
  });

  it('flags a data-plane token inspected as a management token', () => {
    const token = jwt({aud: 'https://ml.azure.com', idtyp: 'app', appid: APP, roles: ['x']});
    const inspection = inspectToken(token, 'https://management.azure.com/.default');
    expect(inspection.audienceOk).toBe(false);
    expect(inspection.audience).toBe('https://ml.azure.com');
    expect(inspection.roles).toEqual(['x']);
    expect(inspection.expiresOn).toBeUndefined();
  });
});
