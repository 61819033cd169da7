/**
 * Online deployments and the registered assets they are made of (@azure/arm-machinelearning:
 * onlineDeployments, modelContainers/modelVersions, environmentContainers/environmentVersions),
 * and the endpoint PUT that changes the traffic split and the mirror, as `az ml` does them.
 */
import type {
  OnlineDeployment,
  OnlineDeploymentProperties,
  OnlineEndpoint,
  ProbeSettings,
  TargetUtilizationScaleSettings,
} from '@azure/arm-machinelearning';
import {sleep, untilDone, withProgress} from './async';
import type {AzureContext} from './context';
import {endpointFromArm, endpointPutBody} from './endpoints';
import {ServiceError} from './errors';
import {
  canonicalTraffic,
  deleteProblem,
  type DeploymentSpec,
  type EnvironmentInfo,
  type ModelVersionInfo,
  parseAssetRef,
  type ProbeSpec,
  type RegisteredModel,
  shortAssetRef,
  trafficProblem,
  wireContainerType,
} from '../domain/deployments';
import {endpointScope} from '../domain/scopes';
import type {Deployment, Endpoint, EndpointRef, OperationProgress} from '../domain/types';
import type {DeploymentServices} from '../domain/services';

/** `mirrorTraffic` arrives in bodies (kept by the deserializer) though the SDK's models lack it. */
type MirrorProps = {mirrorTraffic?: Record<string, number>};

type WorkspaceRef = Pick<EndpointRef, 'subscriptionId' | 'resourceGroup' | 'workspace'>;

/** The endpoint PUT that carries `mirrorTraffic` uses the contract's api-version. */
const TRAFFIC_API_VERSION = '2025-09-01';

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const share = (map: Record<string, number> | undefined, name: string) =>
  Object.entries(map ?? {}).find(([k]) => same(k, name))?.[1] ?? 0;

/** `PT5S`, `PT0.5S`, `PT1M` → milliseconds. */
export function isoMs(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const m = /^PT(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(text);
  if (!m) return undefined;
  const [h, min, s] = [m[1], m[2], m[3]].map((v) => (v ? Number(v) : 0));
  return Math.round(((h! * 60 + min!) * 60 + s!) * 1000);
}
const iso = (ms: number) => `PT${Number((ms / 1000).toFixed(3))}S`;

export function deploymentFromArm(
  d: OnlineDeployment,
  traffic: Record<string, number> | undefined,
  mirror: Record<string, number> | undefined,
): Deployment {
  const name = d.name ?? '';
  const p = d.properties as OnlineDeploymentProperties & {
    environmentId?: string;
    description?: string;
  };
  const scale = p.scaleSettings as TargetUtilizationScaleSettings | undefined;
  const out: Deployment = {
    name,
    trafficPercent: share(traffic, name),
    mirrorPercent: share(mirror, name),
  };
  if (p.provisioningState) out.provisioningState = p.provisioningState;
  if (p.model) {
    out.model = shortAssetRef(p.model)!;
    out.modelId = p.model;
  }
  if (p.environmentId) out.environment = shortAssetRef(p.environmentId)!;
  if (p.instanceType) out.instanceType = p.instanceType;
  if (d.sku?.capacity !== undefined) out.instanceCount = d.sku.capacity;
  if (scale?.scaleType) out.scaleType = scale.scaleType;
  if (scale?.scaleType === 'TargetUtilization') {
    out.scaleRange = {
      ...(scale.minInstances !== undefined ? {min: scale.minInstances} : {}),
      ...(scale.maxInstances !== undefined ? {max: scale.maxInstances} : {}),
    };
  }
  const timeout = isoMs(p.requestSettings?.requestTimeout);
  if (timeout !== undefined) out.requestTimeoutMs = timeout;
  if (p.requestSettings?.maxConcurrentRequestsPerInstance !== undefined)
    out.maxConcurrentRequestsPerInstance = p.requestSettings.maxConcurrentRequestsPerInstance;
  if (p.description) out.description = p.description;
  return out;
}

function probeBody(p: ProbeSpec | undefined): ProbeSettings | undefined {
  if (!p) return undefined;
  return {
    ...(p.initialDelaySeconds !== undefined
      ? {initialDelay: iso(p.initialDelaySeconds * 1000)}
      : {}),
    ...(p.periodSeconds !== undefined ? {period: iso(p.periodSeconds * 1000)} : {}),
    ...(p.timeoutSeconds !== undefined ? {timeout: iso(p.timeoutSeconds * 1000)} : {}),
    ...(p.successThreshold !== undefined ? {successThreshold: p.successThreshold} : {}),
    ...(p.failureThreshold !== undefined ? {failureThreshold: p.failureThreshold} : {}),
  };
}

/** The PUT body of a new deployment, its references already resolved to IDs. */
export function deploymentBody(
  location: string,
  spec: DeploymentSpec,
  ids: {model: string; environment?: string; code?: string},
): OnlineDeployment {
  const rs = spec.requestSettings;
  const ss = spec.scaleSettings;
  const properties: OnlineDeploymentProperties & {
    environmentId?: string;
    codeConfiguration?: {codeId?: string; scoringScript: string};
    description?: string;
    environmentVariables?: Record<string, string>;
  } = {
    endpointComputeType: 'Managed',
    model: ids.model,
    instanceType: spec.instanceType,
    ...(ids.environment ? {environmentId: ids.environment} : {}),
    ...(spec.codeConfiguration
      ? {
          codeConfiguration: {
            scoringScript: spec.codeConfiguration.scoringScript,
            ...(ids.code ? {codeId: ids.code} : {}),
          },
        }
      : {}),
    ...(spec.description ? {description: spec.description} : {}),
    ...(spec.environmentVariables ? {environmentVariables: spec.environmentVariables} : {}),
    ...(spec.appInsightsEnabled !== undefined ? {appInsightsEnabled: spec.appInsightsEnabled} : {}),
    ...(rs
      ? {
          requestSettings: {
            ...(rs.requestTimeoutMs !== undefined
              ? {requestTimeout: iso(rs.requestTimeoutMs)}
              : {}),
            ...(rs.maxConcurrentRequestsPerInstance !== undefined
              ? {maxConcurrentRequestsPerInstance: rs.maxConcurrentRequestsPerInstance}
              : {}),
            ...(rs.maxQueueWaitMs !== undefined ? {maxQueueWait: iso(rs.maxQueueWaitMs)} : {}),
          },
        }
      : {}),
    ...(ss
      ? {
          scaleSettings:
            ss.type === 'default'
              ? {scaleType: 'Default' as const}
              : ({
                  scaleType: 'TargetUtilization',
                  ...(ss.minInstances !== undefined ? {minInstances: ss.minInstances} : {}),
                  ...(ss.maxInstances !== undefined ? {maxInstances: ss.maxInstances} : {}),
                  ...(ss.pollingIntervalSeconds !== undefined
                    ? {pollingInterval: iso(ss.pollingIntervalSeconds * 1000)}
                    : {}),
                  ...(ss.targetUtilizationPercentage !== undefined
                    ? {targetUtilizationPercentage: ss.targetUtilizationPercentage}
                    : {}),
                } satisfies TargetUtilizationScaleSettings),
        }
      : {}),
    ...(spec.livenessProbe ? {livenessProbe: probeBody(spec.livenessProbe)} : {}),
    ...(spec.readinessProbe ? {readinessProbe: probeBody(spec.readinessProbe)} : {}),
  };
  return {
    location,
    ...(spec.tags ? {tags: spec.tags} : {}),
    sku: {name: 'Default', capacity: spec.instanceCount},
    properties,
  };
}

/** `The long-running operation has failed. Code. Message` (core-lro) → code and message. */
export function lroFailure(err: unknown): {code?: string; message: string} | undefined {
  const text = err instanceof Error ? err.message : undefined;
  if (!text?.startsWith('The long-running operation has failed')) return undefined;
  const m = /^The long-running operation has failed\. ([^.\s]+)\. ([\s\S]*)$/.exec(text);
  return m ? {code: m[1]!, message: m[2]!} : {message: 'The operation failed without a reason.'};
}

const workspaceScope = (w: WorkspaceRef) =>
  `/subscriptions/${w.subscriptionId}/resourceGroups/${w.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${w.workspace}`;

export function deploymentServices(ctx: AzureContext): DeploymentServices {
  const client = (ref: WorkspaceRef) => ctx.ml(ref.subscriptionId);
  const getEndpointArm = async (ref: EndpointRef, signal?: AbortSignal) =>
    (await client(ref)).onlineEndpoints.get(ref.resourceGroup, ref.workspace, ref.endpoint, {
      abortSignal: signal,
    });

  async function listArm(ref: EndpointRef, signal?: AbortSignal): Promise<OnlineDeployment[]> {
    const c = await client(ref);
    const all: OnlineDeployment[] = [];
    for await (const d of c.onlineDeployments.list(ref.resourceGroup, ref.workspace, ref.endpoint, {
      abortSignal: signal,
    })) {
      all.push(d);
    }
    return all;
  }

  async function modelVersions(
    ref: WorkspaceRef,
    name: string,
    signal?: AbortSignal,
  ): Promise<ModelVersionInfo[]> {
    const c = await client(ref);
    const out: ModelVersionInfo[] = [];
    for await (const v of c.modelVersions.list(ref.resourceGroup, ref.workspace, name, {
      abortSignal: signal,
    })) {
      out.push({
        name,
        version: v.name ?? '',
        id: v.id ?? `${workspaceScope(ref)}/models/${name}/versions/${v.name}`,
        ...(v.properties.modelType ? {modelType: v.properties.modelType} : {}),
        ...(v.properties.description ? {description: v.properties.description} : {}),
      });
    }
    return out.sort((a, b) => Number(b.version) - Number(a.version));
  }

  async function environmentVersions(
    ref: WorkspaceRef,
    name: string,
    signal?: AbortSignal,
  ): Promise<EnvironmentInfo[]> {
    const c = await client(ref);
    const out: EnvironmentInfo[] = [];
    for await (const v of c.environmentVersions.list(ref.resourceGroup, ref.workspace, name, {
      abortSignal: signal,
    })) {
      const curated = v.properties.environmentType === 'Curated';
      const version = v.name ?? '';
      out.push({
        name,
        version,
        id: v.id ?? `${workspaceScope(ref)}/environments/${name}/versions/${version}`,
        curated,
        ...(curated
          ? {
              registryId: `azureml://registries/azureml/environments/${name.replace(/^AzureML-/, '')}/versions/${version}`,
            }
          : {}),
        ...(v.properties.image ? {image: v.properties.image} : {}),
        ...(v.properties.description ? {description: v.properties.description} : {}),
      });
    }
    return out.sort((a, b) => Number(b.version) - Number(a.version));
  }

  /** An asset reference → the ARM ID of the version it names (latest resolved). */
  async function resolve(
    ref: WorkspaceRef,
    kind: 'models' | 'environments' | 'codes',
    text: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const parsed = parseAssetRef(text);
    const label = kind === 'models' ? 'model' : kind === 'environments' ? 'environment' : 'code';
    if (!parsed) {
      throw new ServiceError({
        kind: 'invalid',
        title: `'${text}' is not a reference to a registered ${label}`,
        detail: `Use azureml:name:version or azureml:name@latest (registered in ${ref.workspace}).`,
        nextSteps: [
          `Register it first: az ml ${label} create … -g ${ref.resourceGroup} -w ${ref.workspace}`,
        ],
      });
    }
    if (parsed.kind === 'id') return parsed.id;
    if (kind === 'codes') {
      if (parsed.kind === 'latest') {
        throw new ServiceError({
          kind: 'invalid',
          title: 'A code asset needs a version',
          detail: `'${text}': name the code version (azureml:name:version).`,
          nextSteps: [],
        });
      }
      return `${workspaceScope(ref)}/codes/${parsed.name}/versions/${parsed.version}`;
    }
    const versions =
      kind === 'models'
        ? await modelVersions(ref, parsed.name, signal)
        : await environmentVersions(ref, parsed.name, signal);
    const hit =
      parsed.kind === 'latest' ? versions[0] : versions.find((v) => v.version === parsed.version);
    if (!hit) {
      throw new ServiceError({
        kind: 'notFound',
        title: `No ${label} ${parsed.kind === 'latest' ? parsed.name : `${parsed.name}:${parsed.version}`} in ${ref.workspace}`,
        detail: versions.length
          ? `Registered versions of ${parsed.name}: ${versions.map((v) => v.version).join(', ')}.`
          : `Workspace ${ref.workspace} has no ${label} named ${parsed.name}.`,
        nextSteps: [
          `Register it first: az ml ${label} create --name ${parsed.name} … -g ${ref.resourceGroup} -w ${ref.workspace}`,
        ],
      });
    }
    return hit.id;
  }

  async function putTraffic(
    ref: EndpointRef,
    change: {traffic?: Record<string, number>; mirrorTraffic?: Record<string, number>},
    noWait: boolean,
    onProgress: (p: OperationProgress) => void,
    signal?: AbortSignal,
  ): Promise<Endpoint> {
    const c = await client(ref);
    const [current, deployments] = await Promise.all([
      getEndpointArm(ref, signal),
      listArm(ref, signal),
    ]);
    const names = deployments.map((d) => ({name: d.name ?? ''}));
    const traffic = canonicalTraffic(names, change.traffic ?? current.properties.traffic ?? {});
    const mirror = canonicalTraffic(
      names,
      change.mirrorTraffic ?? (current.properties as MirrorProps).mirrorTraffic ?? {},
    );
    const issue = trafficProblem(names, traffic, mirror);
    if (issue) {
      throw new ServiceError({
        kind: 'invalid',
        title: 'The traffic split cannot be applied',
        detail: `Not applied: ${issue}.`,
        nextSteps: [
          'Live traffic adds up to 100% (or all 0%); mirror traffic goes to one deployment without live traffic, at most 50%.',
        ],
      });
    }
    const body = endpointPutBody(current, {traffic, mirrorTraffic: mirror});
    return withProgress(
      'Updating',
      ctx.options.progressIntervalMs,
      onProgress,
      async (progress) => {
        const accepted = await putEndpointWithMirror(
          c,
          ref,
          body,
          !noWait,
          (state) => progress.update(state),
          signal,
        );
        const endpoint = endpointFromArm(
          noWait ? (accepted as unknown as OnlineEndpoint) : await getEndpointArm(ref, signal),
          ref,
        );
        progress.settle(endpoint.provisioningState);
        return endpoint;
      },
    );
  }

  /**
   * The endpoint PUT through the client's own pipeline (sign-in, retries, TLS), raw: the SDK's
   * 2022-10-01 models have no `mirrorTraffic` and would drop it from the body. Follows the
   * Azure-AsyncOperation status as the SDK's poller does (Retry-After).
   */
  async function putEndpointWithMirror(
    c: Awaited<ReturnType<AzureContext['ml']>>,
    ref: EndpointRef,
    body: OnlineEndpoint,
    wait: boolean,
    onState: (state: string) => void,
    signal?: AbortSignal,
  ): Promise<Record<string, unknown> | undefined> {
    const {createPipelineRequest, RestError} = await import('@azure/core-rest-pipeline');
    const base = ctx.cloud.resourceManagerEndpoint.replace(/\/+$/, '');
    const send = async (method: 'PUT' | 'GET', url: string, json?: unknown) => {
      const request = createPipelineRequest({
        url,
        method,
        abortSignal: signal,
        headers: undefined,
        ...(json !== undefined ? {body: JSON.stringify(json)} : {}),
      });
      if (json !== undefined) request.headers.set('content-type', 'application/json');
      const res = await c.sendRequest(request);
      let parsed: unknown;
      try {
        parsed = res.bodyAsText ? JSON.parse(res.bodyAsText) : undefined;
      } catch {
        parsed = undefined;
      }
      if (res.status >= 400) {
        const error = (parsed as {error?: {code?: string; message?: string}} | undefined)?.error;
        const err = new RestError(error?.message ?? `HTTP ${res.status}`, {
          statusCode: res.status,
          ...(error?.code ? {code: error.code} : {}),
          request,
          response: res,
        });
        (err as unknown as {details: unknown}).details = parsed;
        throw err;
      }
      return {res, parsed: parsed as Record<string, unknown> | undefined};
    };
    const url = `${base}${endpointScope(ref)}?api-version=${TRAFFIC_API_VERSION}`;
    const first = await send('PUT', url, body);
    const state = (first.parsed?.properties as {provisioningState?: unknown} | undefined)
      ?.provisioningState;
    if (typeof state === 'string') onState(state);
    const statusUrl = first.res.headers.get('azure-asyncoperation');
    if (!statusUrl || !wait) return first.parsed;
    for (;;) {
      const wait = Number(first.res.headers.get('retry-after') ?? 1);
      await sleep(Math.min(10, Number.isFinite(wait) && wait > 0 ? wait : 1) * 1000, signal);
      const {parsed} = await send('GET', statusUrl);
      const status = String(parsed?.status ?? '');
      if (/^(succeeded)$/i.test(status)) return first.parsed;
      if (/^(failed|canceled)$/i.test(status)) {
        const error = parsed?.error as {code?: string; message?: string} | undefined;
        throw new ServiceError({
          kind: 'unknown',
          title: `The traffic change on ${ref.endpoint} ${status.toLowerCase()}`,
          detail: error?.message ?? `The operation ended with status ${status}.`,
          ...(error?.code ? {code: error.code} : {}),
          nextSteps: ['Look at the endpoint in the Azure portal, then try again.'],
        });
      }
    }
  }

  return {
    listModels(ref, signal) {
      return ctx.run(
        {operation: `list the models of ${ref.workspace}`, scope: workspaceScope(ref)},
        async () => {
          const c = await client(ref);
          const containers = [];
          for await (const m of c.modelContainers.list(ref.resourceGroup, ref.workspace, {
            abortSignal: signal,
          })) {
            if (m.name && !m.properties.isArchived) containers.push(m);
          }
          return Promise.all(
            containers.map(async (m): Promise<RegisteredModel> => {
              const versions = await modelVersions(ref, m.name!, signal);
              return {
                name: m.name!,
                ...(m.properties.description ? {description: m.properties.description} : {}),
                ...(m.properties.latestVersion ? {latestVersion: m.properties.latestVersion} : {}),
                versions,
              };
            }),
          );
        },
      );
    },

    listEnvironments(ref, signal) {
      return ctx.run(
        {operation: `list the environments of ${ref.workspace}`, scope: workspaceScope(ref)},
        async () => {
          const c = await client(ref);
          const names: string[] = [];
          for await (const e of c.environmentContainers.list(ref.resourceGroup, ref.workspace, {
            abortSignal: signal,
          })) {
            if (e.name && !e.properties.isArchived) names.push(e.name);
          }
          const all = await Promise.all(names.map((n) => environmentVersions(ref, n, signal)));
          return all.flat();
        },
      );
    },

    getDeployment(ref, name, signal) {
      return ctx.run(
        {operation: `get deployment ${name}`, scope: `${endpointScope(ref)}/deployments/${name}`},
        async () => {
          const c = await client(ref);
          const [endpoint, d] = await Promise.all([
            getEndpointArm(ref, signal),
            c.onlineDeployments.get(ref.resourceGroup, ref.workspace, ref.endpoint, name, {
              abortSignal: signal,
            }),
          ]);
          return deploymentFromArm(
            d,
            endpoint.properties.traffic,
            (endpoint.properties as MirrorProps).mirrorTraffic,
          );
        },
      );
    },

    createDeployment(ref, spec, options, onProgress, signal) {
      return ctx.run(
        {
          operation: `create deployment ${spec.name}`,
          scope: `${endpointScope(ref)}/deployments/${spec.name}`,
        },
        async () => {
          const c = await client(ref);
          const [endpoint, existing] = await Promise.all([
            getEndpointArm(ref, signal),
            listArm(ref, signal),
          ]);
          if (existing.some((d) => same(d.name ?? '', spec.name))) {
            throw new ServiceError({
              kind: 'conflict',
              title: `Endpoint ${ref.endpoint} already has a deployment named ${spec.name}`,
              detail: `A deployment named ${spec.name} exists on ${ref.endpoint}.`,
              nextSteps: ['Pick another name, or delete that deployment first.'],
            });
          }
          const [model, environment, code] = await Promise.all([
            resolve(ref, 'models', spec.model, signal),
            spec.environment ? resolve(ref, 'environments', spec.environment, signal) : undefined,
            spec.codeConfiguration?.code
              ? resolve(ref, 'codes', spec.codeConfiguration.code, signal)
              : undefined,
          ]);
          const body = deploymentBody(endpoint.location, spec, {
            model,
            ...(environment ? {environment} : {}),
            ...(code ? {code} : {}),
          });
          if (options.noWait && options.allTraffic) {
            throw new ServiceError({
              kind: 'invalid',
              title: 'All traffic needs the deployment to finish first',
              detail: 'A deployment can take traffic only once it has been created.',
              nextSteps: ['Wait for the creation, or set the traffic later.'],
            });
          }
          let accepted: OnlineDeployment | undefined;
          const created = await withProgress(
            'Creating',
            ctx.options.progressIntervalMs,
            onProgress,
            async (progress) => {
              const poller = await c.onlineDeployments.beginCreateOrUpdate(
                ref.resourceGroup,
                ref.workspace,
                ref.endpoint,
                spec.name,
                body,
                {
                  abortSignal: signal,
                  onResponse: (raw) => {
                    const parsed = raw.parsedBody as OnlineDeployment | undefined;
                    if (raw.request.method === 'PUT' && parsed?.properties) accepted ??= parsed;
                    const next = parsed?.properties?.provisioningState;
                    if (typeof next === 'string') progress.update(next);
                  },
                },
              );
              if (options.noWait) {
                const state = poller.getOperationState() as {
                  result?: OnlineDeployment;
                };
                const d = state.result ?? accepted;
                progress.settle(d?.properties.provisioningState ?? 'Creating');
                return d ?? ({name: spec.name, properties: body.properties} as OnlineDeployment);
              }
              try {
                const d = await untilDone(poller, signal);
                progress.settle(d.properties.provisioningState ?? 'Succeeded');
                return d;
              } catch (err) {
                const failed = lroFailure(err);
                if (!failed) throw err;
                progress.settle('Failed');
                throw new ServiceError(
                  {
                    kind: failed.code === 'OutOfQuota' ? 'throttled' : 'unknown',
                    title: `Deployment ${spec.name} failed to provision`,
                    detail: failed.message,
                    ...(failed.code ? {code: failed.code} : {}),
                    nextSteps:
                      failed.code === 'OutOfQuota'
                        ? ['Lower the instance count, or delete a deployment you no longer need.']
                        : [
                            `Read its logs: aml-auth deployments logs ${spec.name} --container storage-initializer`,
                          ],
                  },
                  {cause: err},
                );
              }
            },
          );
          let traffic = endpoint.properties.traffic;
          if (options.allTraffic) {
            const updated = await putTraffic(
              ref,
              {traffic: {[spec.name]: 100}},
              false,
              onProgress,
              signal,
            );
            traffic = updated.traffic;
          }
          return deploymentFromArm(
            created,
            traffic,
            (endpoint.properties as MirrorProps).mirrorTraffic,
          );
        },
      );
    },

    setTraffic(ref, change, options, onProgress, signal) {
      return ctx.run(
        {operation: `change the traffic of ${ref.endpoint}`, scope: endpointScope(ref)},
        () => putTraffic(ref, change, Boolean(options.noWait), onProgress, signal),
      );
    },

    deleteDeployment(ref, name, options, onProgress, signal) {
      return ctx.run(
        {
          operation: `delete deployment ${name}`,
          scope: `${endpointScope(ref)}/deployments/${name}`,
        },
        async () => {
          const c = await client(ref);
          const endpoint = await getEndpointArm(ref, signal);
          const issue = deleteProblem(
            name,
            endpoint.properties.traffic ?? {},
            (endpoint.properties as MirrorProps).mirrorTraffic ?? {},
          );
          if (issue) {
            throw new ServiceError({
              kind: 'conflict',
              title: `Deployment ${name} cannot be deleted while it takes traffic`,
              detail: `Not deleted: ${issue}, and Azure refuses to delete a deployment with traffic.`,
              nextSteps: [
                `Move its traffic to another deployment first (aml-auth deployments traffic …), then delete it.`,
              ],
            });
          }
          await withProgress(
            'Deleting',
            ctx.options.progressIntervalMs,
            onProgress,
            async (progress) => {
              const poller = await c.onlineDeployments.beginDelete(
                ref.resourceGroup,
                ref.workspace,
                ref.endpoint,
                name,
                {abortSignal: signal},
              );
              if (options.noWait) {
                poller.stopPolling();
                progress.settle('Deleting');
                return;
              }
              await untilDone(poller, signal);
              progress.settle('Deleted');
            },
          );
        },
      );
    },

    deploymentLogs(ref, name, options, signal) {
      return ctx.run(
        {operation: `get the logs of ${name}`, scope: `${endpointScope(ref)}/deployments/${name}`},
        async () => {
          const c = await client(ref);
          const res = await c.onlineDeployments.getLogs(
            ref.resourceGroup,
            ref.workspace,
            ref.endpoint,
            name,
            {containerType: wireContainerType(options.container), tail: options.lines},
            {abortSignal: signal},
          );
          return res.content ?? '';
        },
      );
    },
  };
}
