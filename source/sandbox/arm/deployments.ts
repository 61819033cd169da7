/**
 * Online deployments (list/get/PUT/PATCH/DELETE, getLogs) and the registered assets they use:
 * models and environments (containers and versions), in the shapes of the 2025-09-01 document.
 */
import type {SandboxContext} from '../context';
import {type ContainerType, deploymentLogs} from '../deployment-logs';
import type {Exchange} from '../http';
import {assetBehaviour} from '../models';
import {
  curatedRegistryId,
  type Deployment,
  type Endpoint,
  endpointScope,
  type EnvironmentAsset,
  environmentVersionId,
  type ModelAsset,
  modelVersionId,
  type Workspace,
  workspaceScope,
} from '../world';
import {ArmError, type ArmCall, checkApiVersion, page, readJson, sendArm} from './common';
import {
  ENDPOINT_NAME,
  EP_ACTION,
  findEndpoint,
  findWorkspace,
  isRecord,
  NS,
  startOperation,
  stringMap,
  validationError,
} from './ml';
import type {Params, Route} from './router';

const DEP_ACTION = `${EP_ACTION}/deployments`;
const MODEL_ACTION = `${NS}/workspaces/models`;
const ENV_ACTION = `${NS}/workspaces/environments`;

/** The managed instance types the sandbox offers (a subset of Azure's SKU list). */
export const INSTANCE_TYPES = [
  'Standard_DS1_v2',
  'Standard_DS2_v2',
  'Standard_DS3_v2',
  'Standard_DS4_v2',
  'Standard_DS5_v2',
  'Standard_F2s_v2',
  'Standard_F4s_v2',
  'Standard_F8s_v2',
  'Standard_E4s_v3',
  'Standard_NC6s_v3',
];
/** Instances one endpoint's deployments may use together (the sandbox's quota). */
export const INSTANCE_QUOTA = 20;

// ---------------------------------------------------------------- ISO 8601 durations

/** `PT5S`, `PT0.5S`, `PT1M30S`, `PT10M` → milliseconds; undefined if it is not one. */
export function isoDurationMs(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const m =
    /^P(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(
      text,
    );
  if (!m || text.toUpperCase() === 'P' || text.toUpperCase() === 'PT') return undefined;
  const [d, h, min, s] = [m[1], m[2], m[3], m[4]].map((v) => (v ? Number(v) : 0));
  return Math.round((((d! * 24 + h!) * 60 + min!) * 60 + s!) * 1000);
}

const isoSeconds = (ms: number) => `PT${Number((ms / 1000).toFixed(3))}S`;

// ---------------------------------------------------------------- wire shapes

const DEFAULT_PROBE = {
  initialDelay: 'PT10S',
  period: 'PT10S',
  timeout: 'PT2S',
  successThreshold: 1,
  failureThreshold: 30,
};

export function deploymentJson(_ctx: SandboxContext, e: Endpoint, d: Deployment) {
  return {
    id: `${endpointScope(e)}/deployments/${d.name}`,
    name: d.name,
    type: `${NS}/workspaces/onlineEndpoints/deployments`,
    location: e.location,
    kind: 'Managed',
    tags: d.tags ?? {},
    sku: {name: 'Default', tier: 'Standard', capacity: d.instanceCount},
    systemData: d.systemData ?? e.systemData,
    properties: {
      endpointComputeType: 'Managed',
      description: d.description ?? `Deterministic sandbox model '${d.model}'`,
      model: d.modelAsset,
      ...(d.environmentId ? {environmentId: d.environmentId} : {}),
      ...(d.codeConfiguration ? {codeConfiguration: d.codeConfiguration} : {}),
      instanceType: d.instanceType,
      appInsightsEnabled: d.appInsightsEnabled ?? false,
      egressPublicNetworkAccess: 'Enabled',
      environmentVariables: d.environmentVariables ?? {},
      properties: {},
      requestSettings: {
        maxConcurrentRequestsPerInstance: d.maxConcurrentRequestsPerInstance,
        requestTimeout: isoSeconds(d.requestTimeoutMs),
        maxQueueWait: d.maxQueueWait ?? 'PT0.5S',
      },
      scaleSettings: d.scaleSettings ?? {scaleType: 'Default'},
      livenessProbe: d.livenessProbe ?? {...DEFAULT_PROBE, initialDelay: 'PT10M'},
      readinessProbe: d.readinessProbe ?? DEFAULT_PROBE,
      provisioningState: d.provisioningState ?? 'Succeeded',
    },
  };
}

const assetSystemData = (createdAt: string) => ({
  createdAt,
  createdBy: 'owner@contoso.sandbox',
  createdByType: 'User',
  lastModifiedAt: createdAt,
  lastModifiedBy: 'owner@contoso.sandbox',
  lastModifiedByType: 'User',
});

const latest = (versions: {version: string}[]) =>
  [...versions].sort(
    (a, b) => Number(b.version) - Number(a.version) || b.version.localeCompare(a.version),
  )[0];

function modelContainerJson(m: ModelAsset) {
  const top = latest(m.versions);
  return {
    id: `${workspaceScope({subscriptionId: m.subscriptionId, resourceGroup: m.resourceGroup, name: m.workspace})}/models/${m.name}`,
    name: m.name,
    type: `${NS}/workspaces/models`,
    systemData: assetSystemData(m.versions[0]?.createdAt ?? ''),
    properties: {
      description: m.description,
      tags: {},
      properties: {},
      isArchived: false,
      ...(top ? {latestVersion: top.version, nextVersion: String(Number(top.version) + 1)} : {}),
    },
  };
}

function modelVersionJson(m: ModelAsset, v: ModelAsset['versions'][number]) {
  return {
    id: modelVersionId(m, v.version),
    name: v.version,
    type: `${NS}/workspaces/models/versions`,
    systemData: assetSystemData(v.createdAt),
    properties: {
      description: v.description,
      tags: {},
      properties: {},
      isArchived: false,
      isAnonymous: false,
      modelType: v.modelType,
      modelUri: v.modelUri,
      flavors:
        v.modelType === 'mlflow_model'
          ? {python_function: {data: {loader_module: 'mlflow.sklearn'}}}
          : {},
      jobName: `train-${m.name}-${v.version}`,
    },
  };
}

function environmentContainerJson(env: EnvironmentAsset) {
  const top = latest(env.versions);
  return {
    id: `${workspaceScope({subscriptionId: env.subscriptionId, resourceGroup: env.resourceGroup, name: env.workspace})}/environments/${env.name}`,
    name: env.name,
    type: `${NS}/workspaces/environments`,
    systemData: assetSystemData(env.versions[0]?.createdAt ?? ''),
    properties: {
      description: env.description,
      tags: env.curated ? {'azureml.curated': 'true'} : {},
      properties: {},
      isArchived: false,
      ...(top ? {latestVersion: top.version, nextVersion: String(Number(top.version) + 1)} : {}),
    },
  };
}

function environmentVersionJson(env: EnvironmentAsset, v: EnvironmentAsset['versions'][number]) {
  return {
    id: environmentVersionId(env, v.version),
    name: v.version,
    type: `${NS}/workspaces/environments/versions`,
    systemData: assetSystemData(v.createdAt),
    properties: {
      description: env.description,
      tags: {},
      properties: {},
      isArchived: false,
      isAnonymous: false,
      environmentType: env.curated ? 'Curated' : 'UserCreated',
      image: v.image,
      ...(v.condaFile ? {condaFile: v.condaFile} : {}),
      osType: 'Linux',
      autoRebuild: 'Disabled',
    },
  };
}

// ---------------------------------------------------------------- lookups

const inWorkspace =
  (ws: Workspace) => (a: {subscriptionId: string; resourceGroup: string; workspace: string}) =>
    a.subscriptionId === ws.subscriptionId &&
    a.resourceGroup === ws.resourceGroup &&
    a.workspace === ws.name;

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

function notFound(what: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `${what} was not found.`);
}

function findDeployment(e: Endpoint, name: string): Deployment {
  const d = e.deployments.find((x) => same(x.name, name));
  if (!d) {
    throw new ArmError(
      404,
      'ResourceNotFound',
      `Deployment '${name}' was not found on endpoint '${e.name}'.`,
    );
  }
  return d;
}

function workspaceOf(ctx: SandboxContext, e: Endpoint): Workspace {
  return ctx.world.workspaces.find(
    (w) =>
      w.subscriptionId === e.subscriptionId &&
      w.resourceGroup === e.resourceGroup &&
      w.name === e.workspace,
  )!;
}

/** The registered model version an ARM ID names (in the endpoint's workspace), if any. */
function resolveModel(
  ctx: SandboxContext,
  ws: Workspace,
  id: string,
): {model: ModelAsset; version: ModelAsset['versions'][number]} | undefined {
  for (const model of ctx.world.models.filter(inWorkspace(ws))) {
    for (const version of model.versions) {
      if (same(modelVersionId(model, version.version), id)) return {model, version};
    }
  }
  return undefined;
}

/** A workspace environment version's ARM ID, or a curated environment's registry ID. */
function resolveEnvironment(ctx: SandboxContext, ws: Workspace, id: string): boolean {
  for (const env of ctx.world.environments.filter(inWorkspace(ws))) {
    for (const v of env.versions) {
      if (same(environmentVersionId(env, v.version), id)) return true;
      if (env.curated && same(curatedRegistryId(env.name, v.version), id)) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- deployment PUT

interface DeploymentInput {
  modelAsset: string;
  behaviour: string;
  modelType: string;
  environmentId?: string;
  instanceType: string;
  instanceCount: number;
  maxConcurrentRequestsPerInstance: number;
  requestTimeoutMs: number;
  maxQueueWait?: string;
  description?: string;
  tags: Record<string, string>;
  codeConfiguration?: {codeId?: string; scoringScript: string};
  environmentVariables: Record<string, string>;
  appInsightsEnabled: boolean;
  scaleSettings?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  readinessProbe?: Record<string, unknown>;
}

function parseDeployment(
  ctx: SandboxContext,
  e: Endpoint,
  body: Record<string, unknown>,
): DeploymentInput {
  if (typeof body.location !== 'string' || !body.location) {
    throw new ArmError(
      400,
      'LocationRequired',
      'The location property is required for this definition.',
    );
  }
  if (body.location.replace(/\s/g, '').toLowerCase() !== e.location) {
    throw validationError(
      `The deployment location '${body.location}' must match the endpoint location '${e.location}'.`,
      'location',
    );
  }
  const props = body.properties;
  if (!isRecord(props)) throw validationError("The 'properties' object is required.", 'properties');
  const compute = props.endpointComputeType;
  if (compute === undefined) {
    throw validationError(
      "The 'properties.endpointComputeType' field is required: Managed for a managed online endpoint.",
      'properties.endpointComputeType',
    );
  }
  if (compute !== 'Managed') {
    throw validationError(
      `Endpoint compute type '${String(compute)}' does not match the endpoint: a managed online endpoint takes Managed deployments.`,
      'properties.endpointComputeType',
    );
  }
  if (typeof props.model !== 'string' || !props.model) {
    throw validationError(
      "The 'properties.model' field is required: the ARM ID of a registered model version.",
      'properties.model',
    );
  }
  const ws = workspaceOf(ctx, e);
  const resolved = resolveModel(ctx, ws, props.model);
  if (!resolved) {
    throw validationError(
      `Model '${props.model}' was not found in workspace '${ws.name}'. Register the model first, or use the ID of a registered version.`,
      'properties.model',
    );
  }
  let environmentId: string | undefined;
  if (props.environmentId !== undefined && props.environmentId !== null) {
    if (
      typeof props.environmentId !== 'string' ||
      !resolveEnvironment(ctx, ws, props.environmentId)
    ) {
      throw validationError(
        `Environment '${String(props.environmentId)}' was not found in workspace '${ws.name}'. Register the environment first, or use a curated one.`,
        'properties.environmentId',
      );
    }
    environmentId = props.environmentId;
  }
  let codeConfiguration: DeploymentInput['codeConfiguration'];
  if (props.codeConfiguration !== undefined && props.codeConfiguration !== null) {
    const cc = props.codeConfiguration;
    if (!isRecord(cc) || typeof cc.scoringScript !== 'string' || !cc.scoringScript) {
      throw validationError(
        "'properties.codeConfiguration.scoringScript' is required with a code configuration.",
        'properties.codeConfiguration.scoringScript',
      );
    }
    codeConfiguration = {
      scoringScript: cc.scoringScript,
      ...(typeof cc.codeId === 'string' ? {codeId: cc.codeId} : {}),
    };
  }
  if (resolved.version.modelType !== 'mlflow_model' && (!environmentId || !codeConfiguration)) {
    throw validationError(
      `Model '${resolved.model.name}:${resolved.version.version}' is a ${resolved.version.modelType}: a deployment of it needs an environment and a code configuration (scoring script). Only MLflow models deploy without them.`,
      environmentId ? 'properties.codeConfiguration' : 'properties.environmentId',
    );
  }
  const instanceType = props.instanceType ?? 'Standard_F4s_v2';
  if (typeof instanceType !== 'string' || !INSTANCE_TYPES.some((t) => same(t, instanceType))) {
    throw validationError(
      `Instance type '${String(instanceType)}' is not supported for managed online deployments here. Supported: ${INSTANCE_TYPES.join(', ')}.`,
      'properties.instanceType',
    );
  }
  const sku = body.sku;
  const capacity = isRecord(sku) && sku.capacity !== undefined ? sku.capacity : 1;
  if (!Number.isInteger(capacity) || (capacity as number) < 1) {
    throw validationError(
      `The instance count (sku.capacity) must be a whole number of at least 1; it is ${JSON.stringify(capacity)}.`,
      'sku.capacity',
    );
  }
  const rs = isRecord(props.requestSettings) ? props.requestSettings : {};
  const maxConcurrent = rs.maxConcurrentRequestsPerInstance ?? 1;
  if (!Number.isInteger(maxConcurrent) || (maxConcurrent as number) < 1) {
    throw validationError(
      "'properties.requestSettings.maxConcurrentRequestsPerInstance' must be a whole number of at least 1.",
      'properties.requestSettings.maxConcurrentRequestsPerInstance',
    );
  }
  let requestTimeoutMs = 5000;
  if (rs.requestTimeout !== undefined && rs.requestTimeout !== null) {
    const ms = isoDurationMs(rs.requestTimeout);
    if (ms === undefined || ms < 1000 || ms > 180_000) {
      throw validationError(
        `'properties.requestSettings.requestTimeout' must be an ISO 8601 duration from PT1S to PT180S; it is ${JSON.stringify(rs.requestTimeout)}.`,
        'properties.requestSettings.requestTimeout',
      );
    }
    requestTimeoutMs = ms;
  }
  if (rs.maxQueueWait !== undefined && isoDurationMs(rs.maxQueueWait) === undefined) {
    throw validationError(
      "'properties.requestSettings.maxQueueWait' must be an ISO 8601 duration.",
      'properties.requestSettings.maxQueueWait',
    );
  }
  const scale = props.scaleSettings;
  if (scale !== undefined && scale !== null) {
    if (
      !isRecord(scale) ||
      (scale.scaleType !== 'Default' && scale.scaleType !== 'TargetUtilization')
    ) {
      throw validationError(
        "'properties.scaleSettings.scaleType' must be Default or TargetUtilization.",
        'properties.scaleSettings.scaleType',
      );
    }
  }
  if (
    props.description !== undefined &&
    props.description !== null &&
    typeof props.description !== 'string'
  ) {
    throw validationError("'properties.description' must be a string.", 'properties.description');
  }
  return {
    modelAsset: modelVersionId(resolved.model, resolved.version.version),
    behaviour:
      resolved.version.behaviour || assetBehaviour(resolved.model.name, resolved.version.version),
    modelType: resolved.version.modelType,
    ...(environmentId ? {environmentId} : {}),
    instanceType: INSTANCE_TYPES.find((t) => same(t, instanceType))!,
    instanceCount: capacity as number,
    maxConcurrentRequestsPerInstance: maxConcurrent as number,
    requestTimeoutMs,
    ...(typeof rs.maxQueueWait === 'string' ? {maxQueueWait: rs.maxQueueWait} : {}),
    ...(typeof props.description === 'string' ? {description: props.description} : {}),
    tags: stringMap(body.tags, 'tags'),
    ...(codeConfiguration ? {codeConfiguration} : {}),
    environmentVariables: stringMap(props.environmentVariables, 'properties.environmentVariables'),
    appInsightsEnabled: props.appInsightsEnabled === true,
    ...(isRecord(scale) ? {scaleSettings: scale} : {}),
    ...(isRecord(props.livenessProbe) ? {livenessProbe: props.livenessProbe} : {}),
    ...(isRecord(props.readinessProbe) ? {readinessProbe: props.readinessProbe} : {}),
  };
}

function lroHeaders(headers: Record<string, string>, keepLocation: boolean) {
  const out: Record<string, string> = {
    'azure-asyncoperation': headers['azure-asyncoperation']!,
    'retry-after': headers['retry-after']!,
    'x-ms-async-operation-timeout': headers['x-ms-async-operation-timeout']!,
  };
  if (keepLocation) out.location = headers.location!;
  return out;
}

async function putDeployment(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  p: Params,
): Promise<void> {
  checkApiVersion(ex, 'ml');
  const e = findEndpoint(ctx, call, p, `${DEP_ACTION}/write`);
  const name = p.dep!;
  if (!ENDPOINT_NAME.test(name)) {
    throw validationError(
      `The deployment name '${name}' is not valid: it must be 3 to 32 characters, start with a letter, use only letters, digits and hyphens, and not end with a hyphen.`,
      'name',
    );
  }
  if (e.provisioningState === 'Creating' || e.provisioningState === 'Deleting') {
    throw new ArmError(
      409,
      'Conflict',
      `Endpoint '${e.name}' is in ${e.provisioningState} provisioning state: deployments can be added once it has Succeeded.`,
    );
  }
  const input = parseDeployment(ctx, e, await readJson(ex));
  const existing = e.deployments.find((x) => same(x.name, name));
  const now = new Date(ctx.clock.now()).toISOString();
  const byType = call.principal.kind === 'user' ? 'User' : 'Application';
  const others = e.deployments
    .filter((x) => x !== existing)
    .reduce((n, x) => n + x.instanceCount, 0);
  const overQuota =
    others + input.instanceCount > INSTANCE_QUOTA
      ? {
          code: 'OutOfQuota',
          message: `Not enough quota for ${input.instanceCount} × ${input.instanceType}: this endpoint's deployments may use ${INSTANCE_QUOTA} instances together and ${others} are in use. Lower instance_count, or delete a deployment first.`,
        }
      : undefined;
  const fields = {
    model: input.behaviour,
    modelAsset: input.modelAsset,
    instanceType: input.instanceType,
    instanceCount: input.instanceCount,
    maxConcurrentRequestsPerInstance: input.maxConcurrentRequestsPerInstance,
    requestTimeoutMs: input.requestTimeoutMs,
    tags: input.tags,
    environmentVariables: input.environmentVariables,
    appInsightsEnabled: input.appInsightsEnabled,
    environmentId: input.environmentId,
    maxQueueWait: input.maxQueueWait,
    description: input.description,
    codeConfiguration: input.codeConfiguration,
    scaleSettings: input.scaleSettings,
    livenessProbe: input.livenessProbe,
    readinessProbe: input.readinessProbe,
  };
  if (existing) {
    const state = existing.provisioningState ?? 'Succeeded';
    if (state !== 'Succeeded' && state !== 'Failed') {
      throw new ArmError(
        409,
        'Conflict',
        `Cannot update deployment '${existing.name}' because it is in ${state} provisioning state. Wait for the current operation to finish.`,
      );
    }
    const before = {...existing};
    Object.assign(existing, fields, {provisioningState: 'Updating'});
    existing.systemData = {
      ...(existing.systemData ?? e.systemData),
      lastModifiedAt: now,
      lastModifiedBy: call.callerName,
      lastModifiedByType: byType,
    };
    const {headers} = startOperation(
      ctx,
      ex,
      e,
      'update',
      () => {
        if (overQuota) {
          Object.assign(existing, before, {provisioningState: 'Failed'});
          return overQuota;
        }
        existing.provisioningState = 'Succeeded';
        return undefined;
      },
      existing.name,
    );
    sendArm(ex, 200, deploymentJson(ctx, e, existing), lroHeaders(headers, false));
    return;
  }
  const d: Deployment = {
    name,
    ...fields,
    createdAt: now,
    provisioningState: 'Creating',
    systemData: {
      createdAt: now,
      createdBy: call.callerName,
      createdByType: byType,
      lastModifiedAt: now,
      lastModifiedBy: call.callerName,
      lastModifiedByType: byType,
    },
  };
  for (const k of Object.keys(d) as (keyof Deployment)[]) if (d[k] === undefined) delete d[k];
  e.deployments.push(d);
  const {headers} = startOperation(
    ctx,
    ex,
    e,
    'create',
    () => {
      d.provisioningState = overQuota ? 'Failed' : 'Succeeded';
      // A deployment starts when it is ready: its container logs begin here.
      d.createdAt = new Date(ctx.clock.now()).toISOString();
      return overQuota;
    },
    d.name,
  );
  sendArm(ex, 201, deploymentJson(ctx, e, d), lroHeaders(headers, false));
}

async function patchDeployment(
  ctx: SandboxContext,
  ex: Exchange,
  call: ArmCall,
  p: Params,
): Promise<void> {
  checkApiVersion(ex, 'ml');
  const e = findEndpoint(ctx, call, p, `${DEP_ACTION}/write`);
  const d = findDeployment(e, p.dep!);
  const body = await readJson(ex);
  const extra = Object.keys(body).filter((k) => k !== 'tags' && k !== 'sku');
  if (extra.length) {
    throw validationError(
      `PATCH of an online deployment only changes 'tags' and 'sku'; '${extra.join("', '")}' needs a full PUT.`,
      extra[0],
    );
  }
  const state = d.provisioningState ?? 'Succeeded';
  if (state !== 'Succeeded' && state !== 'Failed') {
    throw new ArmError(
      409,
      'Conflict',
      `Cannot update deployment '${d.name}' because it is in ${state} provisioning state.`,
    );
  }
  if (body.tags !== undefined) d.tags = stringMap(body.tags, 'tags');
  const capacity = isRecord(body.sku) ? body.sku.capacity : undefined;
  if (capacity === undefined) {
    sendArm(ex, 200, deploymentJson(ctx, e, d));
    return;
  }
  if (!Number.isInteger(capacity) || (capacity as number) < 1) {
    throw validationError(
      'The instance count (sku.capacity) must be a whole number of at least 1.',
      'sku.capacity',
    );
  }
  const others = e.deployments.filter((x) => x !== d).reduce((n, x) => n + x.instanceCount, 0);
  d.provisioningState = 'Scaling';
  const {headers} = startOperation(
    ctx,
    ex,
    e,
    'update',
    () => {
      if (others + (capacity as number) > INSTANCE_QUOTA) {
        d.provisioningState = 'Failed';
        return {
          code: 'OutOfQuota',
          message: `Not enough quota to scale '${d.name}' to ${String(capacity)} instances (${INSTANCE_QUOTA} per endpoint, ${others} in use by others).`,
        };
      }
      d.instanceCount = capacity as number;
      d.provisioningState = 'Succeeded';
      return undefined;
    },
    d.name,
  );
  sendArm(ex, 202, undefined, lroHeaders(headers, true));
}

function deleteDeployment(ctx: SandboxContext, ex: Exchange, call: ArmCall, p: Params): void {
  checkApiVersion(ex, 'ml');
  const e = findEndpoint(ctx, call, p, `${DEP_ACTION}/delete`);
  const d = e.deployments.find((x) => same(x.name, p.dep!));
  if (!d) {
    sendArm(ex, 204, undefined);
    return;
  }
  const share = (map: Record<string, number>) =>
    Object.entries(map).find(([k]) => same(k, d.name))?.[1] ?? 0;
  const live = share(e.traffic);
  const mirror = share(e.mirrorTraffic);
  if (live > 0 || mirror > 0) {
    throw new ArmError(
      400,
      'BadRequest',
      `Deployment '${d.name}' takes ${live > 0 ? `${live}% of the live traffic` : `${mirror}% mirror traffic`} of endpoint '${e.name}' and cannot be deleted. Set its traffic to 0 first (update the endpoint's ${live > 0 ? 'traffic' : 'mirrorTraffic'}).`,
    );
  }
  if (d.provisioningState === 'Deleting') {
    throw new ArmError(409, 'Conflict', `Deployment '${d.name}' is already being deleted.`);
  }
  d.provisioningState = 'Deleting';
  const {headers} = startOperation(
    ctx,
    ex,
    e,
    'delete',
    () => {
      e.deployments = e.deployments.filter((x) => x !== d);
      for (const map of [e.traffic, e.mirrorTraffic]) {
        for (const k of Object.keys(map)) if (same(k, d.name)) delete map[k];
      }
      return undefined;
    },
    d.name,
  );
  sendArm(ex, 202, undefined, lroHeaders(headers, true));
}

async function getLogs(ctx: SandboxContext, ex: Exchange, call: ArmCall, p: Params) {
  checkApiVersion(ex, 'ml');
  const e = findEndpoint(ctx, call, p, `${DEP_ACTION}/getLogs/action`);
  const d = findDeployment(e, p.dep!);
  const body = await readJson(ex);
  const raw = body.containerType ?? 'InferenceServer';
  const container = (['InferenceServer', 'StorageInitializer'] as const).find(
    (c) => typeof raw === 'string' && same(c, raw),
  );
  if (!container) {
    throw validationError(
      `'containerType' must be InferenceServer or StorageInitializer; it is ${JSON.stringify(raw)}.`,
      'containerType',
    );
  }
  const tail = body.tail;
  if (tail !== undefined && tail !== null && (!Number.isInteger(tail) || (tail as number) < 0)) {
    throw validationError("'tail' must be a whole number of lines (0 or more).", 'tail');
  }
  if (d.provisioningState === 'Creating') {
    throw new ArmError(
      400,
      'BadRequest',
      `Deployment '${d.name}' is still being created: its containers have not started yet.`,
    );
  }
  sendArm(ex, 200, {
    content: deploymentLogs(
      ctx,
      e,
      d,
      container satisfies ContainerType,
      typeof tail === 'number' ? tail : undefined,
    ),
  });
}

// ---------------------------------------------------------------- routes

const WS =
  '/subscriptions/:sub/resourceGroups/:rg/providers/Microsoft.MachineLearningServices/workspaces/:ws';
const DEP = `${WS}/onlineEndpoints/:ep/deployments`;

function assetRoutes<A extends ModelAsset | EnvironmentAsset>(
  segment: 'models' | 'environments',
  action: string,
  list: (ctx: SandboxContext) => A[],
  container: (a: A) => unknown,
  version: (a: A, v: A['versions'][number]) => unknown,
): Route[] {
  const label = segment === 'models' ? 'Model' : 'Environment';
  const find = (ctx: SandboxContext, call: ArmCall, p: Params) => {
    const ws = findWorkspace(ctx, call, p, `${action}/read`, `/${segment}/${p.name}`);
    const asset = list(ctx)
      .filter(inWorkspace(ws))
      .find((a) => same(a.name, p.name!));
    if (!asset) throw notFound(`${label} container '${p.name}' in workspace '${ws.name}'`);
    return asset;
  };
  return [
    {
      pattern: `${WS}/${segment}`,
      methods: {
        GET: (ctx, ex, call, p) => {
          checkApiVersion(ex, 'ml');
          const ws = findWorkspace(ctx, call, p, `${action}/read`, `/${segment}`);
          const items = list(ctx)
            .filter(inWorkspace(ws))
            .sort((a, b) => a.name.localeCompare(b.name));
          sendArm(ex, 200, page(ctx, ex, items.map(container)));
        },
      },
    },
    {
      pattern: `${WS}/${segment}/:name`,
      methods: {
        GET: (ctx, ex, call, p) => {
          checkApiVersion(ex, 'ml');
          sendArm(ex, 200, container(find(ctx, call, p)));
        },
      },
    },
    {
      pattern: `${WS}/${segment}/:name/versions`,
      methods: {
        GET: (ctx, ex, call, p) => {
          checkApiVersion(ex, 'ml');
          const asset = find(ctx, call, p);
          const versions = [...asset.versions].sort(
            (a, b) => Number(b.version) - Number(a.version),
          );
          sendArm(
            ex,
            200,
            page(
              ctx,
              ex,
              versions.map((v) => version(asset, v)),
            ),
          );
        },
      },
    },
    {
      pattern: `${WS}/${segment}/:name/versions/:version`,
      methods: {
        GET: (ctx, ex, call, p) => {
          checkApiVersion(ex, 'ml');
          const asset = find(ctx, call, p);
          const v = asset.versions.find((x) => x.version === p.version);
          if (!v) throw notFound(`${label} version '${p.name}:${p.version}'`);
          sendArm(ex, 200, version(asset, v));
        },
      },
    },
  ];
}

export const deploymentRoutes: Route[] = [
  {
    pattern: DEP,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const e = findEndpoint(ctx, call, p, `${DEP_ACTION}/read`);
        sendArm(
          ex,
          200,
          page(
            ctx,
            ex,
            e.deployments.map((d) => deploymentJson(ctx, e, d)),
          ),
        );
      },
    },
  },
  {
    pattern: `${DEP}/:dep`,
    methods: {
      GET: (ctx, ex, call, p) => {
        checkApiVersion(ex, 'ml');
        const e = findEndpoint(ctx, call, p, `${DEP_ACTION}/read`);
        sendArm(ex, 200, deploymentJson(ctx, e, findDeployment(e, p.dep!)));
      },
      PUT: putDeployment,
      PATCH: patchDeployment,
      DELETE: deleteDeployment,
    },
  },
  {pattern: `${DEP}/:dep/getLogs`, methods: {POST: getLogs}},
  ...assetRoutes(
    'models',
    MODEL_ACTION,
    (ctx) => ctx.world.models,
    modelContainerJson,
    modelVersionJson,
  ),
  ...assetRoutes(
    'environments',
    ENV_ACTION,
    (ctx) => ctx.world.environments,
    environmentContainerJson,
    environmentVersionJson,
  ),
];
