/**
 * What a command is about: the explicit selectors (`--cloud`, `--tenant`, `--subscription`,
 * `--resource-group`, `--workspace`, `--endpoint`, `--auth-method`), a saved profile, the
 * environment and Azure CLI's context, merged field by field in that order of precedence:
 * flag > profile > environment (`AZURE_SUBSCRIPTION_ID`) > az's defaults (`az configure
 * --defaults group/workspace/location`, `AZURE_DEFAULTS_*`; with `--auth-method cli` also az's
 * active cloud and its default subscription, `az account show`). Pure: the caller reads them.
 */
import {azDefaultSubscription, type AzContext} from '../lib/az-config';
import type {AuthMode, SignInMethod, TokenCacheMode} from '../domain/types';
import type {Profile} from '../profiles/types';
import {CliError, ExitCode} from './exit-codes';

/** The sign-in methods a command accepts (`--auth-method`). */
export const AUTH_METHODS = [
  'cli',
  'device-code',
  'browser',
  'service-principal',
  'managed-identity',
  'environment',
  'default',
] as const satisfies readonly SignInMethod[];

/** Methods that need a person: never used silently by a command. */
export const INTERACTIVE_METHODS: readonly SignInMethod[] = ['device-code', 'browser'];

export interface SelectorFlags {
  profile?: string;
  cloud?: string;
  tenant?: string;
  subscription?: string;
  resourceGroup?: string;
  workspace?: string;
  endpoint?: string;
  authMethod?: string;
  clientId?: string;
  /** Consent to a device code sign-in (its message goes to stderr). */
  deviceCode?: boolean;
  /** Where interactive sign-ins keep tokens (validated by commander: TOKEN_CACHE_MODES). */
  tokenCache?: TokenCacheMode;
}

export type Source = 'flag' | 'profile' | 'environment' | 'az' | 'default';

/** Where selectors come from when neither a flag nor the profile gives them. */
export interface Ambient {
  /** The process environment (AZURE_SUBSCRIPTION_ID). */
  env?: NodeJS.ProcessEnv;
  /** Azure CLI's context (source/lib/az-config.ts). */
  az?: AzContext;
}

export interface Target {
  profileName?: string;
  /** A built-in cloud name or the path of a cloud file. */
  cloud: string;
  tenantId?: string;
  /** The subscription ID when known (a GUID flag, or the profile's). */
  subscriptionId?: string;
  /** The subscription as given by name, to be looked up. */
  subscriptionName?: string;
  resourceGroup?: string;
  workspace?: string;
  endpoint?: string;
  /** The auth mode the profile remembers (the endpoint's real mode is read at run time). */
  authMode?: AuthMode;
  /** The profile's default deployment for `invoke`. */
  deployment?: string;
  /** az's default location (`az configure --defaults location=…`), for what a command creates. */
  location?: string;
  signIn: {
    method: SignInMethod;
    clientId?: string;
    certificatePath?: string;
    authenticationRecord?: string;
  };
  /** Whether a device code may be shown. */
  deviceCodeAllowed: boolean;
  /** Where each value came from (for messages and --debug). */
  sources: Record<
    'cloud' | 'method' | 'subscription' | 'endpoint' | 'resourceGroup' | 'workspace',
    Source
  >;
}

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const given = (v: string | undefined): v is string => typeof v === 'string' && v.trim() !== '';

export function parseAuthMethod(value: string): SignInMethod {
  const wanted = value.trim().toLowerCase();
  const method = AUTH_METHODS.find((m) => m === wanted);
  if (!method) {
    throw new CliError(
      `--auth-method '${value}' is not a sign-in method`,
      ExitCode.usage,
      `use one of ${AUTH_METHODS.join(', ')}`,
    );
  }
  return method;
}

/**
 * Merges a profile (optional) with the flags. The profile's sign-in details (client ID,
 * authentication record) belong to its method: when `--auth-method` names another method they are
 * dropped, so a service principal's client ID is never sent as a device-code app ID.
 */
export function mergeSelectors(
  profile: Profile | undefined,
  flags: SelectorFlags,
  ambient: Ambient = {},
): Target {
  const env = ambient.env ?? {};
  const az = ambient.az;
  const explicitMethod = given(flags.authMethod) ? parseAuthMethod(flags.authMethod) : undefined;
  const method: SignInMethod =
    explicitMethod ??
    (flags.deviceCode ? 'device-code' : undefined) ??
    profile?.signIn.method ??
    'default';
  const sameMethod = profile !== undefined && profile.signIn.method === method;
  const signIn: Target['signIn'] = {method};
  const clientId = given(flags.clientId)
    ? flags.clientId.trim()
    : sameMethod
      ? profile.signIn.clientId
      : undefined;
  if (clientId) signIn.clientId = clientId;
  if (sameMethod && profile.signIn.certificatePath)
    signIn.certificatePath = profile.signIn.certificatePath;
  if (sameMethod && profile.signIn.authenticationRecord && !given(flags.tenant))
    signIn.authenticationRecord = profile.signIn.authenticationRecord;

  // With az's own sign-in, az's active cloud is the one its tokens are for.
  const azCloud = method === 'cli' ? az?.activeCloud : undefined;
  const target: Target = {
    cloud: given(flags.cloud) ? flags.cloud.trim() : (profile?.cloud ?? azCloud ?? 'AzureCloud'),
    signIn,
    // An explicit `--auth-method device-code` is consent too; a profile's method alone is not.
    deviceCodeAllowed: Boolean(flags.deviceCode) || explicitMethod === 'device-code',
    sources: {
      cloud: given(flags.cloud) ? 'flag' : profile ? 'profile' : azCloud ? 'az' : 'default',
      method: explicitMethod || flags.deviceCode ? 'flag' : profile ? 'profile' : 'default',
      subscription: given(flags.subscription) ? 'flag' : profile ? 'profile' : 'default',
      endpoint: given(flags.endpoint) ? 'flag' : profile ? 'profile' : 'default',
      resourceGroup: 'default',
      workspace: 'default',
    },
  };
  if (profile) target.profileName = profile.name;

  const tenant = given(flags.tenant) ? flags.tenant.trim() : profile?.tenantId;
  if (tenant) target.tenantId = tenant;

  if (given(flags.subscription)) {
    const s = flags.subscription.trim();
    if (GUID.test(s)) target.subscriptionId = s;
    else target.subscriptionName = s;
  } else if (profile) {
    target.subscriptionId = profile.subscription.id;
  } else if (given(env.AZURE_SUBSCRIPTION_ID)) {
    const s = env.AZURE_SUBSCRIPTION_ID.trim();
    if (GUID.test(s)) target.subscriptionId = s;
    else target.subscriptionName = s;
    target.sources.subscription = 'environment';
  } else if (method === 'cli' && az) {
    const chosen = azDefaultSubscription(az);
    if (chosen) {
      target.subscriptionId = chosen.id;
      target.sources.subscription = 'az';
    }
  }

  // A workspace named on the command line may live in another resource group than the profile's.
  const workspaceChanged = given(flags.workspace) && flags.workspace.trim() !== profile?.workspace;
  const subscriptionChanged = given(flags.subscription);
  const resourceGroup = given(flags.resourceGroup)
    ? flags.resourceGroup.trim()
    : workspaceChanged || subscriptionChanged
      ? undefined
      : profile?.resourceGroup;
  if (resourceGroup) {
    target.resourceGroup = resourceGroup;
    target.sources.resourceGroup = given(flags.resourceGroup) ? 'flag' : 'profile';
  }
  const workspace = given(flags.workspace) ? flags.workspace.trim() : profile?.workspace;
  if (workspace) {
    target.workspace = workspace;
    target.sources.workspace = given(flags.workspace) ? 'flag' : 'profile';
  }
  // az's defaults fill what neither the flags nor a profile settle (a profile's workspace, even
  // one named again by flag, keeps its own context: its group is looked up, not az's).
  if (!profile && az) {
    if (!target.workspace && az.defaults.workspace) {
      target.workspace = az.defaults.workspace;
      target.sources.workspace = 'az';
    }
    if (!target.resourceGroup && az.defaults.group) {
      target.resourceGroup = az.defaults.group;
      target.sources.resourceGroup = 'az';
    }
  }
  if (az?.defaults.location) target.location = az.defaults.location;

  const endpointChanged = given(flags.endpoint) && flags.endpoint.trim() !== profile?.endpoint;
  const endpoint = given(flags.endpoint) ? flags.endpoint.trim() : profile?.endpoint;
  if (endpoint) target.endpoint = endpoint;
  // The profile's auth mode and deployment describe its endpoint, not another one.
  if (profile && !endpointChanged && !workspaceChanged && !subscriptionChanged) {
    target.authMode = profile.authMode;
    if (profile.deployment) target.deployment = profile.deployment;
  }
  return target;
}

export type Selector = 'subscription' | 'workspace' | 'endpoint';

const FLAG: Record<Selector, string> = {
  subscription: '--subscription',
  workspace: '--workspace',
  endpoint: '--endpoint',
};

/** The flags still missing for what a command needs, e.g. `['--workspace', '--endpoint']`. */
export function missingSelectors(target: Target, needs: readonly Selector[]): string[] {
  const has: Record<Selector, boolean> = {
    subscription: Boolean(target.subscriptionId || target.subscriptionName),
    workspace: Boolean(target.workspace),
    endpoint: Boolean(target.endpoint),
  };
  return needs.filter((n) => !has[n]).map((n) => FLAG[n]);
}

/** Throws a usage error (exit 2) naming the missing flags, or a profile to use instead. */
export function requireSelectors(target: Target, needs: readonly Selector[]): void {
  const missing = missingSelectors(target, needs);
  if (missing.length === 0) return;
  throw new CliError(
    `missing ${missing.join(', ')}`,
    ExitCode.usage,
    target.profileName
      ? `the profile "${target.profileName}" does not name them; pass them explicitly`
      : 'pass --profile NAME (see `aml-auth profiles list`) or the explicit selectors; AZURE_SUBSCRIPTION_ID and `az configure --defaults group=… workspace=…` fill them too',
  );
}
