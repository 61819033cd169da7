/**
 * One factory for every sign-in method, all pointed at the chosen cloud the same way: authority
 * host, instance discovery off for custom authorities, the cloud's CA beside the system roots.
 *
 * The interactive methods (device code, browser) persist tokens when `cache` says so — the OS
 * keyring, or a plaintext file the user opted in to (token-cache.ts decides, after a probe); with
 * the AuthenticationRecord kept in a profile, the next run then signs in silently. The other
 * methods sign in again the same way each run (`az` keeps its own sign-in), so they need no cache.
 */
import {accessSync, constants as fsConstants, statSync} from 'node:fs';
import {
  AzureCliCredential,
  ClientCertificateCredential,
  ClientSecretCredential,
  DefaultAzureCredential,
  DeviceCodeCredential,
  EnvironmentCredential,
  InteractiveBrowserCredential,
  ManagedIdentityCredential,
  deserializeAuthenticationRecord,
  serializeAuthenticationRecord,
  type AuthenticationRecord,
  type DeviceCodeInfo,
  type TokenCredential,
} from '@azure/identity';
import {watchBrowserSignIn} from './browser-sign-in';
import {freshClaims} from './fresh-token';
import {needsCustomAuthority, tlsOptionsFor} from './clouds';
import {ServiceError} from './errors';
import {oneAtATime, persistenceOptions} from './token-cache';
import {isInteractive} from '../domain/types';
import type {
  CloudConfig,
  SignInCallbacks,
  SignInMethod,
  SignInParams,
  TokenCacheInfo,
} from '../domain/types';

export interface CreatedCredential {
  credential: TokenCredential;
  method: SignInMethod;
  /**
   * Interactive methods only (device code, browser): signs in — silently when the record and a
   * cached account allow it — and returns the AuthenticationRecord to keep in a profile. With
   * `fresh`, a cached token does not count: a refresh, or the prompt when none can be had.
   */
  authenticate?: (
    scope: string,
    signal?: AbortSignal,
    fresh?: boolean,
  ) => Promise<AuthenticationRecord | undefined>;
  tokenCache: TokenCacheInfo;
}

/** Why a non-interactive method keeps tokens in memory: it needs nothing more. */
function noCacheNeeded(method: SignInMethod): TokenCacheInfo {
  return {
    kind: 'memory',
    reason:
      method === 'cli'
        ? 'the Azure CLI keeps its own sign-in (az login)'
        : 'this method signs in again the same way on every run, without a prompt',
  };
}

/**
 * Continuous access evaluation: the ARM clients' bearer policy asks for CAE tokens, and MSAL keeps
 * CAE and non-CAE accounts in separate caches. Every token request here asks the same way, so the
 * account signIn() authenticates is the one every later request finds (no second device code).
 */
export const CAE = true;

/** Entra's default device code lifetime, used when the response does not say (it always does). */
const DEVICE_CODE_SECONDS = 900;

/** The options every credential gets for this cloud. */
export function credentialOptions(cloud: CloudConfig, tenantId?: string) {
  const tls = tlsOptionsFor(cloud);
  return {
    authorityHost: cloud.authorityHost,
    ...(needsCustomAuthority(cloud) ? {disableInstanceDiscovery: true} : {}),
    ...(tls ? {tlsOptions: tls} : {}),
    ...(tenantId ? {tenantId} : {}),
  };
}

function missing(what: string, method: SignInMethod, envName: string): ServiceError {
  return new ServiceError({
    kind: 'invalid',
    title: `Sign-in needs ${what}`,
    detail: `The ${method} sign-in method needs ${what}; none was given.`,
    nextSteps: [`Give ${what}, or set ${envName}.`],
  });
}

/**
 * The certificate file must be there and readable before the SDK gets it: the SDK reads it only
 * when the first token is asked for and reports a raw ENOENT as a sign-in failure.
 */
function checkCertificateFile(certificatePath: string, envName: string): void {
  let problem: string | undefined;
  try {
    const stat = statSync(certificatePath);
    if (stat.isDirectory()) problem = 'is a folder, not a PEM file';
    else accessSync(certificatePath, fsConstants.R_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    problem =
      code === 'ENOENT' || code === 'ENOTDIR'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${code ?? 'unknown error'})`;
  }
  if (problem) {
    throw new ServiceError({
      kind: 'invalid',
      title: `The certificate file ${certificatePath} ${problem}`,
      detail: `The certificate sign-in reads the client certificate (PEM, private key included) from ${certificatePath}.`,
      nextSteps: [`Give the path of the PEM file (or set ${envName}).`],
    });
  }
}

function readRecord(serialized: string | undefined): AuthenticationRecord | undefined {
  if (!serialized) return undefined;
  try {
    return deserializeAuthenticationRecord(serialized);
  } catch {
    // An unreadable record only costs a fresh interactive sign-in.
    return undefined;
  }
}

export function serializeRecord(record: AuthenticationRecord): string {
  return serializeAuthenticationRecord(record);
}

/**
 * A credential for the method. Secrets come from `params` (typed in a masked field) or the
 * `AZURE_*` environment; they go to the credential's constructor and nowhere else.
 */
export function createCredential(
  cloud: CloudConfig,
  method: SignInMethod,
  params: SignInParams,
  callbacks: SignInCallbacks = {},
  env: NodeJS.ProcessEnv = process.env,
  cache: TokenCacheInfo = {kind: 'memory'},
): CreatedCredential {
  const record = readRecord(params.authenticationRecord);
  const servicePrincipal =
    method === 'service-principal' || method === 'service-principal-certificate';
  const tenantId =
    params.tenantId ||
    cloud.tenantId ||
    record?.tenantId ||
    (servicePrincipal ? env.AZURE_TENANT_ID : undefined);
  const common = credentialOptions(cloud, tenantId);
  const done = (credential: TokenCredential): CreatedCredential => ({
    credential:
      isInteractive(method) && cache.kind !== 'memory' ? oneAtATime(credential) : credential,
    method,
    tokenCache: isInteractive(method) ? cache : noCacheNeeded(method),
  });

  switch (method) {
    case 'cli':
      // `az` signs in against its own configured cloud (`az cloud set`); only the tenant applies.
      return done(new AzureCliCredential(common));

    case 'device-code': {
      const credential = new DeviceCodeCredential({
        ...common,
        ...persistenceOptions(cache),
        // Only signIn() may show a code: later token requests are silent or fail (sign in again).
        disableAutomaticAuthentication: true,
        ...(params.clientId ? {clientId: params.clientId} : {}),
        ...(record ? {authenticationRecord: record} : {}),
        // Always set: the default prompt writes to the console, over the UI.
        userPromptCallback: (info: DeviceCodeInfo & {expiresIn?: number}) => {
          callbacks.onDeviceCode?.({
            userCode: info.userCode,
            verificationUri: info.verificationUri,
            message: info.message,
            expiresOn: new Date(Date.now() + (info.expiresIn ?? DEVICE_CODE_SECONDS) * 1000),
          });
        },
      });
      return {
        ...done(credential),
        authenticate: (scope, signal, fresh) =>
          credential.authenticate(scope, {
            abortSignal: signal,
            enableCae: CAE,
            ...(fresh ? {claims: freshClaims()} : {}),
          }),
      };
    }

    case 'browser': {
      const credential = new InteractiveBrowserCredential({
        ...common,
        ...persistenceOptions(cache),
        disableAutomaticAuthentication: true,
        ...(params.clientId ? {clientId: params.clientId} : {}),
        ...(record ? {authenticationRecord: record, loginHint: record.username} : {}),
      });
      return {
        ...done(credential),
        // The page goes to callbacks.onBrowser, opened or to open by hand; an abort ends the wait.
        authenticate: async (scope, signal, fresh) => {
          const stop = watchBrowserSignIn(callbacks, signal);
          try {
            return await credential.authenticate(scope, {
              abortSignal: signal,
              enableCae: CAE,
              ...(fresh ? {claims: freshClaims()} : {}),
            });
          } finally {
            stop();
          }
        },
      };
    }

    case 'service-principal': {
      const clientId = params.clientId || env.AZURE_CLIENT_ID;
      const secret = params.clientSecret || env.AZURE_CLIENT_SECRET;
      if (!tenantId) throw missing('a tenant ID', method, 'AZURE_TENANT_ID');
      if (!clientId) throw missing('a client ID', method, 'AZURE_CLIENT_ID');
      if (!secret) throw missing('a client secret', method, 'AZURE_CLIENT_SECRET');
      return done(new ClientSecretCredential(tenantId, clientId, secret, common));
    }

    case 'service-principal-certificate': {
      const clientId = params.clientId || env.AZURE_CLIENT_ID;
      const certificatePath = params.certificatePath || env.AZURE_CLIENT_CERTIFICATE_PATH;
      if (!tenantId) throw missing('a tenant ID', method, 'AZURE_TENANT_ID');
      if (!clientId) throw missing('a client ID', method, 'AZURE_CLIENT_ID');
      if (!certificatePath) {
        throw missing('a certificate file (PEM)', method, 'AZURE_CLIENT_CERTIFICATE_PATH');
      }
      checkCertificateFile(certificatePath, 'AZURE_CLIENT_CERTIFICATE_PATH');
      return done(new ClientCertificateCredential(tenantId, clientId, {certificatePath}, common));
    }

    case 'managed-identity':
      return done(
        new ManagedIdentityCredential({
          ...common,
          ...(params.clientId ? {clientId: params.clientId} : {}),
        }),
      );

    case 'environment':
      // EnvironmentCredential uses a secret when one is set, else the certificate.
      if (!env.AZURE_CLIENT_SECRET && env.AZURE_CLIENT_CERTIFICATE_PATH) {
        checkCertificateFile(env.AZURE_CLIENT_CERTIFICATE_PATH, 'AZURE_CLIENT_CERTIFICATE_PATH');
      }
      return done(new EnvironmentCredential(common));

    case 'default':
      return done(
        new DefaultAzureCredential({
          ...common,
          ...(params.clientId ? {managedIdentityClientId: params.clientId} : {}),
        }),
      );

    default: {
      const unknown: never = method;
      throw new ServiceError({
        kind: 'invalid',
        title: 'Unknown sign-in method',
        detail: `'${String(unknown)}' is not a sign-in method.`,
        nextSteps: [],
      });
    }
  }
}
