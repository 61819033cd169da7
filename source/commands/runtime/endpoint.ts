/** The endpoint a command targets: its reference resolved from the target, then fetched. */
import {WorkspaceLookupError} from '../../azure/workflows';
import type {Services} from '../../domain/services';
import type {Endpoint, EndpointRef, Workspace} from '../../domain/types';
import {CliError, ExitCode} from '../exit-codes';
import {GUID} from '../selectors';
import {Runtime} from './core';
import {connect, type Connection} from './sign-in';
import {type LoadedTarget, loadTarget} from './targets';

export interface ResolvedEndpoint extends Connection {
  ref: EndpointRef;
  subscriptionName?: string;
}

/** A workspace a command targets: subscription ID and resource group resolved. */
export type WorkspaceRef = Omit<EndpointRef, 'endpoint'>;

export interface ResolvedWorkspace extends Connection {
  ref: WorkspaceRef;
  subscriptionName?: string;
  /** The workspace as listed, when it had to be looked up (its location among others). */
  found?: Workspace;
}

/** The subscription by ID or display name (a name is looked up among those visible). */
export async function resolveSubscription(
  rt: Runtime,
  conn: Connection,
): Promise<{subscriptionId: string; subscriptionName?: string}> {
  const {services, target} = conn;
  let subscriptionId = target.subscriptionId;
  let subscriptionName: string | undefined;
  if (!subscriptionId) {
    const wanted = target.subscriptionName!;
    const subs = await services.listSubscriptions(rt.signal);
    const matches = subs.filter(
      (s) =>
        s.displayName.toLowerCase() === wanted.toLowerCase() ||
        s.subscriptionId.toLowerCase() === wanted.toLowerCase(),
    );
    if (matches.length === 0) {
      throw new CliError(
        `no subscription named "${wanted}" is visible to this identity`,
        ExitCode.notFound,
        subs.length
          ? `subscriptions: ${subs.map((s) => `${s.displayName} (${s.subscriptionId})`).join(', ')}`
          : 'this identity sees no subscriptions: check the tenant (--tenant) and its role assignments',
      );
    }
    if (matches.length > 1) {
      throw new CliError(
        `${matches.length} subscriptions are named "${wanted}"`,
        ExitCode.usage,
        `pass the ID: ${matches.map((s) => s.subscriptionId).join(', ')}`,
      );
    }
    subscriptionId = matches[0]!.subscriptionId;
    subscriptionName = matches[0]!.displayName;
  } else if (!GUID.test(subscriptionId)) {
    throw new CliError(`subscription ID '${subscriptionId}' is not a GUID`, ExitCode.usage);
  }

  return subscriptionName ? {subscriptionId, subscriptionName} : {subscriptionId};
}

/** The subscription by ID or display name, and the workspace's resource group when not given. */
export async function resolveWorkspace(
  rt: Runtime,
  conn: Connection,
  options: {lookup?: boolean} = {},
): Promise<ResolvedWorkspace> {
  const {services, target} = conn;
  const {subscriptionId, subscriptionName} = await resolveSubscription(rt, conn);
  const workspace = target.workspace!;
  let resourceGroup = target.resourceGroup;
  let found: Workspace | undefined;
  if (!resourceGroup || options.lookup) {
    found = await findWorkspace(
      services,
      subscriptionId,
      workspace,
      resourceGroup,
      subscriptionName,
      rt.signal,
    );
    resourceGroup = found.resourceGroup;
  }
  const ref: WorkspaceRef = {subscriptionId, resourceGroup, workspace};
  return {
    ...conn,
    ref,
    ...(subscriptionName ? {subscriptionName} : {}),
    ...(found ? {found} : {}),
  };
}

/** The workspace as the Services take it, from its reference (no lookup). */
export function workspaceOf(ref: WorkspaceRef, found?: Workspace): Workspace {
  return (
    found ?? {
      id: `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.workspace}`,
      name: ref.workspace,
      resourceGroup: ref.resourceGroup,
      location: '',
      subscriptionId: ref.subscriptionId,
    }
  );
}

/** The subscription by ID or display name, and the workspace's resource group when not given. */
export async function resolveRef(rt: Runtime, conn: Connection): Promise<ResolvedEndpoint> {
  const {ref, subscriptionName} = await resolveWorkspace(rt, conn);
  const full: EndpointRef = {...ref, endpoint: conn.target.endpoint!};
  return subscriptionName ? {...conn, ref: full, subscriptionName} : {...conn, ref: full};
}

/** Services.findWorkspace without a resource group, its failures as the commands word them. */
async function findWorkspace(
  services: Services,
  subscriptionId: string,
  workspace: string,
  resourceGroup: string | undefined,
  subscriptionName: string | undefined,
  signal: AbortSignal,
): Promise<Workspace> {
  try {
    return await services.findWorkspace(subscriptionId, workspace, resourceGroup, signal);
  } catch (err) {
    if (!(err instanceof WorkspaceLookupError)) throw err;
    if (err.reason === 'notFound') {
      throw new CliError(
        `no workspace named "${workspace}"${resourceGroup ? ` in resource group ${resourceGroup}` : ''} in subscription ${subscriptionName ?? subscriptionId}`,
        ExitCode.notFound,
        err.visible.length
          ? `workspaces: ${err.visible.map((w) => `${w.name} (${w.resourceGroup})`).join(', ')}`
          : 'this subscription has no workspace this identity can see',
      );
    }
    throw new CliError(
      `workspace "${workspace}" exists in ${err.matches.length} resource groups`,
      ExitCode.usage,
      `pass --resource-group: ${err.matches.map((w) => w.resourceGroup).join(', ')}`,
    );
  }
}

/** Reads the endpoint (404 → exit 5, 403 → exit 4, with the missing action). */
export async function getEndpoint(rt: Runtime, resolved: ResolvedEndpoint): Promise<Endpoint> {
  const endpoint = await resolved.services.getEndpoint(resolved.ref, rt.signal);
  if (/^(creating|deleting)$/i.test(endpoint.provisioningState)) {
    rt.warn(`endpoint ${endpoint.endpoint} is ${endpoint.provisioningState.toLowerCase()}`);
  }
  return endpoint;
}

/** Sign-in, subscription, workspace and the endpoint itself: what creds, invoke and roles need. */
export async function openEndpoint(
  rt: Runtime,
  loaded?: LoadedTarget,
): Promise<ResolvedEndpoint & {endpoint: Endpoint}> {
  const {target} = loaded ?? (await loadTarget(rt, ['subscription', 'workspace', 'endpoint']));
  const resolved = await resolveRef(rt, await connect(rt, target));
  return {...resolved, endpoint: await getEndpoint(rt, resolved)};
}

/**
 * The endpoint as the profile remembers it — enough for a credential and a scoring request
 * without reading it — when the target is the profile's own endpoint and the profile knows its
 * scoring URI. Its auth mode is trusted until a call says otherwise.
 */
export function rememberedEndpoint(loaded: LoadedTarget): Endpoint | undefined {
  const {target, profile} = loaded;
  if (!profile?.scoringUri || !target.authMode) return undefined;
  if (target.cloud !== profile.cloud || target.subscriptionId !== profile.subscription.id) return;
  if (target.resourceGroup !== profile.resourceGroup || target.workspace !== profile.workspace)
    return undefined;
  if (target.endpoint !== profile.endpoint) return undefined;
  const ref: EndpointRef = {
    subscriptionId: profile.subscription.id,
    resourceGroup: profile.resourceGroup,
    workspace: profile.workspace,
    endpoint: profile.endpoint,
  };
  return {
    ...ref,
    id: `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.workspace}/onlineEndpoints/${ref.endpoint}`,
    location: '',
    authMode: target.authMode,
    provisioningState: 'Succeeded',
    traffic: {},
    scoringUri: profile.scoringUri,
  };
}

/** Records in the profile (on success) what it should remember of the endpoint just read. */
export function learnEndpoint(rt: Runtime, loaded: LoadedTarget, endpoint: Endpoint): void {
  const {target, profile} = loaded;
  // Only the profile's own endpoint: a flag naming another one teaches the profile nothing.
  if (!profile || !target.authMode || target.endpoint !== profile.endpoint) return;
  if (target.resourceGroup !== undefined && target.resourceGroup !== profile.resourceGroup) return;
  if (target.cloud !== profile.cloud) return;
  const facts: NonNullable<Runtime['learned']> = {};
  if (endpoint.scoringUri && endpoint.scoringUri !== profile.scoringUri)
    facts.scoringUri = endpoint.scoringUri;
  if (endpoint.authMode !== profile.authMode) facts.authMode = endpoint.authMode;
  if (Object.keys(facts).length) rt.learned = facts;
}
