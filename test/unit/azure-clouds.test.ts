import {chmod, mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {rootCertificates} from 'node:tls';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import {
  CloudError,
  needsCustomAuthority,
  resolveCloud,
  tlsOptionsFor,
} from '../../source/azure/clouds';
import {graphScopeOf} from '../../source/azure/directory';
import {resourceOfScope} from '../../source/domain/scopes';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aml-auth-clouds-'));
});
afterAll(() => rm(dir, {recursive: true, force: true}));

const validCloud = {
  name: 'my-cloud',
  resourceManagerEndpoint: 'https://arm.example.test',
  authorityHost: 'https://login.example.test/',
  managementScope: 'https://management.azure.com/.default',
  mlScope: 'https://ml.azure.com/.default',
};

async function cloudFile(name: string, content: unknown): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  return file;
}

/** The CloudError a resolution rejects with. */
async function cloudError(p: Promise<unknown>): Promise<CloudError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CloudError);
  return err as CloudError;
}

describe('built-in clouds', () => {
  it('AzureCloud is the default, with the public endpoints and audiences', async () => {
    const cloud = await resolveCloud(undefined, {});
    expect(cloud).toEqual({
      name: 'AzureCloud',
      resourceManagerEndpoint: 'https://management.azure.com/',
      authorityHost: 'https://login.microsoftonline.com',
      managementScope: 'https://management.azure.com/.default',
      mlScope: 'https://ml.azure.com/.default',
      graphEndpoint: 'https://graph.microsoft.com/',
      logAnalyticsEndpoint: 'https://api.loganalytics.io',
      logAnalyticsScope: 'https://api.loganalytics.io/.default',
      custom: false,
    });
    expect(graphScopeOf(cloud)).toBe('https://graph.microsoft.com/.default');
    expect(needsCustomAuthority(cloud)).toBe(false);
    expect(tlsOptionsFor(cloud)).toBeUndefined();
  });

  it('sovereign clouds look principals up in their own Microsoft Graph', async () => {
    const china = await resolveCloud('AzureChinaCloud', {});
    expect(china.graphEndpoint).toBe('https://microsoftgraph.chinacloudapi.cn/');
    expect(graphScopeOf(china)).toBe('https://microsoftgraph.chinacloudapi.cn/.default');
    expect(graphScopeOf(await resolveCloud('AzureUSGovernment', {}))).toBe(
      'https://graph.microsoft.us/.default',
    );
  });

  it('names are case-insensitive', async () => {
    expect((await resolveCloud('azurechinacloud', {})).name).toBe('AzureChinaCloud');
    expect((await resolveCloud(' AZUREUSGOVERNMENT ', {})).name).toBe('AzureUSGovernment');
  });

  it('sovereign clouds have their own Resource Manager, authority and audiences', async () => {
    expect(await resolveCloud('AzureChinaCloud', {})).toMatchObject({
      resourceManagerEndpoint: 'https://management.chinacloudapi.cn/',
      authorityHost: 'https://login.chinacloudapi.cn',
      managementScope: 'https://management.chinacloudapi.cn/.default',
      mlScope: 'https://ml.azure.cn/.default',
      logAnalyticsEndpoint: 'https://api.loganalytics.azure.cn',
      logAnalyticsScope: 'https://api.loganalytics.azure.cn/.default',
    });
    expect(await resolveCloud('AzureUSGovernment', {})).toMatchObject({
      resourceManagerEndpoint: 'https://management.usgovcloudapi.net/',
      authorityHost: 'https://login.microsoftonline.us',
      managementScope: 'https://management.usgovcloudapi.net/.default',
      mlScope: 'https://ml.azure.us/.default',
      logAnalyticsEndpoint: 'https://api.loganalytics.us',
      logAnalyticsScope: 'https://api.loganalytics.us/.default',
    });
  });

  it('a cloud file may name its Log Analytics endpoint and scope (both, https) and its principals', async () => {
    const base = {
      name: 'Custom',
      resourceManagerEndpoint: 'https://arm.example',
      authorityHost: 'https://login.example',
      managementScope: 'https://management.azure.com/.default',
      mlScope: 'https://ml.azure.com/.default',
    };
    const withLogs = await resolveCloud(
      await cloudFile('logs.json', {
        ...base,
        logAnalyticsEndpoint: 'https://logs.example/',
        logAnalyticsScope: 'https://api.loganalytics.io/.default',
        principals: [{name: 'ada', objectId: 'o-1'}, {name: 7}],
      }),
      {},
    );
    expect(withLogs.logAnalyticsEndpoint).toBe('https://logs.example');
    expect(withLogs.logAnalyticsScope).toBe('https://api.loganalytics.io/.default');
    expect(withLogs.principals).toEqual([{name: 'ada', objectId: 'o-1'}]);
    const without = await resolveCloud(await cloudFile('nologs.json', base), {});
    expect(without.logAnalyticsEndpoint).toBeUndefined();
    await expect(
      resolveCloud(
        await cloudFile('half.json', {...base, logAnalyticsEndpoint: 'https://logs.example'}),
        {},
      ),
    ).rejects.toThrow(/'logAnalyticsEndpoint' needs 'logAnalyticsScope'/);
    await expect(
      resolveCloud(
        await cloudFile('http.json', {
          ...base,
          logAnalyticsEndpoint: 'http://logs.example',
          logAnalyticsScope: 'https://api.loganalytics.io/.default',
        }),
        {},
      ),
    ).rejects.toThrow(/logAnalyticsEndpoint.*https/);
  });

  it('AZURE_AUTHORITY_HOST moves the authority of a built-in cloud, as in the SDKs', async () => {
    const cloud = await resolveCloud('AzureCloud', {
      AZURE_AUTHORITY_HOST: 'https://login.proxy.example/',
    });
    expect(cloud.authorityHost).toBe('https://login.proxy.example');
    expect(cloud.resourceManagerEndpoint).toBe('https://management.azure.com/');
    // An authority MSAL cannot discover needs instance discovery off.
    expect(needsCustomAuthority(cloud)).toBe(true);
  });

  it('an AZURE_AUTHORITY_HOST that is not https is refused, naming the variable', async () => {
    const err = await cloudError(
      resolveCloud('AzureCloud', {AZURE_AUTHORITY_HOST: 'http://login.example'}),
    );
    expect(err.message).toMatch(/^AZURE_AUTHORITY_HOST: 'http:\/\/login.example' must be an https/);
  });

  it('an unknown name lists the clouds, az cloud register and the file option', async () => {
    const err = await cloudError(
      resolveCloud('AzureMoonCloud', {AZURE_CONFIG_DIR: '/nonexistent/aml-auth-az'}),
    );
    expect(err.message).toBe(
      "unknown cloud 'AzureMoonCloud': use AzureCloud, AzureChinaCloud, AzureUSGovernment, a cloud registered with az cloud register, or the path of a cloud JSON file",
    );
    expect(err.exitCode).toBe(2);
  });
});

describe('custom cloud files', () => {
  it('reads the fields, normalises slashes, ignores extras and reads the CA', async () => {
    await writeFile(join(dir, 'ca.pem'), PEM);
    const file = await cloudFile('good.json', {
      ...validCloud,
      tenantId: 'tenant-1',
      caCertFile: 'ca.pem',
      adminToken: 'ignored',
      principals: [{name: 'ignored'}],
    });
    const cloud = await resolveCloud(file, {AZURE_AUTHORITY_HOST: 'https://not-used.example'});
    expect(cloud).toEqual({
      name: 'my-cloud',
      resourceManagerEndpoint: 'https://arm.example.test/',
      authorityHost: 'https://login.example.test',
      managementScope: 'https://management.azure.com/.default',
      mlScope: 'https://ml.azure.com/.default',
      tenantId: 'tenant-1',
      caCertFile: join(dir, 'ca.pem'),
      caPem: PEM,
      file,
      custom: true,
    });
    expect(needsCustomAuthority(cloud)).toBe(true);
    const tls = tlsOptionsFor(cloud)!;
    expect(tls.ca).toHaveLength(rootCertificates.length + 1);
    expect(tls.ca.at(-1)).toBe(PEM);
    expect(tls.ca.slice(0, -1)).toEqual([...rootCertificates]);
  });

  it('a file name without a folder or .json is still read when it exists', async () => {
    const file = await cloudFile('plaincloud', validCloud);
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect((await resolveCloud('plaincloud', {})).file).toBe(file);
    } finally {
      process.chdir(cwd);
    }
  });

  it('a missing file names the file', async () => {
    const file = join(dir, 'nope.json');
    const err = await cloudError(resolveCloud(file, {}));
    expect(err.message).toBe(`cloud file ${file}: cannot read it (no such file)`);
    expect(err.file).toBe(file);
  });

  it('bad JSON names the file and the position as line and column', async () => {
    const file = await cloudFile('bad.json', '{\n  "name": "x",\n  "authorityHost": \n}\n');
    const err = await cloudError(resolveCloud(file, {}));
    expect(err.message).toBe(
      `cloud file ${file}: not valid JSON at line 4, column 1: expected a value (found "}")`,
    );
  });

  it('JSON that is not an object is refused', async () => {
    const file = await cloudFile('array.json', '[1, 2]');
    expect((await cloudError(resolveCloud(file, {}))).message).toBe(
      `cloud file ${file}: expected a JSON object`,
    );
  });

  it.each(['name', 'resourceManagerEndpoint', 'authorityHost', 'managementScope', 'mlScope'])(
    'a missing %s is named',
    async (field) => {
      const content: Record<string, unknown> = {...validCloud};
      delete content[field];
      const file = await cloudFile(`missing-${field}.json`, content);
      const err = await cloudError(resolveCloud(file, {}));
      expect(err.message).toBe(`cloud file ${file}: missing field '${field}'`);
      expect(err.field).toBe(field);
    },
  );

  it('a field of the wrong type is named', async () => {
    const file = await cloudFile('type.json', {...validCloud, mlScope: 42});
    expect((await cloudError(resolveCloud(file, {}))).message).toBe(
      `cloud file ${file}: field 'mlScope' must be a string`,
    );
  });

  it.each([
    ['resourceManagerEndpoint', 'http://arm.example.test/', /must be an https:\/\/ URL/],
    ['authorityHost', 'http://127.0.0.1:8443', /must be an https:\/\/ URL/],
    ['authorityHost', 'not a url', /is not a URL/],
  ])('%s = %s is refused', async (field, value, pattern) => {
    const file = await cloudFile(`url-${field}.json`, {...validCloud, [field]: value});
    const err = await cloudError(resolveCloud(file, {}));
    expect(err.message).toMatch(new RegExp(`^cloud file ${file}: field '${field}': `));
    expect(err.message).toMatch(pattern);
    expect(err.field).toBe(field);
  });

  it('an unreadable CA file is named', async () => {
    const file = await cloudFile('ca-missing.json', {...validCloud, caCertFile: 'missing-ca.pem'});
    const err = await cloudError(resolveCloud(file, {}));
    expect(err.message).toBe(
      `cloud file ${file}: field 'caCertFile': cannot read ${join(dir, 'missing-ca.pem')} (ENOENT)`,
    );
    expect(err.field).toBe('caCertFile');
  });

  it('a CA file without a PEM certificate is refused', async () => {
    await writeFile(join(dir, 'not-a-cert.pem'), 'hello');
    const file = await cloudFile('ca-bad.json', {...validCloud, caCertFile: 'not-a-cert.pem'});
    expect((await cloudError(resolveCloud(file, {}))).message).toMatch(
      /field 'caCertFile': .*not-a-cert\.pem holds no PEM certificate/,
    );
  });

  it.skipIf(process.getuid?.() === 0)(
    'an unreadable cloud file says permission denied',
    async () => {
      const file = await cloudFile('locked.json', validCloud);
      await chmod(file, 0o000);
      expect((await cloudError(resolveCloud(file, {}))).message).toBe(
        `cloud file ${file}: cannot read it (permission denied)`,
      );
    },
  );
});

describe('resourceOfScope', () => {
  it('strips /.default and trailing slashes', () => {
    expect(resourceOfScope('https://ml.azure.com/.default')).toBe('https://ml.azure.com');
    expect(resourceOfScope('https://management.core.windows.net//.default')).toBe(
      'https://management.core.windows.net',
    );
    expect(resourceOfScope('api://my-app')).toBe('api://my-app');
  });
});
