import {
  isInteractive,
  type SignInMethod,
  type SignInParams,
  type TokenCacheInfo,
} from '../../../../domain/types';
import {guidProblem, tenantProblem} from '../../../../domain/validate';

export interface MethodInfo {
  method: SignInMethod;
  label: string;
  /** One line: when to use it. */
  detail: string;
}

export const METHODS: MethodInfo[] = [
  {method: 'cli', label: 'Azure CLI', detail: 'reuse your `az login`'},
  {method: 'device-code', label: 'Device code', detail: 'sign in on any browser with a code'},
  {method: 'browser', label: 'Browser', detail: 'opens the sign-in page on this machine'},
  {
    method: 'service-principal',
    label: 'Service principal (secret)',
    detail: 'app ID + client secret',
  },
  {
    method: 'service-principal-certificate',
    label: 'Service principal (certificate)',
    detail: 'app ID + PEM certificate file',
  },
  {
    method: 'managed-identity',
    label: 'Managed identity',
    detail: 'on an Azure VM, App Service, AKS…',
  },
  {
    method: 'environment',
    label: 'Environment variables',
    detail: 'AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET…',
  },
  {
    method: 'default',
    label: 'DefaultAzureCredential',
    detail: 'try environment, managed identity, CLI… in turn',
  },
];

export type FieldName = 'tenantId' | 'clientId' | 'clientSecret' | 'certificatePath';

export interface FieldSpec {
  name: FieldName;
  label: string;
  required: boolean;
  secret?: boolean;
  placeholder?: string;
  help?: string;
}

const tenant = (required: boolean): FieldSpec => ({
  name: 'tenantId',
  label: 'Tenant',
  required,
  placeholder: required ? 'GUID or domain' : 'optional: GUID or domain',
  help: 'The directory to sign in to; leave empty for your home tenant.',
});

/** The fields each method asks for (none for environment/default: they read AZURE_* themselves). */
export function fieldsFor(method: SignInMethod): FieldSpec[] {
  switch (method) {
    case 'cli':
    case 'device-code':
    case 'browser':
      return [tenant(false)];
    case 'service-principal':
      return [
        tenant(true),
        {
          name: 'clientId',
          label: 'Client ID',
          required: true,
          placeholder: 'application (client) ID',
        },
        {
          name: 'clientSecret',
          label: 'Client secret',
          required: true,
          secret: true,
          help: 'Masked; kept in memory only, never saved.',
        },
      ];
    case 'service-principal-certificate':
      return [
        tenant(true),
        {
          name: 'clientId',
          label: 'Client ID',
          required: true,
          placeholder: 'application (client) ID',
        },
        {
          name: 'certificatePath',
          label: 'Certificate',
          required: true,
          placeholder: 'path to a PEM with the private key',
        },
      ];
    case 'managed-identity':
      return [
        {
          name: 'clientId',
          label: 'Client ID',
          required: false,
          placeholder: 'optional: user-assigned identity',
        },
      ];
    case 'environment':
    case 'default':
      return [];
  }
}

export function fieldProblem(spec: FieldSpec, value: string): string | undefined {
  const v = value.trim();
  if (!v) return spec.required ? `${spec.label} is required.` : undefined;
  if (spec.name === 'tenantId') return tenantProblem(v);
  if (spec.name === 'clientId') return guidProblem(v, 'client ID');
  return undefined;
}

export function formProblems(
  method: SignInMethod,
  values: Partial<Record<FieldName, string>>,
): string[] {
  return fieldsFor(method)
    .map((f) => fieldProblem(f, values[f.name] ?? ''))
    .filter((p): p is string => Boolean(p));
}

export function toParams(values: Partial<Record<FieldName, string>>): SignInParams {
  const out: SignInParams = {};
  for (const [k, v] of Object.entries(values)) {
    if (v && v.trim()) out[k as FieldName] = v.trim();
  }
  return out;
}

/** Which AZURE_* variables are set (names only — never values). */
export function environmentSummary(env: NodeJS.ProcessEnv = process.env): string[] {
  return [
    'AZURE_TENANT_ID',
    'AZURE_CLIENT_ID',
    'AZURE_CLIENT_SECRET',
    'AZURE_CLIENT_CERTIFICATE_PATH',
    'AZURE_USERNAME',
    'AZURE_AUTHORITY_HOST',
  ].map((name) => `${name} ${env[name] ? 'set' : 'not set'}`);
}

/** ~ for the home folder, as a person would write the path. */
function tildePath(path: string, home = process.env.HOME): string {
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}

/** What the signed-in screen says about where tokens live, and how loudly. */
export function tokenCacheNote(
  cache: TokenCacheInfo,
  method: SignInMethod,
): {text: string; warn: boolean} {
  switch (cache.kind) {
    case 'keyring':
      return {
        text: 'Tokens are cached in your OS keyring: the next run signs in silently while a refresh is possible.',
        warn: false,
      };
    case 'plaintext':
      return {
        text: `Tokens are cached UNENCRYPTED in ${tildePath(cache.path ?? '~/.IdentityService')} (readable by you only), as --token-cache plaintext asked${cache.reason ? `: ${cache.reason}` : ''}.`,
        warn: true,
      };
    default:
      return {
        text:
          `Tokens are kept in memory only${cache.reason ? `: ${cache.reason}` : ''}.` +
          (isInteractive(method)
            ? ' The next run asks you to sign in again (the profile remembers who you are).'
            : ''),
        warn: false,
      };
  }
}
