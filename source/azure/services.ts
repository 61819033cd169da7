/**
 * The real Services: @azure/identity credentials and the @azure/arm-* clients, pointed at one
 * cloud. The SDK modules are imported on first use (`await import()`), so the CLI paints its first
 * frame before they load. Every failure rejects with a ServiceError carrying an AppError.
 *
 * This file builds the shared `AzureContext` (context.ts), owns sign-in, and assembles the
 * Services from `controlPlane(ctx)` (endpoints.ts) and `accessServices(ctx)` (access.ts: roles and
 * permissions, endpoint keys and tokens, scoring), then the shared workflows over them
 * (workflows.ts).
 */
import type {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import type {AuthorizationManagementClient} from '@azure/arm-authorization';
import type {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import type {Pipeline} from '@azure/core-rest-pipeline';
import type {AccessToken} from '@azure/identity';
import {accessServices} from './access';
import {tlsOptionsFor} from './clouds';
import type {AzureContext, ServicesOptions} from './context';
import {diagnoseAuthority} from './diagnose';
import {directoryServices} from './directory';
import {roleDefinitionServices} from './role-definitions';
import {deploymentServices} from './deployments';
import {controlPlane} from './endpoints';
import {trafficLogServices} from './monitor';
import {ServiceError, toAppError, type ErrorContext} from './errors';
import {freshTokenPolicy, refreshable, type Refreshable} from './fresh-token';
import {retryNoticePolicy} from './retry-notice';
import {workflows, type WorkflowBase} from './workflows';
import {decodeJwt, identityFromClaims} from '../domain/token';
import {isInteractive} from '../domain/types';
import type {AccessTokenInfo, CloudConfig, SignInMethod, TokenCacheInfo} from '../domain/types';
import type {Services} from '../domain/services';

export type {ServicesOptions} from './context';

const USER_AGENT = 'aml-auth';

function notSignedIn(): ServiceError {
  return new ServiceError({
    kind: 'auth',
    title: 'Not signed in',
    detail: 'This needs a signed-in identity.',
    nextSteps: ['Sign in first.'],
  });
}

/**
 * A RestError keeps the request it failed on, bearer token included (only its util.inspect output
 * is sanitised). The error is kept as a cause for --debug, so the header goes.
 */
function scrubRequest(err: unknown): void {
  const request = (err as {request?: {headers?: {delete?: (name: string) => void}}} | null)
    ?.request;
  if (typeof request?.headers?.delete === 'function') request.headers.delete('authorization');
}

const tokenInfo = (t: AccessToken): AccessTokenInfo => ({
  token: t.token,
  expiresOn: t.expiresOnTimestamp,
  ...(t.refreshAfterTimestamp ? {refreshAfter: t.refreshAfterTimestamp} : {}),
});

export function createServices(cloud: CloudConfig, options: ServicesOptions = {}): Services {
  let signedIn: {credential: Refreshable; method: SignInMethod} | undefined;
  let subscriptionClient: Promise<SubscriptionClient> | undefined;
  const mlClients = new Map<string, Promise<AzureMachineLearningWorkspaces>>();
  const authorizationClients = new Map<string, Promise<AuthorizationManagementClient>>();

  const onRetry = options.onRetry;
  const retryPolicies = onRetry
    ? [{policy: retryNoticePolicy(onRetry), position: 'perRetry' as const}]
    : [];

  const signedInCredential = (): Refreshable => {
    if (!signedIn) throw notSignedIn();
    return signedIn.credential;
  };
  /** Every ARM client: a token Resource Manager calls expired is replaced once (fresh-token.ts). */
  const withFreshTokens = <C extends {pipeline: Pipeline}>(client: C): C => {
    client.pipeline.addPolicy(freshTokenPolicy(signedInCredential(), cloud.managementScope), {
      afterPhase: 'Sign',
    });
    return client;
  };

  const ctx: AzureContext = {
    withFreshTokens,
    cloud,
    options: {
      pollIntervalMs: options.pollIntervalMs ?? 2000,
      progressIntervalMs: options.progressIntervalMs ?? 1000,
      env: options.env ?? process.env,
      tokenCache: options.tokenCache ?? 'auto',
      ...(options.memoryReason ? {memoryReason: options.memoryReason} : {}),
    },
    credential: signedInCredential,
    async token(scope, signal) {
      const token = await ctx.credential().getToken(scope, {abortSignal: signal, enableCae: true});
      if (!token) throw new Error('The credential returned no token.');
      return tokenInfo(token);
    },
    armClientOptions() {
      const tls = tlsOptionsFor(cloud);
      return {
        endpoint: cloud.resourceManagerEndpoint,
        credentialScopes: [cloud.managementScope],
        ...(tls ? {tlsOptions: tls} : {}),
        userAgentOptions: {userAgentPrefix: USER_AGENT},
        additionalPolicies: retryPolicies,
      };
    },
    ml(subscriptionId) {
      const credential = ctx.credential();
      let client = mlClients.get(subscriptionId);
      if (!client) {
        client = import('@azure/arm-machinelearning').then((m) =>
          withFreshTokens(
            new m.AzureMachineLearningWorkspaces(
              credential,
              subscriptionId,
              ctx.armClientOptions(),
            ),
          ),
        );
        mlClients.set(subscriptionId, client);
      }
      return client;
    },
    authorization(subscriptionId) {
      const credential = ctx.credential();
      let client = authorizationClients.get(subscriptionId);
      if (!client) {
        client = import('@azure/arm-authorization').then((m) =>
          withFreshTokens(
            new m.AuthorizationManagementClient(credential, subscriptionId, ctx.armClientOptions()),
          ),
        );
        authorizationClients.set(subscriptionId, client);
      }
      return client;
    },
    subscriptions() {
      const credential = ctx.credential();
      subscriptionClient ??= import('@azure/arm-resources-subscriptions').then((m) =>
        withFreshTokens(new m.SubscriptionClient(credential, ctx.armClientOptions())),
      );
      return subscriptionClient;
    },
    async run(context, fn) {
      try {
        return await fn();
      } catch (err) {
        scrubRequest(err);
        const signIn = signedIn ? {method: context.method ?? signedIn.method, signedIn: true} : {};
        throw new ServiceError(toAppError(err, {...context, ...signIn, cloud}), {cause: err});
      }
    },
  };

  const base: WorkflowBase = {
    cloud,

    async signIn(method, params, callbacks, signal) {
      const env = ctx.options.env;
      const context: ErrorContext = {
        operation: 'sign in',
        method,
        cloud,
        secrets: [params.clientSecret, env.AZURE_CLIENT_SECRET].filter((s): s is string => !!s),
      };
      try {
        const {createCredential, serializeRecord} = await import('./credentials');
        let cache: TokenCacheInfo | undefined;
        if (isInteractive(method)) {
          const {resolveTokenCache} = await import('./token-cache');
          cache = await resolveTokenCache(ctx.options.tokenCache, env, ctx.options.memoryReason);
        }
        const created = createCredential(cloud, method, params, callbacks, env, cache);
        callbacks.onTokenCache?.(created.tokenCache);
        // Signing in again (the last sign-in can no longer get tokens): past every cache, so a
        // token the service refused is not handed back from a persistent cache. The other
        // methods' new credential starts with an empty cache (and `az` refuses claims).
        const again = signedIn !== undefined;
        const record = created.authenticate
          ? await created.authenticate(cloud.managementScope, signal, again)
          : undefined;
        const token = await created.credential.getToken(params.scope ?? cloud.managementScope, {
          abortSignal: signal,
          enableCae: true,
        });
        if (!token) throw new Error('The credential returned no token.');
        const identity = identityFromClaims(decodeJwt(token.token).claims);
        // A sign-in given up on (Esc) that finishes anyway must not replace the one in use.
        signal?.throwIfAborted();
        signedIn = {credential: refreshable(created.credential), method};
        subscriptionClient = undefined;
        mlClients.clear();
        authorizationClients.clear();
        return {
          identity,
          managementToken: tokenInfo(token),
          ...(record ? {authenticationRecord: serializeRecord(record)} : {}),
          tokenCache: created.tokenCache,
        };
      } catch (err) {
        let appError = toAppError(err, context);
        if (appError.code === 'endpoints_resolution_error' && !signal?.aborted) {
          const tenant = params.tenantId || cloud.tenantId || env.AZURE_TENANT_ID;
          appError = (await diagnoseAuthority(cloud, tenant, context, signal, env)) ?? appError;
        }
        throw new ServiceError(appError, {cause: err});
      }
    },

    managementToken(signal) {
      return ctx.run({operation: 'refresh the management token'}, () =>
        ctx.token(cloud.managementScope, signal),
      );
    },

    explainError(err, operation) {
      return toAppError(err, {operation, cloud});
    },

    ...controlPlane(ctx),
    ...accessServices(ctx),
    ...roleDefinitionServices(ctx),
    ...directoryServices(ctx),
    ...deploymentServices(ctx),
    ...trafficLogServices(ctx),
  };
  return {...base, ...workflows(base)};
}
