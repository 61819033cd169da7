/**
 * Clouds: Azure's three public clouds built in, and custom clouds read from a JSON file (the
 * sandbox's `cloud.json` is one). No `@azure/*` import here: the CLI resolves `--cloud` before the
 * first frame, and this module stays light.
 */
import {readFile} from 'node:fs/promises';
import {homedir} from 'node:os';
import {dirname, resolve} from 'node:path';
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
  },
  {
    name: 'AzureChinaCloud',
    resourceManagerEndpoint: 'https://management.chinacloudapi.cn/',
    authorityHost: 'https://login.chinacloudapi.cn',
    managementScope: 'https://management.chinacloudapi.cn/.default',
    mlScope: 'https://ml.azure.cn/.default',
  },
  {
    name: 'AzureUSGovernment',
    resourceManagerEndpoint: 'https://management.usgovcloudapi.net/',
    authorityHost: 'https://login.microsoftonline.us',
    managementScope: 'https://management.usgovcloudapi.net/.default',
    mlScope: 'https://ml.azure.us/.default',
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

const REQUIRED_FIELDS = [
  'name',
  'resourceManagerEndpoint',
  'authorityHost',
  'managementScope',
  'mlScope',
] as const;

/** Reads and checks a custom cloud file. Every problem is one line naming the file and field. */
export async function readCloudFile(path: string): Promise<CloudConfig> {
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
  const scope = (field: 'managementScope' | 'mlScope') => {
    const value = str(field, true)!;
    if (/\s/.test(value)) {
      throw new CloudError(`${where(field)}: a scope has no spaces ('${value}')`, file, field);
    }
    return value;
  };
  const managementScope = scope('managementScope');
  const mlScope = scope('mlScope');
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
 * `--cloud NAME|FILE`: a built-in cloud by name (case-insensitive; AzureCloud when absent) or a
 * custom cloud file. AZURE_AUTHORITY_HOST moves a built-in cloud's authority as it does in the
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
      return await readCloudFile(wanted);
    } catch (err) {
      if (err instanceof CloudError && /no such file/.test(err.message)) {
        throw new CloudError(
          `unknown cloud '${wanted}': use ${CLOUD_NAMES.join(', ')} or the path of a cloud JSON file`,
        );
      }
      throw err;
    }
  }
  return readCloudFile(wanted);
}
