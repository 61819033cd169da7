/**
 * Azure CLI's own context, read from its files as az writes them, in `$AZURE_CONFIG_DIR`
 * (default `~/.azure`):
 * - `config` (INI): `[defaults]` from `az configure --defaults group=… workspace=… location=…`,
 *   `[cloud] name` from `az cloud set`. az lets `AZURE_{SECTION}_{KEY}` override any of it
 *   (`AZURE_DEFAULTS_GROUP`, `AZURE_CLOUD_NAME`), and so do we.
 * - `clouds.config` (INI): one section per cloud registered with `az cloud register`
 *   (`endpoint_resource_manager`, `endpoint_active_directory`, …, and the cloud's
 *   `subscription` after `az account set`).
 * - `azureProfile.json` (UTF-8 with a BOM): the subscriptions of `az login`, the default one
 *   `isDefault`, each with its cloud (`environmentName`).
 * Reading never fails: a missing or unreadable file is an empty context (az's context is a
 * convenience, never a requirement).
 */
import {readFileSync} from 'node:fs';
import {homedir} from 'node:os';
import {join} from 'node:path';

export type IniSections = Record<string, Record<string, string>>;

/**
 * INI as Python's configparser reads az's files: `[section]`, `key = value` or `key: value`,
 * `#`/`;` comment lines; keys case-insensitive (lower-cased here), section names as written.
 */
export function parseIni(text: string): IniSections {
  const sections: IniSections = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      current = sections[header[1]!.trim()] ??= {};
      continue;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (pair && current) current[pair[1]!.toLowerCase()] = pair[2]!;
  }
  return sections;
}

export interface AzSubscription {
  id: string;
  name: string;
  tenantId?: string;
  isDefault: boolean;
  /** The cloud it belongs to (`AzureCloud`, or a registered cloud's name). */
  environmentName?: string;
}

export interface AzContext {
  /** Where it was read from. */
  configDir: string;
  /** `az configure --defaults` (env `AZURE_DEFAULTS_*` over the file). */
  defaults: {group?: string; workspace?: string; location?: string};
  /** az's active cloud (`az cloud set`; env `AZURE_CLOUD_NAME` over the file). */
  activeCloud?: string;
  /** Clouds registered with `az cloud register`, by name, their keys as clouds.config has them. */
  clouds: IniSections;
  /** `az login`'s subscriptions (azureProfile.json). */
  subscriptions: AzSubscription[];
}

export function azConfigDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.AZURE_CONFIG_DIR?.trim();
  return dir ? dir.replace(/^~(?=$|\/)/, homedir()) : join(homedir(), '.azure');
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

const nonEmpty = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t ? t : undefined;
};

/** azureProfile.json's subscriptions; nothing when the file is missing or not az's shape. */
export function parseAzureProfile(text: string | undefined): AzSubscription[] {
  if (!text) return [];
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return [];
  }
  const subs = (data as {subscriptions?: unknown} | null)?.subscriptions;
  if (!Array.isArray(subs)) return [];
  const out: AzSubscription[] = [];
  for (const s of subs as Record<string, unknown>[]) {
    if (typeof s?.id !== 'string') continue;
    const sub: AzSubscription = {
      id: s.id,
      name: typeof s.name === 'string' ? s.name : s.id,
      isDefault: s.isDefault === true,
    };
    if (typeof s.tenantId === 'string') sub.tenantId = s.tenantId;
    if (typeof s.environmentName === 'string') sub.environmentName = s.environmentName;
    out.push(sub);
  }
  return out;
}

/** az's context as its files and environment hold it now. */
export function readAzContext(env: NodeJS.ProcessEnv = process.env): AzContext {
  const configDir = azConfigDir(env);
  const config = parseIni(readText(join(configDir, 'config')) ?? '');
  const fileDefaults = config.defaults ?? {};
  const pick = (key: 'group' | 'workspace' | 'location') =>
    nonEmpty(env[`AZURE_DEFAULTS_${key.toUpperCase()}`]) ?? nonEmpty(fileDefaults[key]);
  const defaults: AzContext['defaults'] = {};
  for (const key of ['group', 'workspace', 'location'] as const) {
    const value = pick(key);
    if (value) defaults[key] = value;
  }
  const context: AzContext = {
    configDir,
    defaults,
    clouds: parseIni(readText(join(configDir, 'clouds.config')) ?? ''),
    subscriptions: parseAzureProfile(readText(join(configDir, 'azureProfile.json'))),
  };
  const activeCloud = nonEmpty(env.AZURE_CLOUD_NAME) ?? nonEmpty(config.cloud?.name);
  if (activeCloud) context.activeCloud = activeCloud;
  return context;
}

/** az's default subscription for a cloud (the active one when not named): `az account show`. */
export function azDefaultSubscription(
  context: AzContext,
  cloud = context.activeCloud ?? 'AzureCloud',
): AzSubscription | undefined {
  const inCloud = context.subscriptions.filter(
    (s) => (s.environmentName ?? 'AzureCloud').toLowerCase() === cloud.toLowerCase(),
  );
  // az keeps the cloud's chosen subscription in clouds.config too (az account set).
  const section = Object.entries(context.clouds).find(
    ([name]) => name.toLowerCase() === cloud.toLowerCase(),
  )?.[1];
  const chosen = section?.subscription;
  return (
    (chosen ? inCloud.find((s) => s.id.toLowerCase() === chosen.toLowerCase()) : undefined) ??
    inCloud.find((s) => s.isDefault)
  );
}
