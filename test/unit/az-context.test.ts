import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, it} from 'vitest';
import {CloudError, readCloudFile, resolveCloud} from '../../source/azure/clouds';
import {mergeSelectors} from '../../source/commands/selectors';
import {
  azDefaultSubscription,
  parseIni,
  readAzContext,
  type AzContext,
} from '../../source/lib/az-config';
import type {Profile} from '../../source/profiles/types';

// Azure CLI's context as az 2.x writes it: the files below are what `az cloud register`,
// `az cloud set`, `az login --service-principal` and `az configure --defaults` left in an
// AZURE_CONFIG_DIR (recorded from the Debian azure-cli package against the sandbox; the e2e test
// test/e2e/az-context.test.ts makes them with a live az).

const SUB = 'c56e867a-eda2-56a6-8c25-0df8dc14dfd4';
const PROD = 'd401e6cf-ac75-57e7-a6b9-b0f1b41db9a4';
const ENV_SUB = '0b1c2d3e-4f50-4617-8283-94a5b6c7d8e9';

const CONFIG = `[cloud]
name = AmlAuthSandbox

[defaults]
group = rg-ws-dev
workspace = ws-dev
location = eastus

`;

const CLOUDS = `[AmlAuthSandbox]
endpoint_resource_manager = https://127.0.0.1:46505/
endpoint_gallery = https://127.0.0.1:46505/
endpoint_active_directory = https://127.0.0.1:46505/adfs
endpoint_active_directory_resource_id = https://management.core.windows.net/
endpoint_active_directory_graph_resource_id = https://graph.windows.net/
subscription = ${SUB}

`;

const PROFILE = `\uFEFF${JSON.stringify({
  subscriptions: [
    {
      id: PROD,
      name: 'Sandbox Prod',
      state: 'Enabled',
      user: {name: 'app', type: 'servicePrincipal'},
      isDefault: false,
      tenantId: 't',
      environmentName: 'AmlAuthSandbox',
    },
    {
      id: SUB,
      name: 'Sandbox Dev',
      state: 'Enabled',
      user: {name: 'app', type: 'servicePrincipal'},
      isDefault: true,
      tenantId: 't',
      environmentName: 'AmlAuthSandbox',
      homeTenantId: 't',
      managedByTenants: [],
    },
  ],
})}`;

const work = mkdtempSync(join(tmpdir(), 'aml-auth-az-context-'));
afterAll(() => rmSync(work, {recursive: true, force: true}));

function azDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(work, 'az-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const full = () => azDir({config: CONFIG, 'clouds.config': CLOUDS, 'azureProfile.json': PROFILE});

describe("reading az's files", () => {
  it('parses INI as configparser does: sections, = and :, comments, keys in any case', () => {
    expect(parseIni('# c\n[defaults]\nGroup = rg-a\n; x\nworkspace: ws-b\n[x]\nk=v=w\n')).toEqual({
      defaults: {group: 'rg-a', workspace: 'ws-b'},
      x: {k: 'v=w'},
    });
  });

  it("reads az configure --defaults, az's active cloud, its clouds and az login's subscriptions", () => {
    const ctx = readAzContext({AZURE_CONFIG_DIR: full()});
    expect(ctx.defaults).toEqual({group: 'rg-ws-dev', workspace: 'ws-dev', location: 'eastus'});
    expect(ctx.activeCloud).toBe('AmlAuthSandbox');
    expect(Object.keys(ctx.clouds)).toEqual(['AmlAuthSandbox']);
    expect(ctx.subscriptions.map((s) => [s.name, s.isDefault])).toEqual([
      ['Sandbox Prod', false],
      ['Sandbox Dev', true],
    ]);
    expect(azDefaultSubscription(ctx)?.id).toBe(SUB);
  });

  it('AZURE_DEFAULTS_* and AZURE_CLOUD_NAME override the file, as in az', () => {
    const ctx = readAzContext({
      AZURE_CONFIG_DIR: full(),
      AZURE_DEFAULTS_GROUP: 'rg-env',
      AZURE_DEFAULTS_WORKSPACE: 'ws-env',
      AZURE_CLOUD_NAME: 'AzureCloud',
    });
    expect(ctx.defaults).toEqual({group: 'rg-env', workspace: 'ws-env', location: 'eastus'});
    expect(ctx.activeCloud).toBe('AzureCloud');
    // No subscription of az login belongs to AzureCloud.
    expect(azDefaultSubscription(ctx)).toBeUndefined();
  });

  it('a missing folder, or files that are not az’s, are an empty context, never a failure', () => {
    expect(readAzContext({AZURE_CONFIG_DIR: join(work, 'nowhere')})).toMatchObject({
      defaults: {},
      clouds: {},
      subscriptions: [],
    });
    const junk = azDir({config: '\u0000\u0001', 'azureProfile.json': '{not json'});
    expect(readAzContext({AZURE_CONFIG_DIR: junk}).subscriptions).toEqual([]);
  });
});

const profile = (): Profile => ({
  name: 'dev',
  cloud: '/tmp/cloud.json',
  tenantId: 'contoso.sandbox',
  signIn: {method: 'service-principal', clientId: 'app-1'},
  subscription: {id: SUB, name: 'Sandbox Dev'},
  resourceGroup: 'rg-profile',
  workspace: 'ws-profile',
  endpoint: 'churn-scorer',
  authMode: 'key',
  createdAt: '2025-01-01T00:00:00.000Z',
  lastUsedAt: '2025-01-01T00:00:00.000Z',
});

describe('precedence: flag > profile > environment > az defaults', () => {
  const az = (): AzContext => readAzContext({AZURE_CONFIG_DIR: full()});

  it('az defaults fill the workspace, group and location when nothing else does', () => {
    const t = mergeSelectors(undefined, {endpoint: 'churn-scorer'}, {az: az()});
    expect(t).toMatchObject({workspace: 'ws-dev', resourceGroup: 'rg-ws-dev', location: 'eastus'});
    expect(t.sources).toMatchObject({workspace: 'az', resourceGroup: 'az'});
    // Not the subscription: az's default one is for az's own sign-in only.
    expect(t.subscriptionId).toBeUndefined();
  });

  it("with --auth-method cli, az's active cloud and its default subscription", () => {
    const t = mergeSelectors(undefined, {authMethod: 'cli'}, {az: az()});
    expect(t.cloud).toBe('AmlAuthSandbox');
    expect(t.subscriptionId).toBe(SUB);
    expect(t.sources).toMatchObject({cloud: 'az', subscription: 'az'});
  });

  it('AZURE_SUBSCRIPTION_ID beats az login’s default; a name is looked up like --subscription', () => {
    const env = {AZURE_SUBSCRIPTION_ID: ENV_SUB};
    const t = mergeSelectors(undefined, {authMethod: 'cli'}, {env, az: az()});
    expect(t.subscriptionId).toBe(ENV_SUB);
    expect(t.sources.subscription).toBe('environment');
    const byName = mergeSelectors(undefined, {}, {env: {AZURE_SUBSCRIPTION_ID: 'Sandbox Prod'}});
    expect(byName.subscriptionName).toBe('Sandbox Prod');
  });

  it('a profile beats the environment and az; a flag beats them all', () => {
    const ambient = {env: {AZURE_SUBSCRIPTION_ID: ENV_SUB}, az: az()};
    const t = mergeSelectors(profile(), {}, ambient);
    expect(t).toMatchObject({
      subscriptionId: SUB,
      resourceGroup: 'rg-profile',
      workspace: 'ws-profile',
      cloud: '/tmp/cloud.json',
    });
    const f = mergeSelectors(
      profile(),
      {subscription: PROD, resourceGroup: 'rg-flag', workspace: 'ws-flag', cloud: 'AzureCloud'},
      ambient,
    );
    expect(f).toMatchObject({
      subscriptionId: PROD,
      resourceGroup: 'rg-flag',
      workspace: 'ws-flag',
      cloud: 'AzureCloud',
    });
    expect(f.sources).toMatchObject({
      subscription: 'flag',
      resourceGroup: 'flag',
      workspace: 'flag',
      cloud: 'flag',
    });
    const noProfile = mergeSelectors(
      undefined,
      {subscription: PROD, workspace: 'ws-flag', authMethod: 'cli'},
      ambient,
    );
    expect(noProfile).toMatchObject({
      subscriptionId: PROD,
      workspace: 'ws-flag',
      resourceGroup: 'rg-ws-dev',
    });
  });

  it("a profile's workspace named again by flag keeps the profile's context, not az's group", () => {
    const t = mergeSelectors(profile(), {workspace: 'ws-other'}, {az: az()});
    expect(t.workspace).toBe('ws-other');
    expect(t.resourceGroup).toBeUndefined();
  });
});

describe("az's clouds as --cloud", () => {
  it('a cloud registered with az cloud register, by its name in any case', async () => {
    const dir = full();
    const ca = join(work, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const cloud = await resolveCloud('amlauthsandbox', {
      AZURE_CONFIG_DIR: dir,
      REQUESTS_CA_BUNDLE: ca,
    });
    expect(cloud).toMatchObject({
      name: 'AmlAuthSandbox',
      resourceManagerEndpoint: 'https://127.0.0.1:46505/',
      // az's /adfs authority: its host is the authority, the tenant goes after it
      authorityHost: 'https://127.0.0.1:46505',
      managementScope: 'https://management.core.windows.net/.default',
      mlScope: 'https://ml.azure.com/.default',
      caCertFile: ca,
      custom: true,
    });
  });

  it('an unknown name says where names come from', async () => {
    await expect(resolveCloud('NoSuchCloud', {AZURE_CONFIG_DIR: full()})).rejects.toThrow(
      /unknown cloud 'NoSuchCloud'.*az cloud register/,
    );
  });

  it('the JSON of az cloud show is a cloud file', async () => {
    const dir = mkdtempSync(join(work, 'show-'));
    mkdirSync(dir, {recursive: true});
    const file = join(dir, 'cloud.json');
    writeFileSync(
      file,
      JSON.stringify({
        endpoints: {
          activeDirectory: 'https://login.chinacloudapi.cn',
          activeDirectoryResourceId: 'https://management.core.chinacloudapi.cn/',
          resourceManager: 'https://management.chinacloudapi.cn',
          gallery: null,
        },
        isActive: false,
        name: 'MyChina',
        profile: 'latest',
        suffixes: {},
      }),
    );
    const cloud = await readCloudFile(file, {});
    expect(cloud).toMatchObject({
      name: 'MyChina',
      resourceManagerEndpoint: 'https://management.chinacloudapi.cn/',
      authorityHost: 'https://login.chinacloudapi.cn',
      managementScope: 'https://management.core.chinacloudapi.cn/.default',
      mlScope: 'https://ml.azure.cn/.default',
      file,
    });
    writeFileSync(file, JSON.stringify({name: 'x', endpoints: {resourceManager: 'https://a/'}}));
    await expect(readCloudFile(file, {})).rejects.toThrow(CloudError);
    await expect(readCloudFile(file, {})).rejects.toThrow(/missing 'activeDirectory'/);
  });
});
