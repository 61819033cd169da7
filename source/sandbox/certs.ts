import {createHash, type KeyObject, webcrypto, X509Certificate} from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface SandboxCertificates {
  /** PEM of the CA that signed the server certificate: what clients must trust. */
  caPem: string;
  certPem: string;
  keyPem: string;
}

const EC: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};

/**
 * A fresh CA and a server certificate for 127.0.0.1 and localhost, made at every start so no key
 * material is ever committed or reused. EC P-256: a few milliseconds, where RSA takes hundreds.
 */
export async function generateCertificates(now = new Date()): Promise<SandboxCertificates> {
  const notBefore = new Date(now.getTime() - 5 * 60_000);
  const notAfter = new Date(now.getTime() + 30 * 86_400_000);
  const caKeys = (await webcrypto.subtle.generateKey(EC, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=aml-auth sandbox CA, O=aml-auth sandbox',
    notBefore,
    notAfter,
    keys: caKeys,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const leafKeys = (await webcrypto.subtle.generateKey(EC, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: 'CN=127.0.0.1',
    issuer: ca.subject,
    notBefore,
    notAfter,
    signingKey: caKeys.privateKey,
    publicKey: leafKeys.publicKey,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        {type: 'ip', value: '127.0.0.1'},
        {type: 'dns', value: 'localhost'},
      ]),
      await x509.AuthorityKeyIdentifierExtension.create(ca),
      await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey);
  return {
    caPem: ca.toString('pem'),
    certPem: leaf.toString('pem'),
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY'),
  };
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(12));
  bytes[0] = bytes[0]! & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

/** A service principal's certificate credential: what Entra keeps (public) and the user's PEM. */
export interface ClientCertificate {
  /** Certificate and private key, the PEM that `AZURE_CLIENT_CERTIFICATE_PATH` names. */
  pem: string;
  /** The DER certificate's SHA-1 and SHA-256 thumbprints, as a client assertion's `x5t` / `x5t#S256`. */
  x5t: string;
  x5tS256: string;
  publicKey: KeyObject;
}

const RSA: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

/**
 * A self-signed RSA certificate for a service principal, made at every start (MSAL signs client
 * assertions with RS256 or PS256, so RSA it must be). Nothing of it is ever committed.
 */
export async function generateClientCertificate(
  commonName: string,
  now = new Date(),
): Promise<ClientCertificate> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=${commonName}, O=aml-auth sandbox`,
    notBefore: new Date(now.getTime() - 5 * 60_000),
    notAfter: new Date(now.getTime() + 30 * 86_400_000),
    keys,
    signingAlgorithm: RSA,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth]),
    ],
  });
  const der = Buffer.from(cert.rawData);
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    pem: `${cert.toString('pem')}\n${x509.PemConverter.encode(pkcs8, 'PRIVATE KEY')}\n`,
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
    publicKey: new X509Certificate(der).publicKey,
  };
}
