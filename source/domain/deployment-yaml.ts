/**
 * The deployment YAML of Azure ML (`managedOnlineDeployment.schema.json`), read into a
 * DeploymentSpec. Its own module because it loads the YAML parser: the wizard imports it only
 * when a YAML file is chosen. Pure: no I/O.
 */
import {parse as parseYaml, YAMLParseError} from 'yaml';
import {shellQuote} from '../lib/shell';
import {
  DEFAULT_INSTANCE_COUNT,
  DEFAULT_INSTANCE_TYPE,
  type DeploymentSpec,
  newDeploymentNameProblem,
  parseAssetRef,
  type ProbeSpec,
} from './deployments';
// ---------------------------------------------------------------- deployment YAML

/** The keys of `managedOnlineDeployment.schema.json` (top level). */
const YAML_KEYS = [
  '$schema',
  'name',
  'endpoint_name',
  'type',
  'description',
  'tags',
  'properties',
  'model',
  'model_mount_path',
  'code_configuration',
  'environment',
  'environment_variables',
  'instance_type',
  'instance_count',
  'app_insights_enabled',
  'scale_settings',
  'request_settings',
  'liveness_probe',
  'readiness_probe',
  'egress_public_network_access',
  'data_collector',
] as const;
const REQUEST_KEYS = [
  'request_timeout_ms',
  'max_concurrent_requests_per_instance',
  'max_queue_wait_ms',
];
const PROBE_KEYS = ['initial_delay', 'period', 'timeout', 'success_threshold', 'failure_threshold'];
const SCALE_KEYS = [
  'type',
  'min_instances',
  'max_instances',
  'polling_interval',
  'target_utilization_percentage',
];
/** Keys the schema has that this tool does not apply (they need more than a deployment PUT). */
const UNSUPPORTED = ['model_mount_path', 'data_collector', 'properties'];

/** A local file or folder the YAML points at, and what to run to register it first. */
export interface LocalAsset {
  field: string;
  path: string;
  command: string;
}

export type YamlResult =
  | {ok: true; spec: DeploymentSpec}
  | {ok: false; kind: 'invalid'; problem: string}
  | {ok: false; kind: 'localPaths'; locals: LocalAsset[]};

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

class YamlProblem extends Error {}
const problem = (text: string): never => {
  throw new YamlProblem(text);
};

function unknownKeys(obj: Record<string, unknown>, allowed: readonly string[], where: string) {
  const extra = Object.keys(obj).filter((k) => !allowed.includes(k));
  if (extra.length) {
    problem(
      `unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `'${where}${k}'`).join(', ')} (managedOnlineDeployment schema)`,
    );
  }
}

function int(value: unknown, field: string, min: number): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || (value as number) < min) {
    problem(`${field} must be a whole number of at least ${min}, not ${JSON.stringify(value)}`);
  }
  return value as number;
}

function strMap(value: unknown, field: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) problem(`${field} must be a mapping of names to values`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null || typeof v === 'object') problem(`${field}.${k} must be a plain value`);
    out[k] = String(v);
  }
  return out;
}

function probe(value: unknown, field: string): ProbeSpec | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) return problem(`${field} must be a mapping`);
  unknownKeys(value, PROBE_KEYS, `${field}.`);
  const out: ProbeSpec = {};
  const set = (k: keyof ProbeSpec, v: number | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set('initialDelaySeconds', int(value.initial_delay, `${field}.initial_delay`, 0));
  set('periodSeconds', int(value.period, `${field}.period`, 1));
  set('timeoutSeconds', int(value.timeout, `${field}.timeout`, 1));
  set('successThreshold', int(value.success_threshold, `${field}.success_threshold`, 1));
  set('failureThreshold', int(value.failure_threshold, `${field}.failure_threshold`, 1));
  return out;
}

/** An argument as a shell reads it: bare when it is plain, single-quoted otherwise. */
const quote = (s: string) => (/^[\w./:@=+-]+$/.test(s) ? s : shellQuote(s));

/**
 * Reads a deployment YAML in Azure ML's format. References to registered assets are kept for the
 * Services to resolve; local paths (a model folder, a code folder, a conda file, an inline
 * environment) are reported with the `az ml` commands that register them, and nothing else is
 * done with the file. Unknown keys are refused by name. `where` names the workspace for the
 * commands (`-g RG -w WS`).
 */
export function parseDeploymentYaml(
  text: string,
  where: {resourceGroup: string; workspace: string},
): YamlResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, {prettyErrors: true, uniqueKeys: true});
  } catch (err) {
    const msg =
      err instanceof YAMLParseError
        ? `${err.message.split('\n')[0]}`
        : String((err as Error)?.message ?? err);
    return {ok: false, kind: 'invalid', problem: `not valid YAML: ${msg}`};
  }
  try {
    if (!isObj(doc)) return problem('the file is not a YAML mapping of deployment fields');
    unknownKeys(doc, YAML_KEYS, '');
    const used = UNSUPPORTED.filter((k) => doc[k] !== undefined);
    if (used.length) {
      problem(
        `${used.join(', ')} ${used.length > 1 ? 'are' : 'is'} not supported by aml-auth: remove ${used.length > 1 ? 'them' : 'it'} or deploy with az ml online-deployment create`,
      );
    }
    if (doc.type !== undefined && doc.type !== 'managed') {
      problem(`type '${String(doc.type)}' is not supported: only managed online deployments`);
    }
    if (typeof doc.name !== 'string' || !doc.name) problem('name is required');
    const name = doc.name as string;
    const nameIssue = newDeploymentNameProblem(name);
    if (nameIssue) problem(nameIssue);
    if (doc.endpoint_name !== undefined && typeof doc.endpoint_name !== 'string')
      problem('endpoint_name must be a string');

    const g = `-g ${quote(where.resourceGroup)} -w ${quote(where.workspace)}`;
    const locals: LocalAsset[] = [];
    // model
    let model: string | undefined;
    const rawModel = doc.model;
    if (rawModel === undefined || rawModel === null) problem('model is required');
    if (typeof rawModel === 'string') {
      if (parseAssetRef(rawModel)) model = rawModel.trim();
      else
        locals.push({
          field: 'model',
          path: rawModel,
          command: `az ml model create --name ${quote(`${name}-model`)} --version 1 --path ${quote(rawModel)} ${g}`,
        });
    } else if (isObj(rawModel)) {
      const path = typeof rawModel.path === 'string' ? rawModel.path : undefined;
      if (!path) problem('model must be a reference (azureml:name:version) or have a path');
      const mName = typeof rawModel.name === 'string' ? rawModel.name : `${name}-model`;
      const version = rawModel.version !== undefined ? String(rawModel.version) : '1';
      const type = typeof rawModel.type === 'string' ? ` --type ${quote(rawModel.type)}` : '';
      locals.push({
        field: 'model.path',
        path: path!,
        command: `az ml model create --name ${quote(mName)} --version ${quote(version)} --path ${quote(path!)}${type} ${g}`,
      });
    } else problem('model must be a reference (azureml:name:version) or a mapping with a path');

    // environment
    let environment: string | undefined;
    const rawEnv = doc.environment;
    if (typeof rawEnv === 'string') {
      if (!parseAssetRef(rawEnv))
        problem(
          `environment '${rawEnv}' is not a reference: use azureml:name:version, azureml:name@latest or an inline environment`,
        );
      environment = rawEnv.trim();
    } else if (isObj(rawEnv)) {
      const eName = typeof rawEnv.name === 'string' ? rawEnv.name : `${name}-env`;
      const version = rawEnv.version !== undefined ? String(rawEnv.version) : '1';
      const image = typeof rawEnv.image === 'string' ? rawEnv.image : undefined;
      const conda = typeof rawEnv.conda_file === 'string' ? rawEnv.conda_file : undefined;
      const parts = [
        `az ml environment create --name ${quote(eName)} --version ${quote(version)}`,
        ...(image ? [`--image ${quote(image)}`] : []),
        ...(conda ? [`--conda-file ${quote(conda)}`] : []),
        g,
      ];
      locals.push({
        field: conda ? 'environment.conda_file' : 'environment',
        path: conda ?? image ?? '(inline environment)',
        command: parts.join(' '),
      });
    } else if (rawEnv !== undefined && rawEnv !== null) {
      problem('environment must be a reference or an inline environment');
    }

    // code configuration
    let codeConfiguration: DeploymentSpec['codeConfiguration'];
    const cc = doc.code_configuration;
    if (cc !== undefined && cc !== null) {
      if (!isObj(cc)) return problem('code_configuration must be a mapping');
      unknownKeys(cc, ['code', 'scoring_script'], 'code_configuration.');
      if (typeof cc.scoring_script !== 'string' || !cc.scoring_script)
        problem('code_configuration.scoring_script is required');
      const code = typeof cc.code === 'string' ? cc.code : undefined;
      if (code && !parseAssetRef(code)) {
        locals.push({
          field: 'code_configuration.code',
          path: code,
          command: `az ml online-deployment create --file <this file> ${g}   # uploads the code folder; or deploy an MLflow model, which needs no scoring script`,
        });
      }
      codeConfiguration = {
        scoringScript: cc.scoring_script as string,
        ...(code && parseAssetRef(code) ? {code} : {}),
      };
    }

    if (locals.length) return {ok: false, kind: 'localPaths', locals};

    const spec: DeploymentSpec = {
      name,
      model: model!,
      instanceType:
        typeof doc.instance_type === 'string' ? doc.instance_type : DEFAULT_INSTANCE_TYPE,
      instanceCount: int(doc.instance_count, 'instance_count', 1) ?? DEFAULT_INSTANCE_COUNT,
    };
    if (doc.instance_type !== undefined && typeof doc.instance_type !== 'string')
      problem('instance_type must be a string such as Standard_DS3_v2');
    if (typeof doc.endpoint_name === 'string') spec.endpointName = doc.endpoint_name;
    if (environment) spec.environment = environment;
    if (codeConfiguration) spec.codeConfiguration = codeConfiguration;
    if (doc.description !== undefined) spec.description = String(doc.description);
    const tags = strMap(doc.tags, 'tags');
    if (tags) spec.tags = tags;
    const env = strMap(doc.environment_variables, 'environment_variables');
    if (env) spec.environmentVariables = env;
    if (doc.app_insights_enabled !== undefined) {
      if (typeof doc.app_insights_enabled !== 'boolean')
        problem('app_insights_enabled must be true or false');
      spec.appInsightsEnabled = doc.app_insights_enabled as boolean;
    }
    if (doc.egress_public_network_access !== undefined) {
      if (doc.egress_public_network_access !== 'enabled')
        problem('egress_public_network_access: only enabled is supported here');
    }
    const rs = doc.request_settings;
    if (rs !== undefined && rs !== null) {
      if (!isObj(rs)) return problem('request_settings must be a mapping');
      unknownKeys(rs, REQUEST_KEYS, 'request_settings.');
      const settings: NonNullable<DeploymentSpec['requestSettings']> = {};
      const t = int(rs.request_timeout_ms, 'request_settings.request_timeout_ms', 1);
      if (t !== undefined) {
        if (t > 180_000) problem('request_settings.request_timeout_ms is at most 180000');
        settings.requestTimeoutMs = t;
      }
      const c = int(
        rs.max_concurrent_requests_per_instance,
        'request_settings.max_concurrent_requests_per_instance',
        1,
      );
      if (c !== undefined) settings.maxConcurrentRequestsPerInstance = c;
      const q = int(rs.max_queue_wait_ms, 'request_settings.max_queue_wait_ms', 0);
      if (q !== undefined) settings.maxQueueWaitMs = q;
      spec.requestSettings = settings;
    }
    const ss = doc.scale_settings;
    if (ss !== undefined && ss !== null) {
      if (!isObj(ss)) return problem('scale_settings must be a mapping');
      unknownKeys(ss, SCALE_KEYS, 'scale_settings.');
      if (ss.type === 'default' || ss.type === undefined) spec.scaleSettings = {type: 'default'};
      else if (ss.type === 'target_utilization') {
        const s: Extract<DeploymentSpec['scaleSettings'], {type: 'target_utilization'}> = {
          type: 'target_utilization',
        };
        const min = int(ss.min_instances, 'scale_settings.min_instances', 1);
        const max = int(ss.max_instances, 'scale_settings.max_instances', 1);
        const poll = int(ss.polling_interval, 'scale_settings.polling_interval', 1);
        const pct = int(
          ss.target_utilization_percentage,
          'scale_settings.target_utilization_percentage',
          1,
        );
        if (min !== undefined) s.minInstances = min;
        if (max !== undefined) s.maxInstances = max;
        if (poll !== undefined) s.pollingIntervalSeconds = poll;
        if (pct !== undefined) s.targetUtilizationPercentage = pct;
        spec.scaleSettings = s;
      } else
        problem(`scale_settings.type '${String(ss.type)}' is not default or target_utilization`);
    }
    const lp = probe(doc.liveness_probe, 'liveness_probe');
    if (lp) spec.livenessProbe = lp;
    const rp = probe(doc.readiness_probe, 'readiness_probe');
    if (rp) spec.readinessProbe = rp;
    return {ok: true, spec};
  } catch (err) {
    if (err instanceof YamlProblem) return {ok: false, kind: 'invalid', problem: err.message};
    throw err;
  }
}

/** The one message for a YAML with local paths: what is local, that nothing changed, and how to register. */
export function localPathsMessage(locals: LocalAsset[]): {line: string; commands: string[]} {
  const what = locals.map((l) => `${l.field} (${l.path})`).join(', ');
  return {
    line: `the YAML points at local files — ${what}: aml-auth does not upload them, and nothing was changed. Register them first, then reference them as azureml:name:version`,
    commands: locals.map((l) => l.command),
  };
}
