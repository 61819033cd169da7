/**
 * Clouds: Azure's three public clouds built in, clouds registered with `az cloud register` (by
 * name, from az's clouds.config), and custom clouds read from a JSON file — ours (the sandbox's
 * `cloud.json` is one) or the JSON `az cloud show` prints. No `@azure/*` import here: the CLI resolves `--cloud` before the
 * first frame, and this module stays light.
 */
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, resolve} from 'node:path';
import {azConfigDir, readAzContext} from '../lib/az-config';
import {describeJsonError} from '../lib/json';
import type {CloudConfig} from '../domain/types';

/** A cloud that cannot be used as given: a bad name or file. The CLI maps it to exit code 2. */
export class CloudError extends Error {
  override readonly name = 'CloudError';
  /** Exit code of a usage / bad-input failure (see source/commands/exit-codes.ts). */
  readonly exitCode = 2;
  constructor(
    message: string,
    readonly file?: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

type BuiltIn = Omit<CloudConfig, 'custom' | 'file' | 'caPem' | 'caCertFile' | 'tenantId'>;

/** Azure's public clouds, as the Azure CLI (`az cloud show`) and the SDKs know them. */
export const BUILT_IN_CLOUDS: readonly BuiltIn[] = [
  {
    name: 'AzureCloud',
    resourceManagerEndpoint: 'https://management.azure.com/',
    authorityHost: 'https://login.microsoftonline.com',
    managementScope: 'https://management.azure.com/.default',
    mlScope: 'https://ml.azure.com/.default',
    graphEndpoint: 'https://graph.microsoft.com/',
    logAnalyticsEndpoint: 'https://api.loganalytics.io',
    logAnalyticsScope: 'https://api.loganalytics.io/.default',
  },
  {
    name: 'AzureChinaCloud',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn/',
    authorityHost: 'https://login.chinacloudapi.cn',
    managementScope: 'https://management.chinacloudapi.cn/.default',
    mlScope: 'https://ml.azure.cn/.default',
    graphEndpoint: 'https://microsoftgraph.chinacloudapi.cn/',
    logAnalyticsEndpoint: 'https://api.loganalytics.azure.cn',
    logAnalyticsScope: 'https://api.loganalytics.azure.cn/.default',
  },
  {
    name: 'AzureUSGovernment',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net/',
    authorityHost: 'https://login.microsoftonline.us',
    managementScope: 'https://management.usgovcloudapi.net/.default',
    mlScope: 'https://ml.azure.us/.default',
    graphEndpoint: 'https://graph.microsoft.us/',
    logAnalyticsEndpoint: 'https://api.loganalytics.us',
    logAnalyticsScope: 'https://api.loganalytics.us/.default',
  },
];

export const DEFAULT_CLOUD = 'AzureCloud';
export const CLOUD_NAMES = BUILT_IN_CLOUDS.map((c) => c.name);

/** Authority hosts MSAL knows without instance discovery (its hard-coded metadata). */
const KNOWN_AUTHORITY_HOSTS = new Set([
  'login.microsoftonline.com',
  'login.windows.net',
  'login.microsoft.com',
  'sts.windows.net',
  'login.chinacloudapi.cn',
  'login.partner.microsoftonline.cn',
  'login.microsoftonline.us',
  'login.usgovcloudapi.net',
]);

/** True when credentials must skip Entra instance discovery (custom clouds, custom authorities). */
export function needsCustomAuthority(cloud: CloudConfig): boolean {
  if (cloud.custom) return true;
  try {
    return !KNOWN_AUTHORITY_HOSTS.has(new URL(cloud.authorityHost).hostname.toLowerCase());
  } catch {
    return true;
  }
}

/**
 * TLS trust for one cloud's clients: the system roots plus the cloud's CA. `ca` replaces Node's
 * default roots, so both are passed. Undefined when the cloud has no CA of its own.
 * Verification is never switched off.
 */
export function tlsOptionsFor(cloud: CloudConfig): {ca: string[]} | undefined {
  if (!cloud.caPem) return undefined;
  // node:tls (and with it the TLS stack) is loaded when a cloud needs it, not at start-up.
  const {rootCertificates} = process.getBuiltinModule('node:tls');
  return {ca: [...rootCertificates, cloud.caPem]};
}

const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);
const withoutSlash = (url: string) => url.replace(/\/+$/, '');

function httpsUrl(value: string, where: string, file?: string, field?: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CloudError(`${where}: '${value}' is not a URL`, file, field);
  }
  if (url.protocol !== 'https:') {
    throw new CloudError(
      `${where}: '${value}' must be an https:// URL (Entra ID and Resource Manager need TLS)`,
      file,
      field,
    );
  }
  return value;
}

/** AZURE_AUTHORITY_HOST, as the SDKs read it: it moves the authority of a built-in cloud. */
function authorityFromEnv(env: NodeJS.ProcessEnv): string | undefined {
  const value = env.AZURE_AUTHORITY_HOST?.trim();
  if (!value) return undefined;
  return withoutSlash(httpsUrl(value, 'AZURE_AUTHORITY_HOST', undefined, 'AZURE_AUTHORITY_HOST'));
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? homedir() + path.slice(1) : path;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const REQUIRED_FIELDS = [
  'name',
  'resourceManagerEndpoint',
  'authorityHost',
  'managementScope',
  'mlScope',
] as const;

/** The ML audience of a cloud az knows only by its endpoints: China and US Gov by their hosts. */
function mlScopeFor(...urls: (string | undefined)[]): string {
  const hosts = urls.filter(Boolean).join(' ').toLowerCase();
  if (hosts.includes('chinacloudapi.cn')) return 'https://ml.azure.cn/.default';
  if (hosts.includes('usgovcloudapi.net')) return 'https://ml.azure.us/.default';
  return 'https://ml.azure.com/.default';
}

/** `https://management.core.windows.net/` → `https://management.core.windows.net/.default`. */
const defaultScope = (resource: string) => `${withoutSlash(resource)}/.default`;

/** A CA bundle az trusts (REQUESTS_CA_BUNDLE), read for a cloud that came from az. */
async function azCaBundle(
  env: NodeJS.ProcessEnv,
  where: string,
  file?: string,
): Promise<Pick<CloudConfig, 'caCertFile' | 'caPem'>> {
  const bundle = env.REQUESTS_CA_BUNDLE?.trim();
  if (!bundle) return {};
  const caCertFile = resolve(expandHome(bundle));
  try {
    return {caCertFile, caPem: await readFile(caCertFile, 'utf8')};
  } catch (err) {
    throw new CloudError(
      `${where}: REQUESTS_CA_BUNDLE names ${caCertFile}, which cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      file,
      'REQUESTS_CA_BUNDLE',
    );
  }
}

/**
 * A cloud as az describes it — `az cloud show` (camelCase `endpoints`) or a clouds.config section
 * (snake_case `endpoint_…` keys): Resource Manager, the Entra authority (an `/adfs` authority is
 * its host: the tenant goes after it), the management audience. The ML audience is Azure's (China
 * and US Gov by their hosts); a CA from REQUESTS_CA_BUNDLE, the file az itself trusts.
 */
async function cloudFromAz(
  name: string,
  endpoints: {resourceManager?: string; activeDirectory?: string; resourceId?: string},
  where: string,
  env: NodeJS.ProcessEnv,
  file?: string,
): Promise<CloudConfig> {
  const need = (value: string | undefined, field: string) => {
    if (!value?.trim()) throw new CloudError(`${where}: missing '${field}'`, file, field);
    return value.trim();
  };
  const rm = need(endpoints.resourceManager, 'resourceManager');
  const ad = need(endpoints.activeDirectory, 'activeDirectory');
  const resourceManagerEndpoint = withSlash(httpsUrl(rm, `${where}: resourceManager`, file));
  const authorityHost = withoutSlash(httpsUrl(ad, `${where}: activeDirectory`, file)).replace(
    /\/adfs$/i,
    '',
  );
  const cloud: CloudConfig = {
    name,
    resourceManagerEndpoint,
    authorityHost,
    managementScope: defaultScope(endpoints.resourceId?.trim() || resourceManagerEndpoint),
    mlScope: mlScopeFor(resourceManagerEndpoint, authorityHost),
    custom: true,
    ...(await azCaBundle(env, where, file)),
  };
  if (file) cloud.file = file;
  return cloud;
}

/** A cloud registered with `az cloud register`, by name (case-insensitive), if there is one. */
export async function registeredAzCloud(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CloudConfig | undefined> {
  const {clouds} = readAzContext(env);
  const entry = Object.entries(clouds).find(([n]) => n.toLowerCase() === name.toLowerCase());
  if (!entry) return undefined;
  const [registered, section] = entry;
  const file = resolve(azConfigDir(env), 'clouds.config');
  return cloudFromAz(
    registered,
    {
      resourceManager: section.endpoint_resource_manager,
      activeDirectory: section.endpoint_active_directory,
      resourceId: section.endpoint_active_directory_resource_id,
    },
    `az cloud ${registered} (${file})`,
    env,
    // No `file`: a profile names such a cloud by its name (clouds.config is no cloud file).
  );
}

/** Reads and checks a custom cloud file. Every problem is one line naming the file and field. */
export async function readCloudFile(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CloudConfig> {
  const file = resolve(expandHome(path));
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EACCES'
          ? 'permission denied'
          : code === 'EISDIR'
            ? 'it is a folder'
            : (err as Error).message;
    throw new CloudError(`cloud file ${file}: cannot read it (${why})`, file);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CloudError(
      `cloud file ${file}: not valid JSON at ${describeJsonError(text) ?? 'an unknown position'}`,
      file,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CloudError(`cloud file ${file}: expected a JSON object`, file);
  }
  const data = raw as Record<string, unknown>;
  // The JSON `az cloud show` prints (> cloud.json): its endpoints, as az has them.
  if (data.resourceManagerEndpoint === undefined && isRecord(data.endpoints)) {
    const e = data.endpoints;
    const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
    return cloudFromAz(
      typeof data.name === 'string' && data.name.trim() ? data.name.trim() : 'custom',
      {
        resourceManager: text(e.resourceManager),
        activeDirectory: text(e.activeDirectory),
        resourceId: text(e.activeDirectoryResourceId),
      },
      `cloud file ${file} (az cloud show)`,
      env,
      file,
    );
  }
  const str = (field: string, required: boolean): string | undefined => {
    const value = data[field];
    if (value === undefined || value === null || value === '') {
      if (required) {
        throw new CloudError(`cloud file ${file}: missing field '${field}'`, file, field);
      }
      return undefined;
    }
    if (typeof value !== 'string') {
      throw new CloudError(`cloud file ${file}: field '${field}' must be a string`, file, field);
    }
    return value.trim();
  };
  for (const field of REQUIRED_FIELDS) str(field, true);
  const where = (field: string) => `cloud file ${file}: field '${field}'`;
  const resourceManagerEndpoint = withSlash(
    httpsUrl(
      str('resourceManagerEndpoint', true)!,
      where('resourceManagerEndpoint'),
      file,
      'resourceManagerEndpoint',
    ),
  );
  const authorityHost = withoutSlash(
    httpsUrl(str('authorityHost', true)!, where('authorityHost'), file, 'authorityHost'),
  );
  const scope = (field: 'managementScope' | 'mlScope' | 'logAnalyticsScope', required = true) => {
    const value = str(field, required);
    if (value === undefined) return undefined;
    if (/\s/.test(value)) {
      throw new CloudError(`${where(field)}: a scope has no spaces ('${value}')`, file, field);
    }
    return value;
  };
  const managementScope = scope('managementScope')!;
  const mlScope = scope('mlScope')!;
  const logAnalyticsField = str('logAnalyticsEndpoint', false);
  const logAnalyticsEndpoint = logAnalyticsField
    ? withoutSlash(
        httpsUrl(logAnalyticsField, where('logAnalyticsEndpoint'), file, 'logAnalyticsEndpoint'),
      )
    : undefined;
  const logAnalyticsScope = scope('logAnalyticsScope', false);
  if (logAnalyticsEndpoint && !logAnalyticsScope) {
    throw new CloudError(
      `cloud file ${file}: field 'logAnalyticsEndpoint' needs 'logAnalyticsScope' beside it (e.g. https://api.loganalytics.io/.default)`,
      file,
      'logAnalyticsScope',
    );
  }
  const tenantId = str('tenantId', false);

  const cloud: CloudConfig = {
    name: str('name', true)!,
    resourceManagerEndpoint,
    authorityHost,
    managementScope,
    mlScope,
    file,
    custom: true,
  };
  if (tenantId) cloud.tenantId = tenantId;
  const graph = str('graphEndpoint', false);
  if (graph)
    cloud.graphEndpoint = withSlash(httpsUrl(graph, where('graphEndpoint'), file, 'graphEndpoint'));
  const graphScope = str('graphScope', false);
  if (graphScope) cloud.graphScope = graphScope;
  if (logAnalyticsEndpoint && logAnalyticsScope) {
    cloud.logAnalyticsEndpoint = logAnalyticsEndpoint;
    cloud.logAnalyticsScope = logAnalyticsScope;
  }
  // Optional and informational: entries that are not {objectId, name} strings are left out.
  const known = [
    ...(Array.isArray(data.principals) ? data.principals : []),
    ...(Array.isArray(data.managedIdentities) ? data.managedIdentities : []),
  ].flatMap((p: unknown) => {
    const e = p as {objectId?: unknown; name?: unknown} | null;
    return e && typeof e.objectId === 'string' && typeof e.name === 'string'
      ? [{objectId: e.objectId, name: e.name}]
      : [];
  });
  if (known.length) cloud.principals = known;
  const caField = str('caCertFile', false);
  if (caField) {
    const caCertFile = resolve(dirname(file), expandHome(caField));
    let pem: string;
    try {
      pem = await readFile(caCertFile, 'utf8');
    } catch (err) {
      throw new CloudError(
        `${where('caCertFile')}: cannot read ${caCertFile} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        file,
        'caCertFile',
      );
    }
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new CloudError(
        `${where('caCertFile')}: ${caCertFile} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
        file,
        'caCertFile',
      );
    }
    cloud.caCertFile = caCertFile;
    cloud.caPem = pem;
  }
  return cloud;
}

/**
 * `--cloud NAME|FILE`: a built-in cloud by name (case-insensitive; AzureCloud when absent), a
 * cloud file (ours or `az cloud show`'s), or a cloud registered with `az cloud register` by its
 * name (a file of that name in the current folder comes first, as before). AZURE_AUTHORITY_HOST moves a built-in cloud's authority as it does in the
 * SDKs; a custom file's own `authorityHost` is explicit and wins, as an option does in the SDKs.
 */
export async function resolveCloud(
  nameOrFile: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<CloudConfig> {
  const wanted = nameOrFile?.trim() || DEFAULT_CLOUD;
  const builtIn = BUILT_IN_CLOUDS.find((c) => c.name.toLowerCase() === wanted.toLowerCase());
  if (builtIn) {
    return {
      ...builtIn,
      authorityHost: authorityFromEnv(env) ?? builtIn.authorityHost,
      custom: false,
    };
  }
  const looksLikePath = /[/\\]/.test(wanted) || /\.json$/i.test(wanted) || wanted.startsWith('~');
  if (!looksLikePath) {
    try {
      return await readCloudFile(wanted, env);
    } catch (err) {
      if (err instanceof CloudError && /no such file/.test(err.message)) {
        const registered = await registeredAzCloud(wanted, env);
        if (registered) return registered;
        throw new CloudError(
          `unknown cloud '${wanted}': use ${CLOUD_NAMES.join(', ')}, a cloud registered with az cloud register, or the path of a cloud JSON file`,
        );
      }
      throw err;
    }
  }
  return readCloudFile(wanted, env);
}
