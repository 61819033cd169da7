/**
 * What the control plane (endpoints.ts) and the access services (access.ts) share: the cloud,
 * the options, the signed-in credential and the lazily created ARM clients. services.ts builds it.
 */
import type {AzureMachineLearningWorkspaces} from '@azure/arm-machinelearning';
import type {AuthorizationManagementClient} from '@azure/arm-authorization';
import type {SubscriptionClient} from '@azure/arm-resources-subscriptions';
import type {TokenCredential} from '@azure/identity';
import type {ErrorContext} from './errors';
import type {Pipeline, PipelinePolicy} from '@azure/core-rest-pipeline';
import type {AccessTokenInfo, CloudConfig, RetryNotice, TokenCacheMode} from '../domain/types';

export interface ServicesOptions {
  /** Between GETs while waiting for an endpoint; long-running operations follow Retry-After. */
  pollIntervalMs?: number;
  /** How often progress callbacks tick with the elapsed time. */
  progressIntervalMs?: number;
  /** Where `AZURE_*` values are read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
  /** How interactive sign-ins keep tokens across runs (default: auto — the keyring if it works). */
  tokenCache?: TokenCacheMode;
  /** Why tokens stay in memory when the caller, not the user, chose memory (the screen says it). */
  memoryReason?: string;
  /** Told each time a Resource Manager request is about to be retried (throttled, 5xx, dropped). */
  onRetry?: (notice: RetryNotice) => void;
}

/** What the control plane and the access services share: the cloud, the sign-in, the clients. */
export interface AzureContext {
  readonly cloud: CloudConfig;
  readonly options: Required<Omit<ServicesOptions, 'env' | 'memoryReason' | 'onRetry'>> & {
    env: NodeJS.ProcessEnv;
    memoryReason?: string;
  };
  /** The signed-in credential; throws an `auth` ServiceError before sign-in. */
  credential(): TokenCredential;
  /**
   * A token for any scope (e.g. the cloud's mlScope for aad_token scoring) from the signed-in
   * credential, silently: requested as the ARM clients request theirs (CAE), so it shares the
   * sign-in's cache.
   */
  token(scope: string, signal?: AbortSignal): Promise<AccessTokenInfo>;
  /** Options every ARM client gets: endpoint, management scope, the cloud's CA. */
  armClientOptions(): {
    endpoint: string;
    credentialScopes: string[];
    tlsOptions?: {ca: string[]};
    userAgentOptions: {userAgentPrefix: string};
    additionalPolicies: {policy: PipelinePolicy; position: 'perRetry'}[];
  };
  /**
   * Adds the fresh-token policy (fresh-token.ts) to an ARM client made elsewhere, so a token
   * Resource Manager calls expired is replaced there too. Returns the client.
   */
  withFreshTokens<C extends {pipeline: Pipeline}>(client: C): C;
  ml(subscriptionId: string): Promise<AzureMachineLearningWorkspaces>;
  /** Roles, role assignments and permissions (Microsoft.Authorization) in one subscription. */
  authorization(subscriptionId: string): Promise<AuthorizationManagementClient>;
  subscriptions(): Promise<SubscriptionClient>;
  /** Runs `fn`; any failure becomes a ServiceError explained for `context`. */
  run<T>(context: ErrorContext, fn: () => Promise<T>): Promise<T>;
}
