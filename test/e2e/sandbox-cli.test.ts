import {type ChildProcess, execFile, spawn} from 'node:child_process';
import {existsSync, readFileSync, statSync} from 'node:fs';
import {dirname, isAbsolute, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {SandboxDescriptor} from '../../source/sandbox';

// The built CLI as a user runs it: a child process, its stdout/stderr and exit code, and the
// README's curl walkthrough with the real curl binary.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {version: string};

beforeAll(() => {
  if (!existsSync(cli)) {
    throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does).`);
  }
});

/** Runs the CLI to completion (for the commands that exit by themselves). */
function run(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [cli, ...args],
      {cwd: root, timeout: 15_000, env: {...process.env, NO_COLOR: '1'}},
      (err, stdout, stderr) => {
        const code = err ? ((err as {code?: unknown}).code ?? null) : 0;
        done({code: typeof code === 'number' ? code : null, stdout, stderr});
      },
    );
  });
}

interface CurlResult {
  status: number;
  body: string;
  json: () => unknown;
}

/** The real curl binary, trusting only the sandbox CA (never -k). */
function curl(ca: string, args: string[]): Promise<CurlResult> {
  return new Promise((done, fail) => {
    execFile(
      'curl',
      ['-sS', '--cacert', ca, '-w', '\n%{http_code}', ...args],
      {cwd: root, timeout: 15_000},
      (err, stdout, stderr) => {
        if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') {
          fail(
            new Error(
              'curl is not installed: the README walkthrough needs it (.ci/run installs it)',
            ),
          );
          return;
        }
        if (err) {
          fail(new Error(`curl ${args.join(' ')} failed: ${stderr || err.message}`));
          return;
        }
        const cut = stdout.lastIndexOf('\n');
        const body = stdout.slice(0, cut);
        done({status: Number(stdout.slice(cut + 1)), body, json: () => JSON.parse(body)});
      },
    );
  });
}

describe('aml-auth sandbox --port 0 --json', () => {
  let child: ChildProcess;
  let stdout = '';
  let stderr = '';
  let exited: Promise<{code: number | null; signal: NodeJS.Signals | null}>;
  let descriptor: SandboxDescriptor;

  beforeAll(async () => {
    child = spawn(process.execPath, [cli, 'sandbox', '--port', '0', '--json'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((r) => child.once('exit', (code, signal) => r({code, signal})));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const firstLine = await new Promise<string>((done, fail) => {
      const timer = setTimeout(
        () => fail(new Error(`no descriptor in 10 s; stderr: ${stderr}`)),
        10_000,
      );
      child.stdout!.on('data', (c: Buffer) => {
        stdout += c.toString();
        const nl = stdout.indexOf('\n');
        if (nl >= 0) {
          clearTimeout(timer);
          done(stdout.slice(0, nl));
        }
      });
      child.once('exit', (code) =>
        fail(new Error(`exited ${code} before the descriptor: ${stderr}`)),
      );
    });
    descriptor = JSON.parse(firstLine) as SandboxDescriptor;
  });

  afterAll(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('prints the descriptor with every field the issue lists', () => {
    expect(descriptor.name).toBe('sandbox');
    expect(descriptor.resourceManagerEndpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
    expect(descriptor.authorityHost).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(descriptor.managementScope).toBe('https://management.azure.com/.default');
    expect(descriptor.mlScope).toBe('https://ml.azure.com/.default');
    expect(descriptor.tenantId).toMatch(/^[0-9a-f-]{36}$/);
    expect(isAbsolute(descriptor.caCertFile)).toBe(true);
    expect(isAbsolute(descriptor.cloudFile)).toBe(true);
    expect(descriptor.adminToken.length).toBeGreaterThanOrEqual(16);
    expect(descriptor.pid).toBe(child.pid);
    const byName = Object.fromEntries(descriptor.principals.map((p) => [p.name, p]));
    expect(Object.keys(byName).sort()).toEqual([
      'ops-automation',
      'owner@contoso.sandbox',
      'scientist@contoso.sandbox',
      'scoring-client',
    ]);
    for (const p of descriptor.principals) {
      expect(p.objectId).toMatch(/^[0-9a-f-]{36}$/);
      if (p.kind === 'servicePrincipal') {
        expect(p.clientId).toMatch(/^[0-9a-f-]{36}$/);
        expect(p.clientSecret?.length).toBeGreaterThanOrEqual(16);
      } else {
        expect(p.kind).toBe('user');
        expect(p.clientSecret).toBeUndefined();
      }
    }
  });

  it('writes the cloud file (mode 0600, same JSON) and the CA file', () => {
    const mode = statSync(descriptor.cloudFile).mode & 0o777;
    expect(mode.toString(8)).toBe('600');
    expect(JSON.parse(readFileSync(descriptor.cloudFile, 'utf8'))).toEqual(descriptor);
    expect(readFileSync(descriptor.caCertFile, 'utf8')).toMatch(
      /^-----BEGIN CERTIFICATE-----\n[\s\S]+-----END CERTIFICATE-----\n?$/,
    );
  });

  it('follows the README with curl: token, workspaces, listKeys, score', async () => {
    const ca = descriptor.caCertFile;
    const host = descriptor.authorityHost;
    const ops = descriptor.principals.find((p) => p.name === 'ops-automation')!;
    const sub = descriptor.subscriptions.find((s) => s.displayName === 'Sandbox Dev')!;

    const tokenRes = await curl(ca, [
      `${host}/${descriptor.tenantId}/oauth2/v2.0/token`,
      '-d',
      'grant_type=client_credentials',
      '-d',
      `client_id=${ops.clientId}`,
      '--data-urlencode',
      `client_secret=${ops.clientSecret}`,
      '-d',
      'scope=https://management.azure.com/.default',
    ]);
    expect(tokenRes.status, tokenRes.body).toBe(200);
    const token = (tokenRes.json() as {access_token: string}).access_token;
    expect(token.split('.')).toHaveLength(3);
    const auth = ['-H', `Authorization: Bearer ${token}`];

    const workspaces = await curl(ca, [
      ...auth,
      `${host}/subscriptions/${sub.subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2025-09-01`,
    ]);
    expect(workspaces.status, workspaces.body).toBe(200);
    const names = (workspaces.json() as {value: {name: string}[]}).value.map((w) => w.name);
    expect(names.sort()).toEqual(['ws-dev', 'ws-experiments']);

    const ep = `${host}/subscriptions/${sub.subscriptionId}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev/onlineEndpoints/churn-scorer`;
    const keys = await curl(ca, [
      '-X',
      'POST',
      ...auth,
      '-H',
      'Content-Length: 0',
      `${ep}/listKeys?api-version=2025-09-01`,
    ]);
    expect(keys.status, keys.body).toBe(200);
    const {primaryKey} = keys.json() as {primaryKey: string};
    expect(primaryKey.length).toBeGreaterThan(20);

    const endpoint = await curl(ca, [...auth, `${ep}?api-version=2025-09-01`]);
    expect(endpoint.status, endpoint.body).toBe(200);
    const scoringUri = (endpoint.json() as {properties: {scoringUri: string}}).properties
      .scoringUri;
    expect(scoringUri.startsWith(`${host}/`)).toBe(true);

    const scored = await curl(ca, [
      '-H',
      `Authorization: Bearer ${primaryKey}`,
      '-H',
      'Content-Type: application/json',
      '-d',
      '@assets/sample-request.json',
      scoringUri,
    ]);
    expect(scored.status, scored.body).toBe(200);
    const result = scored.json() as unknown[];
    expect(result).toHaveLength(2);
    for (const p of result) expect(typeof p).toBe('number');

    // And a wrong key is refused, so the 200 above means the key was checked.
    const refused = await curl(ca, [
      '-H',
      'Authorization: Bearer not-the-key',
      '-H',
      'Content-Type: application/json',
      '-d',
      '@assets/sample-request.json',
      scoringUri,
    ]);
    expect(refused.status).toBe(401);
  });

  it('SIGTERM stops it: exit 0 within a few seconds, temp folder removed, one stdout line', async () => {
    const folder = dirname(descriptor.cloudFile);
    expect(existsSync(folder)).toBe(true);
    child.kill('SIGTERM');
    const result = await Promise.race([
      exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000)),
    ]);
    expect(result, stderr).toEqual({code: 0, signal: null});
    expect(existsSync(folder)).toBe(false);
    expect(stdout.endsWith('\n')).toBe(true);
    expect(stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

describe('aml-auth command line', () => {
  /** A usage error: exit 2, an `aml-auth:` message (plus an optional hint line), no stack trace. */
  function expectUsageError(r: {code: number | null; stdout: string; stderr: string}) {
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^aml-auth: \S/);
    expect(lines.length).toBeLessThanOrEqual(2);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    return lines;
  }

  it('--port 99999 is a usage error with a hint', async () => {
    const lines = expectUsageError(await run(['sandbox', '--port', '99999']));
    expect(lines[0]).toContain('99999');
    expect(lines.join('\n')).toMatch(/hint/);
  });

  it('--faults bogus and --token-lifetime nonsense are usage errors', async () => {
    const [faults, lifetime] = await Promise.all([
      run(['sandbox', '--faults', 'bogus']),
      run(['sandbox', '--token-lifetime', 'nonsense']),
    ]);
    expect(expectUsageError(faults)[0]).toContain('bogus');
    expect(expectUsageError(lifetime)[0]).toContain('nonsense');
  });

  it('slow-client limits: a headers timeout longer than the request timeout, or too short, is a usage error', async () => {
    const [longer, short] = await Promise.all([
      run(['sandbox', '--headers-timeout', '5s', '--request-timeout', '1s']),
      run(['sandbox', '--request-timeout', '10ms']),
    ]);
    expect(expectUsageError(longer)[0]).toContain('--headers-timeout must not be longer');
    expect(expectUsageError(short)[0]).toContain('--request-timeout must be at least');
  });

  it('an unknown flag is a usage error that suggests the right one', async () => {
    const r = await run(['sandbox', '--jsn']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--jsn'");
    expect(r.stderr).toContain('Did you mean --json?');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('--version prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('sandbox --help lists its options', async () => {
    const r = await run(['sandbox', '--help']);
    expect(r.code).toBe(0);
    for (const option of [
      '--port',
      '--json',
      '--token-lifetime',
      '--auto-approve',
      '--faults',
      '--provisioning-delay',
      '--headers-timeout',
      '--request-timeout',
      '--dir',
    ]) {
      expect(r.stdout).toContain(option);
    }
    expect(r.stdout).toMatch(/^Usage: aml-auth sandbox/);
  });
});
