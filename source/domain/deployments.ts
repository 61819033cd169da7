/**
 * Online deployments: the rules a traffic split and a mirror must keep (Azure's), the name rule,
 * references to registered assets (`azureml:name:version`, `azureml:name@latest`). The deployment
 * YAML is read in deployment-yaml.ts (it loads the YAML parser, which the first frame does not
 * need). Pure: no I/O.
 */
import type {Deployment} from './types';
import {endpointNameProblem} from './validate';

// ---------------------------------------------------------------- types

export type ContainerType = 'inference-server' | 'storage-initializer';
export const CONTAINER_TYPES: readonly ContainerType[] = [
  'inference-server',
  'storage-initializer',
];
export const wireContainerType = (c: ContainerType) =>
  c === 'inference-server' ? 'InferenceServer' : 'StorageInitializer';

/** Azure ML's defaults for a new managed deployment. */
export const DEFAULT_INSTANCE_TYPE = 'Standard_DS3_v2';
export const DEFAULT_INSTANCE_COUNT = 1;
/** What `az ml online-deployment get-logs` and the screen show unless told otherwise. */
export const DEFAULT_LOG_LINES = 200;

/** A registered model and its versions, newest first. */
export interface RegisteredModel {
  name: string;
  description?: string;
  latestVersion?: string;
  versions: ModelVersionInfo[];
}

export interface ModelVersionInfo {
  name: string;
  version: string;
  /** The version's ARM ID. */
  id: string;
  /** `mlflow_model`, `custom_model`, … */
  modelType?: string;
  description?: string;
}

/** One version of an environment: registered in the workspace, or curated by Azure ML. */
export interface EnvironmentInfo {
  name: string;
  version: string;
  /** The version's ARM ID (a curated one's registry URI is `registryId`). */
  id: string;
  curated: boolean;
  registryId?: string;
  image?: string;
  description?: string;
}

export interface ProbeSpec {
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

/** What a new deployment is made of; references are resolved by the Services. */
export interface DeploymentSpec {
  name: string;
  /** From a YAML file: the endpoint it names (checked against the target). */
  endpointName?: string;
  /** `azureml:name:version`, `azureml:name@latest`, an ARM ID or an `azureml://registries/…` URI. */
  model: string;
  /** Same forms; absent for an MLflow model deployed without one. */
  environment?: string;
  /** `code` is a registered code asset reference (local folders are refused before this). */
  codeConfiguration?: {code?: string; scoringScript: string};
  instanceType: string;
  instanceCount: number;
  description?: string;
  tags?: Record<string, string>;
  environmentVariables?: Record<string, string>;
  appInsightsEnabled?: boolean;
  requestSettings?: {
    requestTimeoutMs?: number;
    maxConcurrentRequestsPerInstance?: number;
    maxQueueWaitMs?: number;
  };
  scaleSettings?:
    | {type: 'default'}
    | {
        type: 'target_utilization';
        minInstances?: number;
        maxInstances?: number;
        pollingIntervalSeconds?: number;
        targetUtilizationPercentage?: number;
      };
  livenessProbe?: ProbeSpec;
  readinessProbe?: ProbeSpec;
}

export interface TrafficChange {
  traffic?: Record<string, number>;
  mirrorTraffic?: Record<string, number>;
}

// ---------------------------------------------------------------- names and references

/**
 * The rule for a new deployment's name (Azure's, as for endpoints): 3–32 characters, a letter
 * first, letters, digits and hyphens, not ending with a hyphen. The problem in words, or undefined.
 */
export function newDeploymentNameProblem(name: string): string | undefined {
  const problem = endpointNameProblem(name);
  return problem ? `'${name}' is not a valid name for a new deployment: ${problem}` : undefined;
}

export const NEW_DEPLOYMENT_NAME_RULE =
  'a new deployment name has 3–32 letters, digits and hyphens, starts with a letter and does not end with a hyphen';

export type AssetRef =
  | {kind: 'version'; name: string; version: string}
  | {kind: 'latest'; name: string}
  | {kind: 'id'; id: string};

const ARM_ASSET =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/(models|environments|codes)\/([^/]+)\/versions\/([^/]+)$/i;

/** A reference to a registered asset, or undefined when the text is not one (a local path). */
export function parseAssetRef(text: string): AssetRef | undefined {
  const t = text.trim();
  if (
    ARM_ASSET.test(t) ||
    /^azureml:\/\/registries\/[^/]+\/[^/]+\/[^/]+\/versions\/[^/]+$/i.test(t)
  )
    return {kind: 'id', id: t};
  const latest = /^azureml:([A-Za-z0-9][\w.-]*)@latest$/i.exec(t);
  if (latest) return {kind: 'latest', name: latest[1]!};
  const version = /^azureml:([A-Za-z0-9][\w.-]*):([\w.-]+)$/i.exec(t);
  if (version) return {kind: 'version', name: version[1]!, version: version[2]!};
  return undefined;
}

/** `azureml:name:version` for a workspace asset's ARM ID; any other text as it is. */
export function shortAssetRef(id: string | undefined): string | undefined {
  if (!id) return undefined;
  const m = ARM_ASSET.exec(id);
  return m ? `azureml:${m[2]}:${m[3]}` : id;
}

// ---------------------------------------------------------------- traffic rules

const sum = (m: Record<string, number>) => Object.values(m).reduce((a, b) => a + b, 0);

function findName(deployments: Pick<Deployment, 'name'>[], name: string): string | undefined {
  return deployments.find((d) => d.name.toLowerCase() === name.toLowerCase())?.name;
}

/**
 * Why a split cannot be applied (Azure's rules), or undefined: whole percentages 0–100 of
 * existing deployments adding up to 100 (or all 0); mirror traffic to at most one deployment,
 * at most 50 %, and never to one taking live traffic.
 */
export function trafficProblem(
  deployments: Pick<Deployment, 'name'>[],
  traffic: Record<string, number>,
  mirror: Record<string, number>,
): string | undefined {
  for (const [field, map] of [
    ['traffic', traffic],
    ['mirror traffic', mirror],
  ] as const) {
    for (const [name, share] of Object.entries(map)) {
      if (!findName(deployments, name)) {
        const names = deployments.map((d) => d.name).join(', ') || 'none';
        return `no deployment named '${name}' on this endpoint (deployments: ${names})`;
      }
      if (!Number.isInteger(share) || share < 0 || share > 100) {
        return `${field} for ${name} must be a whole percentage from 0 to 100, not ${share}`;
      }
    }
  }
  const total = sum(traffic);
  if (total !== 0 && total !== 100) {
    return `the traffic split adds up to ${total}%: it must add up to 100% (or all 0%)`;
  }
  const mirrored = Object.entries(mirror).filter(([, v]) => v > 0);
  if (mirrored.length > 1) {
    return `mirror traffic can go to one deployment only, not ${mirrored.map(([k]) => k).join(' and ')}`;
  }
  const [target] = mirrored;
  if (target) {
    if (target[1] > 50) return `mirror traffic is at most 50%, not ${target[1]}% for ${target[0]}`;
    const live = Object.entries(traffic).find(
      ([k, v]) => k.toLowerCase() === target[0].toLowerCase() && v > 0,
    );
    if (live) {
      return `${live[0]} takes ${live[1]}% of the live traffic: it cannot also receive mirror traffic`;
    }
  }
  return undefined;
}

/** Parses `blue=90 green=10` (also `blue:90`) into a map; the problem, if any, as text. */
export function parseTrafficArgs(
  args: readonly string[],
): {ok: true; traffic: Record<string, number>} | {ok: false; problem: string} {
  const traffic: Record<string, number> = {};
  for (const arg of args.flatMap((a) => a.split(',')).filter(Boolean)) {
    const m = /^([^=:\s]+)[=:](\d+)%?$/.exec(arg.trim());
    if (!m) return {ok: false, problem: `'${arg}' is not NAME=PERCENT (for example blue=90)`};
    const name = m[1]!;
    if (Object.keys(traffic).some((k) => k.toLowerCase() === name.toLowerCase())) {
      return {ok: false, problem: `${name} is given twice`};
    }
    traffic[name] = Number(m[2]);
  }
  return {ok: true, traffic};
}

/** The canonical names of the deployments in a map (as the endpoint spells them). */
export function canonicalTraffic(
  deployments: Pick<Deployment, 'name'>[],
  map: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(map)) out[findName(deployments, k) ?? k] = v;
  return out;
}

/** Why a deployment cannot be deleted now (it takes live or mirror traffic), or undefined. */
export function deleteProblem(
  name: string,
  traffic: Record<string, number>,
  mirror: Record<string, number>,
): string | undefined {
  const share = (m: Record<string, number>) =>
    Object.entries(m).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? 0;
  const live = share(traffic);
  if (live > 0) return `${name} takes ${live}% of the live traffic`;
  const mirrored = share(mirror);
  if (mirrored > 0) return `${name} receives ${mirrored}% mirror traffic`;
  return undefined;
}
