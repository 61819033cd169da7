/**
 * `aml-auth deployments list|show|create|traffic|logs|delete`: an endpoint's online deployments,
 * as `az ml online-deployment` and `az ml online-endpoint update --traffic` do them. Each command
 * builds one JSON-able value and its text rendering; mutating ones wait for the operation (progress
 * on stderr) unless --no-wait.
 */
import {readFile} from 'node:fs/promises';
import {
  CONTAINER_TYPES,
  type ContainerType,
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_LOG_LINES,
  type DeploymentSpec,
  NEW_DEPLOYMENT_NAME_RULE,
  newDeploymentNameProblem,
  parseAssetRef,
  parseTrafficArgs,
} from '../domain/deployments';
import {localPathsMessage, parseDeploymentYaml} from '../domain/deployment-yaml';
import type {Deployment, Endpoint, OperationProgress} from '../domain/types';
import {formatElapsed} from '../lib/time';
import {visible, visibleText} from '../lib/visible';
import {CliError, ExitCode} from './exit-codes';
import {rows, table} from './output';
import {
  assertName,
  loadTarget,
  openEndpoint,
  runCommand,
  type CommonFlags,
  type Runtime,
} from './runtime';

export interface DeploymentsFlags extends CommonFlags {
  wait?: boolean;
}

export interface CreateFlags extends DeploymentsFlags {
  file?: string;
  model?: string;
  environment?: string;
  instanceType?: string;
  instanceCount?: string;
  allTraffic?: boolean;
}

export interface TrafficFlags extends DeploymentsFlags {
  mirror?: string[];
}

export interface LogsFlags extends CommonFlags {
  container?: string;
  lines?: string;
}

export interface DeleteFlags extends DeploymentsFlags {
  yes?: boolean;
}

// ---------------------------------------------------------------- values and text

/** A deployment in the commands' JSON: every field present (null when unknown). */
export function deploymentJson(d: Deployment) {
  return {
    name: d.name,
    provisioningState: d.provisioningState ?? null,
    trafficPercent: d.trafficPercent,
    mirrorPercent: d.mirrorPercent ?? 0,
    model: d.model ?? null,
    modelId: d.modelId ?? null,
    environment: d.environment ?? null,
    instanceType: d.instanceType ?? null,
    instanceCount: d.instanceCount ?? null,
    scaleType: d.scaleType ?? null,
    scaleRange: d.scaleRange ?? null,
    requestTimeoutMs: d.requestTimeoutMs ?? null,
    maxConcurrentRequestsPerInstance: d.maxConcurrentRequestsPerInstance ?? null,
  };
}

const endpointJson = (e: Endpoint) => ({
  subscriptionId: e.subscriptionId,
  resourceGroup: e.resourceGroup,
  workspace: e.workspace,
  name: e.endpoint,
  traffic: e.traffic,
  mirrorTraffic: e.mirrorTraffic ?? {},
  provisioningState: e.provisioningState,
});

const instances = (d: Deployment) =>
  d.instanceType ? `${d.instanceType} × ${d.instanceCount ?? '?'}` : '—';

export function listText(e: Endpoint, list: Deployment[]): string {
  if (list.length === 0) {
    return `Endpoint ${visible(e.endpoint)} has no deployments.\n  create one: aml-auth deployments create NAME --model azureml:MODEL:VERSION --all-traffic`;
  }
  return table(
    ['NAME', 'STATE', 'TRAFFIC', 'MIRROR', 'INSTANCES', 'MODEL', 'ENVIRONMENT'],
    list.map((d) => [
      d.name,
      d.provisioningState ?? '—',
      `${d.trafficPercent}%`,
      d.mirrorPercent ? `${d.mirrorPercent}%` : '—',
      instances(d),
      d.model ?? '—',
      d.environment ?? '—',
    ]),
  );
}

export function showText(d: Deployment): string {
  const scale =
    d.scaleType === 'TargetUtilization'
      ? `target utilization (${d.scaleRange?.min ?? '?'}–${d.scaleRange?.max ?? '?'} instances)`
      : (d.scaleType ?? 'Default').toLowerCase();
  const pairs: [string, string][] = [
    ['deployment', d.name],
    ['state', d.provisioningState ?? '—'],
    ['traffic', `${d.trafficPercent}%`],
    ['mirror traffic', `${d.mirrorPercent ?? 0}%`],
    ['instances', instances(d)],
    ['model', d.model ?? '—'],
    ['environment', d.environment ?? '—'],
    ['scale', scale],
    ['request timeout', d.requestTimeoutMs !== undefined ? `${d.requestTimeoutMs} ms` : '—'],
    [
      'max concurrent',
      d.maxConcurrentRequestsPerInstance !== undefined
        ? `${d.maxConcurrentRequestsPerInstance} per instance`
        : '—',
    ],
  ];
  return rows(
    pairs.map(([k, v]) => [k, visible(v)]),
    '',
  );
}

const trafficText = (map: Record<string, number>) =>
  Object.entries(map)
    .map(([k, v]) => `${visible(k)}=${v}`)
    .join(' ') || 'none';

/** Progress of a long-running operation on stderr: each new state, and every 10 s. */
function progressNote(rt: Runtime, what: string): (p: OperationProgress) => void {
  let last = '';
  let bucket = -1;
  return (p) => {
    const tick = Math.floor(p.elapsedMs / 10_000);
    if (p.provisioningState === last && tick === bucket) return;
    last = p.provisioningState;
    bucket = tick;
    rt.note(`aml-auth: ${what}: ${visible(p.provisioningState)} (${formatElapsed(p.elapsedMs)})`);
  };
}

function nameArg(name: string | undefined, what: string): string {
  if (!name) throw new CliError(`which deployment? ${what}`, ExitCode.usage);
  assertName('deployment', name);
  return name;
}

function positiveInt(value: string | undefined, flag: string, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) {
    throw new CliError(
      `${flag} '${value}' is not a whole number from 1${max < Number.MAX_SAFE_INTEGER ? ` to ${max}` : ''}`,
      ExitCode.usage,
    );
  }
  return Number(value);
}

const waits = (flags: DeploymentsFlags) => flags.wait !== false;

// ---------------------------------------------------------------- list, show

export function runDeploymentsList(flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const {services, ref, endpoint} = await openEndpoint(rt);
    const list = await services.listDeployments(ref, rt.signal);
    rt.emit(
      {endpoint: endpointJson(endpoint), deployments: list.map(deploymentJson)},
      {text: () => listText(endpoint, list)},
    );
  });
}

export function runDeploymentsShow(name: string | undefined, flags: CommonFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const deployment = nameArg(name, 'aml-auth deployments show NAME');
    const {services, ref} = await openEndpoint(rt);
    const d = await services.getDeployment(ref, deployment, rt.signal);
    rt.emit(deploymentJson(d), {text: () => showText(d)});
  });
}

// ---------------------------------------------------------------- create

/** The deployment to create from the flags, or from --file (flags given override the file). */
async function specFrom(
  rt: Runtime,
  name: string | undefined,
  flags: CreateFlags,
): Promise<DeploymentSpec> {
  const count = positiveInt(flags.instanceCount, '--instance-count', 1000);
  if (flags.file) {
    let text: string;
    try {
      text = await readFile(flags.file, 'utf8');
    } catch (err) {
      throw new CliError(
        `cannot read ${flags.file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
        ExitCode.usage,
        'pass --file with the path of a deployment YAML',
      );
    }
    // Before any sign-in: a file this tool cannot apply changes nothing.
    const {target} = await loadTarget(rt, []);
    const where = {
      resourceGroup: target.resourceGroup ?? '<resource-group>',
      workspace: target.workspace ?? '<workspace>',
    };
    const parsed = parseDeploymentYaml(text, where);
    if (!parsed.ok && parsed.kind === 'localPaths') {
      const {line, commands} = localPathsMessage(parsed.locals);
      throw new CliError(line, ExitCode.usage, commands.join('\n        '));
    }
    if (!parsed.ok) {
      throw new CliError(
        `${flags.file}: ${parsed.problem}`,
        ExitCode.usage,
        'the managedOnlineDeployment YAML of Azure ML (name, model: azureml:NAME:VERSION, instance_type, …)',
      );
    }
    const spec = parsed.spec;
    if (name && name !== spec.name) spec.name = name;
    if (spec.endpointName) {
      const named = spec.endpointName;
      if (rt.flags.endpoint) {
        if (rt.flags.endpoint.toLowerCase() !== named.toLowerCase())
          rt.warn(
            `${flags.file} names endpoint ${visible(named)}; --endpoint ${visible(rt.flags.endpoint)} wins`,
          );
      } else {
        if (target.endpoint && target.endpoint.toLowerCase() !== named.toLowerCase())
          rt.warn(
            `${flags.file} names endpoint ${visible(named)}, not the profile's ${visible(target.endpoint)}: deploying to ${visible(named)} (--endpoint chooses)`,
          );
        rt.flags.endpoint = named;
      }
    }
    if (flags.model) spec.model = flags.model;
    if (flags.environment) spec.environment = flags.environment;
    if (flags.instanceType) spec.instanceType = flags.instanceType;
    if (count !== undefined) spec.instanceCount = count;
    return spec;
  }
  if (!name)
    throw new CliError('which deployment? aml-auth deployments create NAME', ExitCode.usage);
  if (!flags.model) {
    throw new CliError(
      '--model is required (or --file deployment.yml)',
      ExitCode.usage,
      'a registered model: --model azureml:NAME:VERSION or azureml:NAME@latest',
    );
  }
  return {
    name,
    model: flags.model,
    ...(flags.environment ? {environment: flags.environment} : {}),
    instanceType: flags.instanceType ?? DEFAULT_INSTANCE_TYPE,
    instanceCount: count ?? DEFAULT_INSTANCE_COUNT,
  };
}

export function runDeploymentsCreate(name: string | undefined, flags: CreateFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const spec = await specFrom(rt, name, flags);
    const issue = newDeploymentNameProblem(spec.name);
    if (issue) throw new CliError(issue, ExitCode.usage, NEW_DEPLOYMENT_NAME_RULE);
    for (const [flag, value] of [
      ['--model', spec.model],
      ['--environment', spec.environment],
    ] as const) {
      if (value !== undefined && !parseAssetRef(value)) {
        throw new CliError(
          `${flag} '${value}' is not a registered asset reference`,
          ExitCode.usage,
          `use azureml:NAME:VERSION or azureml:NAME@latest; register a local ${flag === '--model' ? 'model first: az ml model create --name NAME --path PATH' : 'environment first: az ml environment create --name NAME --image IMAGE'}`,
        );
      }
    }
    if (flags.allTraffic && !waits(flags)) {
      throw new CliError(
        '--all-traffic needs the deployment to be created first',
        ExitCode.usage,
        'drop --no-wait, or set the traffic later: aml-auth deployments traffic NAME=100',
      );
    }
    const {services, ref} = await openEndpoint(rt);
    const d = await services.createDeployment(
      ref,
      spec,
      {allTraffic: Boolean(flags.allTraffic), noWait: !waits(flags)},
      progressNote(rt, `creating ${spec.name}`),
      rt.signal,
    );
    rt.emit({...deploymentJson(d), waited: waits(flags)}, {text: () => showText(d)});
    if (!waits(flags)) {
      rt.note(
        `aml-auth: not waiting: follow it with aml-auth deployments show ${visible(spec.name)}`,
      );
    } else if (d.trafficPercent === 0) {
      rt.note(
        `aml-auth: ${visible(spec.name)} takes no traffic yet: aml-auth deployments traffic ${visible(spec.name)}=100 (or a split)`,
      );
    }
  });
}

// ---------------------------------------------------------------- traffic

export function runDeploymentsTraffic(split: string[], flags: TrafficFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const live = parseTrafficArgs(split);
    if (!live.ok)
      throw new CliError(
        `traffic: ${live.problem}`,
        ExitCode.usage,
        'for example: blue=90 green=10',
      );
    const stopMirror = (flags.mirror ?? []).some((m) => m.trim().toLowerCase() === 'none');
    const mirror = parseTrafficArgs(
      (flags.mirror ?? []).filter((m) => m.trim().toLowerCase() !== 'none'),
    );
    if (!mirror.ok)
      throw new CliError(
        `--mirror: ${mirror.problem}`,
        ExitCode.usage,
        'for example: --mirror green=10 (--mirror none to stop)',
      );
    const {services, ref, endpoint} = await openEndpoint(rt);
    const changing = split.length > 0 || (flags.mirror ?? []).length > 0;
    let result = endpoint;
    if (changing) {
      result = await services.setTraffic(
        ref,
        {
          ...(split.length ? {traffic: live.traffic} : {}),
          ...((flags.mirror ?? []).length ? {mirrorTraffic: stopMirror ? {} : mirror.traffic} : {}),
        },
        {noWait: !waits(flags)},
        progressNote(rt, `updating the traffic of ${endpoint.endpoint}`),
        rt.signal,
      );
    }
    rt.emit(
      {...endpointJson(result), changed: changing, waited: changing && waits(flags)},
      {
        text: () =>
          rows(
            [
              ['endpoint', visible(result.endpoint)],
              ['traffic', trafficText(result.traffic)],
              ['mirror', trafficText(result.mirrorTraffic ?? {})],
              ['state', visible(result.provisioningState)],
            ],
            '',
          ),
      },
    );
  });
}

// ---------------------------------------------------------------- logs

export function runDeploymentsLogs(name: string | undefined, flags: LogsFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const deployment = nameArg(name, 'aml-auth deployments logs NAME');
    const container = (flags.container ?? 'inference-server') as ContainerType;
    if (!CONTAINER_TYPES.includes(container)) {
      throw new CliError(
        `--container '${flags.container}' is not a container of a deployment`,
        ExitCode.usage,
        `use ${CONTAINER_TYPES.join(' or ')}`,
      );
    }
    const lines = positiveInt(flags.lines, '--lines', 10_000) ?? DEFAULT_LOG_LINES;
    const {services, ref} = await openEndpoint(rt);
    const content = await services.deploymentLogs(ref, deployment, {container, lines}, rt.signal);
    if (rt.format === 'text' && !content.trim()) {
      rt.note(`aml-auth: the ${container} log of ${visible(deployment)} is empty`);
      return;
    }
    rt.emit(
      {deployment, container, lines, content},
      {
        // Log lines come from the service: shown, never sent raw to the terminal.
        text: () =>
          content
            .split('\n')
            .map((l) => visibleText(l))
            .join('\n'),
      },
    );
  });
}

// ---------------------------------------------------------------- delete

export function runDeploymentsDelete(name: string | undefined, flags: DeleteFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const deployment = nameArg(name, 'aml-auth deployments delete NAME --yes');
    if (!flags.yes) {
      throw new CliError(
        `deleting deployment ${deployment} needs --yes`,
        ExitCode.usage,
        'this deletes the deployment and its instances; there is no undo',
      );
    }
    const {services, ref} = await openEndpoint(rt);
    await services.deleteDeployment(
      ref,
      deployment,
      {noWait: !waits(flags)},
      progressNote(rt, `deleting ${deployment}`),
      rt.signal,
    );
    rt.emit(
      {deployment, deleted: waits(flags), waited: waits(flags)},
      {
        text: () =>
          waits(flags)
            ? `Deleted deployment ${visible(deployment)}.`
            : `Deleting deployment ${visible(deployment)} (not waiting).`,
      },
    );
  });
}
