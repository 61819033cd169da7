import {
  generateKeyPair,
  randomBytes,
  sign as cryptoSign,
  verify as cryptoVerify,
  type KeyObject,
} from 'node:crypto';
import {promisify} from 'node:util';
import {base64url} from './util';

export type Claims = Record<string, unknown> & {exp?: number; nbf?: number; iat?: number};

export interface DecodedJwt {
  header: {alg?: string; kid?: string; typ?: string};
  payload: Claims;
}

export type VerifyFailure = 'malformed' | 'signature' | 'expired' | 'not-yet-valid';

export class JwtError extends Error {
  constructor(
    readonly reason: VerifyFailure,
    message: string,
    readonly payload?: Claims,
  ) {
    super(message);
  }
}

/** Decodes without verifying; throws JwtError('malformed') on anything that is not a JWS. */
export function decodeJwt(token: string): DecodedJwt & {signingInput: string; signature: Buffer} {
  const parts = token.split('.');
  if (parts.length !== 3) throw new JwtError('malformed', 'the token is not a JWT (3 parts)');
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8'));
    const payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
    if (typeof header !== 'object' || typeof payload !== 'object' || !header || !payload) {
      throw new Error('not an object');
    }
    return {
      header,
      payload,
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: Buffer.from(parts[2]!, 'base64url'),
    };
  } catch {
    throw new JwtError('malformed', 'the token header or payload is not base64url JSON');
  }
}

/** An RS256 signing key made at start; its public half is served as a JWKS. */
export class TokenSigner {
  private constructor(
    readonly kid: string,
    private readonly privateKey: KeyObject,
    readonly publicKey: KeyObject,
  ) {}

  static async create(name: string): Promise<TokenSigner> {
    const {privateKey, publicKey} = await promisify(generateKeyPair)('rsa', {modulusLength: 2048});
    return new TokenSigner(`${name}-${randomBytes(4).toString('hex')}`, privateKey, publicKey);
  }

  sign(claims: Claims): string {
    const header = base64url(JSON.stringify({typ: 'JWT', alg: 'RS256', kid: this.kid}));
    const payload = base64url(JSON.stringify(claims));
    const signature = cryptoSign('sha256', Buffer.from(`${header}.${payload}`), this.privateKey);
    return `${header}.${payload}.${signature.toString('base64url')}`;
  }

  /**
   * Verifies signature and time window. Expiry is exact (no skew) so that a countdown reaching
   * zero means the sandbox refuses the token; `nbf` tolerates 5 minutes of client clock skew.
   */
  verify(token: string, nowSeconds: number): Claims {
    const decoded = decodeJwt(token);
    if (decoded.header.alg !== 'RS256' || decoded.header.kid !== this.kid) {
      throw new JwtError('signature', 'the token was not signed by this issuer', decoded.payload);
    }
    if (
      !cryptoVerify('sha256', Buffer.from(decoded.signingInput), this.publicKey, decoded.signature)
    ) {
      throw new JwtError('signature', 'the token signature is invalid', decoded.payload);
    }
    const {exp, nbf} = decoded.payload;
    if (typeof exp !== 'number')
      throw new JwtError('malformed', 'the token has no exp', decoded.payload);
    if (nowSeconds >= exp) {
      throw new JwtError('expired', 'the token has expired', decoded.payload);
    }
    if (typeof nbf === 'number' && nowSeconds + 300 < nbf) {
      throw new JwtError('not-yet-valid', 'the token is not valid yet', decoded.payload);
    }
    return decoded.payload;
  }

  jwk(): Record<string, unknown> {
    const jwk = this.publicKey.export({format: 'jwk'});
    return {...jwk, kid: this.kid, use: 'sig', alg: 'RS256', kty: 'RSA'};
  }
}
