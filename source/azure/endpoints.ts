/**
 * The control plane: subscriptions, workspaces, online endpoints and deployments
 * (@azure/arm-machinelearning, @azure/arm-resources-subscriptions), built on the AzureContext.
 */
import type {OnlineEndpoint} from '@azure/arm-machinelearning';
import {sleep, untilDone, withProgress} from './async';
import type {AzureContext} from './context';
import {deploymentFromArm} from './deployments';
import {ServiceError} from './errors';
import {fromWireAuthMode, toWireAuthMode} from '../domain/auth-mode';
import {endpointScope} from '../domain/scopes';
import type {
  AuthMode,
  CreateEndpointInput,
  OperationOptions,
  Endpoint,
  EndpointRef,
  OperationProgress,
  ProvisioningState,
  Subscription,
  Workspace,
} from '../domain/types';
import type {
  AccessServices,
  DeploymentServices,
  OnPage,
  Services,
  TrafficLogServices,
  WorkflowServices,
} from '../domain/services';

const ID_PARTS =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)(?:\/onlineEndpoints\/([^/]+))?/i;

export function parseResourceId(id: string | undefined): Partial<EndpointRef> {
  const m = id ? ID_PARTS.exec(id) : null;
  if (!m) return {};
  return {
    subscriptionId: m[1]!,
    resourceGroup: m[2]!,
    workspace: m[3]!,
    ...(m[4] ? {endpoint: m[4]} : {}),
  };
}

export function endpointFromArm(e: OnlineEndpoint, fallback: Partial<EndpointRef> = {}): Endpoint {
  const parts = {...fallback, ...parseResourceId(e.id)};
  const out: Endpoint = {
    subscriptionId: parts.subscriptionId ?? '',
    resourceGroup: parts.resourceGroup ?? '',
    workspace: parts.workspace ?? '',
    endpoint: e.name ?? parts.endpoint ?? '',
    id: e.id ?? '',
    location: e.location,
    authMode: fromWireAuthMode(e.properties.authMode),
    provisioningState: e.properties.provisioningState ?? 'Succeeded',
    traffic: {...(e.properties.traffic ?? {})},
  };
  const mirror = (e.properties as {mirrorTraffic?: Record<string, number>}).mirrorTraffic;
  if (mirror && Object.keys(mirror).length) out.mirrorTraffic = {...mirror};
  if (e.properties.scoringUri) out.scoringUri = e.properties.scoringUri;
  if (e.properties.description) out.description = e.properties.description;
  if (e.identity?.type) out.identityType = e.identity.type;
  if (e.kind) out.kind = e.kind;
  if (e.tags && Object.keys(e.tags).length) out.tags = {...e.tags};
  return out;
}

const refScope = endpointScope;

/**
 * Reads a list page by page as the SDK fetches them (following ARM's nextLink), reporting the
 * items so far after each page. `map` may drop an item by returning undefined.
 */
export async function collectPages<A, T>(
  pages: AsyncIterable<A[]>,
  map: (item: A) => T | undefined,
  onPage?: OnPage<T>,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) {
    for (const item of page) {
      const mapped = map(item);
      if (mapped !== undefined) out.push(mapped);
    }
    onPage?.(out.slice());
  }
  return out;
}

/** The full PUT body that changes only the auth mode (PATCH cannot change it). */
export function authModeBody(current: OnlineEndpoint, mode: AuthMode): OnlineEndpoint {
  return endpointPutBody(current, {authMode: toWireAuthMode(mode)});
}

/**
 * The full PUT body of the endpoint as it is, with the changes: its auth mode, its traffic split
 * or its mirror traffic (a PUT is how Azure changes them).
 */
export function endpointPutBody(
  current: OnlineEndpoint,
  changes: Partial<Pick<OnlineEndpoint['properties'], 'authMode' | 'traffic'>> & {
    mirrorTraffic?: Record<string, number>;
  },
): OnlineEndpoint {
  const p: OnlineEndpoint['properties'] & {mirrorTraffic?: Record<string, number>} = {
    ...current.properties,
    ...changes,
  };
  const body: OnlineEndpoint = {
    location: current.location,
    properties: {
      authMode: p.authMode,
      ...(p.description !== undefined ? {description: p.description} : {}),
      ...(p.properties ? {properties: p.properties} : {}),
      ...(p.traffic ? {traffic: p.traffic} : {}),
      ...(p.mirrorTraffic ? {mirrorTraffic: p.mirrorTraffic} : {}),
      ...(p.publicNetworkAccess ? {publicNetworkAccess: p.publicNetworkAccess} : {}),
      ...(p.compute ? {compute: p.compute} : {}),
    },
  };
  if (current.tags) body.tags = current.tags;
  if (current.kind) body.kind = current.kind;
  if (current.sku) body.sku = current.sku;
  if (current.identity?.type) {
    const uai = current.identity.userAssignedIdentities;
    body.identity = {
      type: current.identity.type,
      ...(uai && Object.keys(uai).length
        ? {userAssignedIdentities: Object.fromEntries(Object.keys(uai).map((k) => [k, {}]))}
        : {}),
    };
  }
  return body;
}

const isBusy = (state: ProvisioningState) => /^(creating|updating)$/i.test(state);

/** Subscriptions, workspaces, online endpoints and deployments. */
export function controlPlane(
  ctx: AzureContext,
): Omit<
  Services,
  | 'cloud'
  | 'signIn'
  | 'managementToken'
  | 'explainError'
  | keyof AccessServices
  | keyof TrafficLogServices
  | keyof WorkflowServices
  | keyof DeploymentServices
> {
  const getArm = async (ref: EndpointRef, signal?: AbortSignal) =>
    (await ctx.ml(ref.subscriptionId)).onlineEndpoints.get(
      ref.resourceGroup,
      ref.workspace,
      ref.endpoint,
      {abortSignal: signal},
    );

  /** A PUT of the endpoint through the LRO, reporting provisioning state and elapsed time. */
  /** The message of an operation's failure, in one line (the SDK puts the status's error in it). */
  const operationReason = (err: unknown): string => {
    const message = err instanceof Error ? err.message : String(err);
    return message.split('\n')[0]!.trim() || 'no reason given';
  };

  async function put(
    ref: EndpointRef,
    body: OnlineEndpoint,
    initial: ProvisioningState,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
    options: OperationOptions = {},
  ): Promise<Endpoint> {
    const client = await ctx.ml(ref.subscriptionId);
    return withProgress(initial, ctx.options.progressIntervalMs, onProgress, async (progress) => {
      // Set once Azure has accepted the PUT: a failure after that is the operation's (or only
      // our view of it), not a refused request.
      let accepted = false;
      let endpoint: Endpoint;
      let failure: unknown;
      try {
        const poller = await client.onlineEndpoints.beginCreateOrUpdate(
          ref.resourceGroup,
          ref.workspace,
          ref.endpoint,
          body,
          {
            abortSignal: signal,
            onResponse: (raw) => {
              if (raw.request.method === 'PUT' && raw.status >= 200 && raw.status < 300)
                accepted = true;
              const parsed = raw.parsedBody as
                {properties?: {provisioningState?: unknown}} | undefined;
              const next = parsed?.properties?.provisioningState;
              if (typeof next === 'string') progress.update(next);
            },
          },
        );
        if (options.noWait) {
          // Accepted: the endpoint as Azure now shows it (Creating/Updating), not polled further.
          poller.stopPolling();
          const now = endpointFromArm(await getArm(ref, signal), ref);
          progress.settle(now.provisioningState);
          return now;
        }
        endpoint = endpointFromArm(await untilDone(poller, signal), ref);
      } catch (err) {
        if (signal?.aborted || !accepted || options.noWait) throw err;
        // The PUT was accepted, then the operation failed — or only our view of it did (a
        // dropped poll, a throttled status read). What is true is what the endpoint says now.
        failure = err;
        try {
          endpoint = endpointFromArm(await getArm(ref, signal), ref);
        } catch {
          throw err;
        }
      }
      const state = endpoint.provisioningState;
      progress.settle(state);
      const what = initial === 'Creating' ? 'Creating' : 'Updating';
      if (/^(failed|canceled)$/i.test(state)) {
        const reason = failure ? operationReason(failure) : undefined;
        throw new ServiceError({
          kind: 'unknown',
          code: 'OperationFailed',
          title: `${what} ${ref.endpoint} failed: it is now in state ${state}`,
          detail: reason
            ? `The operation's error: ${reason}`
            : `The operation on ${ref.endpoint} finished with provisioning state ${state}.`,
          nextSteps:
            initial === 'Creating'
              ? [
                  `Delete ${ref.endpoint} (aml-auth endpoints delete --name ${ref.endpoint}) and create it again, or choose another endpoint.`,
                ]
              : [`Try the change again; ${ref.endpoint} is left in state ${state}.`],
        });
      }
      if (failure && !/^succeeded$/i.test(state)) {
        throw new ServiceError({
          kind: 'unknown',
          code: 'OperationInProgress',
          title: `Lost track of ${ref.endpoint} while it is ${state}`,
          detail: `Following the operation failed (${operationReason(failure)}); the endpoint itself is still ${state}.`,
          nextSteps: [
            'Wait for it to finish: choose it again from the endpoint list to follow it.',
          ],
        });
      }
      const wanted = body.properties?.authMode
        ? fromWireAuthMode(body.properties.authMode)
        : undefined;
      if (failure && wanted && endpoint.authMode !== wanted) {
        throw new ServiceError({
          kind: 'unknown',
          code: 'OperationFailed',
          title: `${what} ${ref.endpoint} did not take: its auth mode is still ${endpoint.authMode}`,
          detail: `The operation's error: ${operationReason(failure)}`,
          nextSteps: ['Try the change again.'],
        });
      }
      // A failure to follow an operation that did succeed is no failure: the endpoint is done.
      return endpoint;
    });
  }

  return {
    listSubscriptions(signal, onPage) {
      return ctx.run({operation: 'list subscriptions'}, async () => {
        const client = await ctx.subscriptions();
        return collectPages(
          client.subscriptions.list({abortSignal: signal}).byPage(),
          (s): Subscription | undefined =>
            s.subscriptionId
              ? {
                  subscriptionId: s.subscriptionId,
                  displayName: s.displayName ?? s.subscriptionId,
                  state: s.state ?? 'Unknown',
                  ...(s.tenantId ? {tenantId: s.tenantId} : {}),
                }
              : undefined,
          onPage,
        );
      });
    },

    listWorkspaces(subscriptionId, signal, onPage) {
      return ctx.run(
        {operation: 'list workspaces', scope: `/subscriptions/${subscriptionId}`},
        async () => {
          const client = await ctx.ml(subscriptionId);
          return collectPages(
            client.workspaces.listBySubscription({abortSignal: signal}).byPage(),
            (w): Workspace => {
              const parts = parseResourceId(w.id);
              return {
                id: w.id ?? '',
                name: w.name ?? parts.workspace ?? '',
                resourceGroup: parts.resourceGroup ?? '',
                location: w.location ?? '',
                subscriptionId: parts.subscriptionId ?? subscriptionId,
                ...(w.friendlyName ? {friendlyName: w.friendlyName} : {}),
              };
            },
            onPage,
          );
        },
      );
    },

    listEndpoints(workspace, signal, onPage) {
      return ctx.run(
        {operation: `list the endpoints of ${workspace.name}`, scope: workspace.id},
        async () => {
          const client = await ctx.ml(workspace.subscriptionId);
          const fallback = {
            subscriptionId: workspace.subscriptionId,
            resourceGroup: workspace.resourceGroup,
            workspace: workspace.name,
          };
          return collectPages(
            client.onlineEndpoints
              .list(workspace.resourceGroup, workspace.name, {abortSignal: signal})
              .byPage(),
            (e) => endpointFromArm(e, fallback),
            onPage,
          );
        },
      );
    },

    getEndpoint(ref, signal) {
      return ctx.run({operation: `get endpoint ${ref.endpoint}`, scope: refScope(ref)}, async () =>
        endpointFromArm(await getArm(ref, signal), ref),
      );
    },

    listDeployments(ref, signal) {
      return ctx.run(
        {operation: `list the deployments of ${ref.endpoint}`, scope: refScope(ref)},
        async () => {
          const client = await ctx.ml(ref.subscriptionId);
          const list = async () => {
            const all = [];
            for await (const d of client.onlineDeployments.list(
              ref.resourceGroup,
              ref.workspace,
              ref.endpoint,
              {abortSignal: signal},
            )) {
              all.push(d);
            }
            return all;
          };
          const [endpoint, deployments] = await Promise.all([getArm(ref, signal), list()]);
          return deployments.map((d) =>
            deploymentFromArm(
              d,
              endpoint.properties.traffic,
              (endpoint.properties as {mirrorTraffic?: Record<string, number>}).mirrorTraffic,
            ),
          );
        },
      );
    },

    createEndpoint(ref, input: CreateEndpointInput, onProgress, signal, options) {
      return ctx.run(
        {operation: `create endpoint ${ref.endpoint}`, scope: refScope(ref)},
        async () => {
          // A PUT to an existing name would silently replace that endpoint's settings.
          const existing = await getArm(ref, signal).catch((err: {statusCode?: number}) => {
            if (err?.statusCode === 404) return undefined;
            throw err;
          });
          if (existing) {
            throw new ServiceError({
              kind: 'conflict',
              title: `An endpoint named ${ref.endpoint} already exists`,
              detail: `Workspace ${ref.workspace} already has an online endpoint named ${ref.endpoint}.`,
              nextSteps: ['Choose it from the list, or pick another name.'],
            });
          }
          const body: OnlineEndpoint = {
            location: input.location,
            identity: {type: input.identityType},
            properties: {
              authMode: toWireAuthMode(input.authMode),
              ...(input.description ? {description: input.description} : {}),
            },
            ...(input.tags && Object.keys(input.tags).length ? {tags: {...input.tags}} : {}),
          };
          return put(ref, body, 'Creating', onProgress, signal, options);
        },
      );
    },

    setAuthMode(endpoint, mode, onProgress, signal, options) {
      return ctx.run(
        {operation: `change the auth mode of ${endpoint.endpoint}`, scope: refScope(endpoint)},
        async () => {
          const current = await getArm(endpoint, signal);
          if (fromWireAuthMode(current.properties.authMode) === mode) {
            const same = endpointFromArm(current, endpoint);
            onProgress({provisioningState: same.provisioningState, elapsedMs: 0});
            return same;
          }
          return put(
            endpoint,
            authModeBody(current, mode),
            'Updating',
            onProgress,
            signal,
            options,
          );
        },
      );
    },

    deleteEndpoint(ref, onProgress, signal, options = {}) {
      return ctx.run(
        {operation: `delete endpoint ${ref.endpoint}`, scope: refScope(ref)},
        async () => {
          const client = await ctx.ml(ref.subscriptionId);
          // Reading first tells "already gone" (false) from a DELETE Azure answers 204 either way.
          const existing = await getArm(ref, signal).catch((err: {statusCode?: number}) => {
            if (err?.statusCode === 404) return undefined;
            throw err;
          });
          if (!existing) return false;
          return withProgress(
            'Deleting',
            ctx.options.progressIntervalMs,
            onProgress,
            async (progress) => {
              const poller = await client.onlineEndpoints.beginDelete(
                ref.resourceGroup,
                ref.workspace,
                ref.endpoint,
                {abortSignal: signal},
              );
              if (options.noWait) {
                poller.stopPolling();
                progress.settle('Deleting');
                return true;
              }
              await untilDone(poller, signal);
              progress.settle('Succeeded');
              return true;
            },
          );
        },
      );
    },

    waitForEndpoint(ref, onProgress, signal) {
      return ctx.run(
        {operation: `wait for endpoint ${ref.endpoint}`, scope: refScope(ref)},
        async () => {
          const started = Date.now();
          for (;;) {
            const endpoint = endpointFromArm(await getArm(ref, signal), ref);
            onProgress({
              provisioningState: endpoint.provisioningState,
              elapsedMs: Date.now() - started,
            });
            if (!isBusy(endpoint.provisioningState)) return endpoint;
            await sleep(ctx.options.pollIntervalMs, signal);
          }
        },
      );
    },
  };
}
