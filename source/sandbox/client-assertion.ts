import {constants, verify} from 'node:crypto';
import type {ClientCertificate} from './certs';
import {decodeJwt, JwtError} from './jwt';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Why Entra refuses a client assertion: the AADSTS code and its words. */
export class AssertionError extends Error {
  constructor(
    readonly aadsts: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks a certificate client assertion as Entra does: a JWS signed by the registered
 * certificate's key (RS256 with `x5t`, or PS256 with `x5t#S256`, as MSAL sends), `iss` and `sub`
 * the client ID, `aud` one of the token endpoints it was sent to, inside its time window.
 */
export function verifyClientAssertion(
  assertion: string,
  options: {
    clientId: string;
    certificate: ClientCertificate | undefined;
    audiences: string[];
    nowSeconds: number;
  },
): void {
  let decoded;
  try {
    decoded = decodeJwt(assertion);
  } catch (err) {
    if (err instanceof JwtError)
      throw new AssertionError(50027, `Invalid JWT token: ${err.message}.`);
    throw err;
  }
  const {header, payload} = decoded as typeof decoded & {
    header: {alg?: string; x5t?: string; 'x5t#S256'?: string};
  };
  const cert = options.certificate;
  if (!cert) {
    throw new AssertionError(
      700027,
      `Client assertion failed signature validation. The application '${options.clientId}' has no certificate registered; use its client secret.`,
    );
  }
  const thumbprint = header['x5t#S256'] ?? header.x5t;
  const registered = header['x5t#S256'] ? cert.x5tS256 : cert.x5t;
  if (!thumbprint || thumbprint !== registered) {
    throw new AssertionError(
      700027,
      `Client assertion failed signature validation. The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '${Buffer.from(
        thumbprint ?? '',
        'base64url',
      )
        .toString('hex')
        .toUpperCase()}'].`,
    );
  }
  const alg = header.alg;
  const ok =
    alg === 'RS256'
      ? verify('sha256', Buffer.from(decoded.signingInput), cert.publicKey, decoded.signature)
      : alg === 'PS256'
        ? verify(
            'sha256',
            Buffer.from(decoded.signingInput),
            {
              key: cert.publicKey,
              padding: constants.RSA_PKCS1_PSS_PADDING,
              saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
            },
            decoded.signature,
          )
        : false;
  if (!ok) {
    throw new AssertionError(
      700027,
      `Client assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value., Algorithm: '${String(alg)}'].`,
    );
  }
  if (payload.iss !== options.clientId || payload.sub !== options.clientId) {
    throw new AssertionError(
      700021,
      "Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .",
    );
  }
  const aud = typeof payload.aud === 'string' ? payload.aud : '';
  if (!options.audiences.some((a) => a.toLowerCase() === aud.toLowerCase())) {
    throw new AssertionError(
      700212,
      `Client assertion audience claim does not match Realm issuer. Expected one of '${options.audiences.join("', '")}', got '${aud}'.`,
    );
  }
  const exp = Number(payload.exp);
  const nbf = payload.nbf === undefined ? undefined : Number(payload.nbf);
  if (!Number.isFinite(exp) || exp <= options.nowSeconds || (nbf ?? 0) > options.nowSeconds + 300) {
    throw new AssertionError(
      700024,
      'Client assertion is not within its valid time range. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .',
    );
  }
}
