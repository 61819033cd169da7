import {beforeAll, describe, expect, it} from 'vitest';
import {decodeJwt, JwtError, TokenSigner} from '../../source/sandbox/jwt';

let signer: TokenSigner;
let other: TokenSigner;
beforeAll(async () => {
  signer = await TokenSigner.create('entra');
  other = await TokenSigner.create('other');
});

const NOW = 1_800_000_000;
const claims = {aud: 'https://ml.azure.com', oid: 'abc', iat: NOW, nbf: NOW, exp: NOW + 60};

function failure(fn: () => unknown): JwtError {
  try {
    fn();
  } catch (err) {
    if (err instanceof JwtError) return err;
    throw err;
  }
  throw new Error('expected a JwtError');
}

describe('TokenSigner', () => {
  it('signs an RS256 JWT that it verifies, returning the claims', () => {
    const token = signer.sign(claims);
    const decoded = decodeJwt(token);
    expect(decoded.header).toEqual({typ: 'JWT', alg: 'RS256', kid: signer.kid});
    expect(decoded.payload).toEqual(claims);
    expect(signer.verify(token, NOW)).toEqual(claims);
    expect(signer.verify(token, NOW + 59)).toEqual(claims);
  });

  it('refuses a token whose payload was changed after signing', () => {
    const [h, , s] = signer.sign(claims).split('.');
    const forged = Buffer.from(JSON.stringify({...claims, oid: 'someone-else'})).toString(
      'base64url',
    );
    const err = failure(() => signer.verify(`${h}.${forged}.${s}`, NOW));
    expect(err.reason).toBe('signature');
    expect(err.payload?.oid).toBe('someone-else');
  });

  it('refuses a token with a flipped signature byte', () => {
    const [h, p, s] = signer.sign(claims).split('.');
    const sig = Buffer.from(s!, 'base64url');
    sig[10] = sig[10]! ^ 0xff;
    expect(failure(() => signer.verify(`${h}.${p}.${sig.toString('base64url')}`, NOW)).reason).toBe(
      'signature',
    );
  });

  it('refuses a token from another signer, even with its key id copied', () => {
    const foreign = other.sign(claims);
    expect(failure(() => signer.verify(foreign, NOW)).reason).toBe('signature');
    const [, p, s] = foreign.split('.');
    const header = Buffer.from(
      JSON.stringify({typ: 'JWT', alg: 'RS256', kid: signer.kid}),
    ).toString('base64url');
    expect(failure(() => signer.verify(`${header}.${p}.${s}`, NOW)).reason).toBe('signature');
  });

  it('refuses alg=none', () => {
    const [, p] = signer.sign(claims).split('.');
    const header = Buffer.from(JSON.stringify({alg: 'none', kid: signer.kid})).toString(
      'base64url',
    );
    expect(failure(() => signer.verify(`${header}.${p}.`, NOW)).reason).toBe('signature');
  });

  it('expires exactly at exp, with the claims attached to the error', () => {
    const token = signer.sign(claims);
    const err = failure(() => signer.verify(token, NOW + 60));
    expect(err.reason).toBe('expired');
    expect(err.payload?.exp).toBe(NOW + 60);
  });

  it('tolerates five minutes of clock skew on nbf, not more', () => {
    const token = signer.sign({...claims, nbf: NOW + 300, exp: NOW + 1000});
    expect(signer.verify(token, NOW).oid).toBe('abc');
    expect(failure(() => signer.verify(token, NOW - 1)).reason).toBe('not-yet-valid');
  });

  it('a token without exp is malformed', () => {
    const token = signer.sign({oid: 'abc'});
    expect(failure(() => signer.verify(token, NOW)).reason).toBe('malformed');
  });

  it('publishes its public key as a JWK', () => {
    const jwk = signer.jwk();
    expect(jwk).toMatchObject({kty: 'RSA', kid: signer.kid, use: 'sig', alg: 'RS256', e: 'AQAB'});
    expect(Buffer.from(String(jwk.n), 'base64url')).toHaveLength(256);
    expect(jwk).not.toHaveProperty('d');
  });
});

describe('decodeJwt', () => {
  it.each(['', 'abc', 'a.b', 'a.b.c.d', '!!!.e30.', 'e30.bm90LWpzb24.', 'bnVsbA.e30.'])(
    'calls %j malformed',
    (token) => {
      expect(failure(() => decodeJwt(token)).reason).toBe('malformed');
    },
  );
});
