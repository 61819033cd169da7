/** Sign-in without a person: the method and parameters from flags, profile and environment. */
import {toAppError} from '../../azure/errors';
import type {Services} from '../../domain/services';
import type {CloudConfig, SignInParams, SignInResult, TokenCacheInfo} from '../../domain/types';
import {browserNotice} from '../../domain/browser-sign-in';
import {describeRetry} from '../../domain/retry';
import {CliError, ExitCode} from '../exit-codes';
import {cliErrorFromApp} from '../failure';
import type {Target} from '../selectors';
import {Runtime} from './core';
import {loadCloud} from './targets';

function describeTokenCache(info: TokenCacheInfo): string {
  if (info.kind === 'keyring') return 'the OS keyring';
  if (info.kind === 'plaintext') return `an unencrypted file, ${info.path ?? ''} (opted in)`;
  return `memory only${info.reason ? ` (${info.reason})` : ''}`;
}

export interface Connection {
  cloud: CloudConfig;
  services: Services;
  signIn: SignInResult;
  target: Target;
}

const interactiveTerminal = () => Boolean(process.stdin.isTTY && process.stderr.isTTY);

const NON_INTERACTIVE_HINT =
  'sign in without a prompt: `az login` then --auth-method cli; or --auth-method service-principal with AZURE_CLIENT_ID and AZURE_CLIENT_SECRET in the environment; or --device-code';

class NeedsInteraction extends Error {}

/**
 * Signs in with the target's method. Never waits for a person unless allowed: a device code only
 * with --device-code (its message on stderr), a browser only on a terminal. A client secret is
 * read only from AZURE_CLIENT_SECRET, never from a flag.
 */
export async function connect(
  rt: Runtime,
  target: Target,
  options: {dataPlaneOnly?: boolean} = {},
): Promise<Connection> {
  const cloud = await loadCloud(target);
  const env = process.env;
  const method = target.signIn.method;
  const tenantId = target.tenantId ?? cloud.tenantId;

  if (method === 'service-principal') {
    if (!env.AZURE_CLIENT_SECRET) {
      throw new CliError(
        'service-principal sign-in reads the client secret from AZURE_CLIENT_SECRET, which is not set',
        ExitCode.authentication,
        'export AZURE_CLIENT_SECRET in the environment (a secret is never taken from a flag); or ' +
          NON_INTERACTIVE_HINT,
      );
    }
    if (!target.signIn.clientId && !env.AZURE_CLIENT_ID) {
      throw new CliError(
        'service-principal sign-in needs the app (client) ID',
        ExitCode.authentication,
        'pass --client-id or set AZURE_CLIENT_ID',
      );
    }
    if (!tenantId && !env.AZURE_TENANT_ID) {
      throw new CliError(
        'service-principal sign-in needs the tenant',
        ExitCode.authentication,
        'pass --tenant or set AZURE_TENANT_ID',
      );
    }
  }
  if (method === 'browser' && !interactiveTerminal()) {
    throw new CliError(
      'browser sign-in needs an interactive terminal, and there is none',
      ExitCode.authentication,
      NON_INTERACTIVE_HINT,
    );
  }
  if (
    method === 'device-code' &&
    !target.deviceCodeAllowed &&
    !target.signIn.authenticationRecord
  ) {
    throw new CliError(
      'this sign-in needs a device code, which a command shows only with --device-code',
      ExitCode.authentication,
      `add --device-code (the code goes to stderr); or ${NON_INTERACTIVE_HINT}`,
    );
  }

  const {createServices} = await import('../../azure/services');
  const services = createServices(cloud, {
    ...(rt.flags.tokenCache ? {tokenCache: rt.flags.tokenCache} : {}),
    // A retry's wait is said on stderr, not a silent pause.
    onRetry: (notice) => rt.note(`aml-auth: ${describeRetry(notice)}`),
  });
  const params: SignInParams = {};
  if (target.tenantId) params.tenantId = target.tenantId;
  if (target.signIn.clientId) params.clientId = target.signIn.clientId;
  if (target.signIn.certificatePath) params.certificatePath = target.signIn.certificatePath;
  if (target.signIn.authenticationRecord)
    params.authenticationRecord = target.signIn.authenticationRecord;
  // Only an ML token will be needed: prove the sign-in with it rather than with a second token.
  if (options.dataPlaneOnly) params.scope = cloud.mlScope;

  let cache: TokenCacheInfo | undefined;
  let rejectInteraction: (err: Error) => void = () => undefined;
  const interaction = new Promise<never>((_, reject) => {
    rejectInteraction = reject;
  });
  interaction.catch(() => undefined);
  const attempt = new AbortController();
  const forward = () => attempt.abort();
  rt.signal.addEventListener('abort', forward, {once: true});

  rt.trace(
    `signing in with ${method}${tenantId ? ` (tenant ${tenantId})` : ''} at ${cloud.authorityHost}`,
  );
  try {
    const result = await Promise.race([
      services.signIn(
        method,
        params,
        {
          onTokenCache: (info) => {
            cache = info;
            rt.trace(`token cache: ${describeTokenCache(info)}`);
          },
          onDeviceCode: (prompt) => {
            if (!target.deviceCodeAllowed) {
              rejectInteraction(new NeedsInteraction());
              attempt.abort();
              return;
            }
            rt.note(prompt.message);
          },
          onBrowser: (prompt) => {
            const notice = browserNotice(prompt);
            rt.note(`${notice.headline}\n${notice.how}\n${notice.url}`);
            rt.note(
              'Waiting for the sign-in… Ctrl+C cancels; --auth-method device-code --device-code works everywhere.',
            );
          },
        },
        attempt.signal,
      ),
      interaction,
    ]);
    rt.trace(
      `signed in as ${result.identity.name} (${result.identity.kind}, object ID ${result.identity.objectId})`,
    );
    return {cloud, services, signIn: result, target};
  } catch (err) {
    if (rt.interrupted) throw new CliError('interrupted', ExitCode.interrupted);
    if (err instanceof NeedsInteraction) {
      const who = target.profileName ? `profile "${target.profileName}"` : 'this identity';
      // Say why: no cached tokens to refresh from (memory only), or the cached ones ran out.
      throw new CliError(
        cache?.kind === 'memory'
          ? `the saved sign-in of ${who} cannot be reused: tokens are kept in memory only (${cache.reason ?? 'no token cache'}), so a device code would be needed`
          : `the saved sign-in of ${who} has expired and a device code would be needed`,
        ExitCode.authentication,
        `add --device-code (the code goes to stderr); or ${NON_INTERACTIVE_HINT}`,
      );
    }
    const app = toAppError(err, {operation: 'sign in', method, cloud});
    // A sign-in that cannot go ahead (a missing tenant or client ID, a refused secret) is an
    // authentication failure, whatever the layer below calls it.
    const code =
      app.kind === 'network' || app.kind === 'throttled' || app.kind === 'unknown'
        ? ExitCode.failure
        : app.kind === 'cancelled'
          ? ExitCode.interrupted
          : ExitCode.authentication;
    throw cliErrorFromApp(app, code);
  } finally {
    rt.signal.removeEventListener('abort', forward);
  }
}
