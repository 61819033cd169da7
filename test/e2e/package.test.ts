import {execFile} from 'node:child_process';
import {existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {delimiter, dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {afterAll, beforeAll, describe, expect, it} from 'vitest';
import type {RunningSandbox} from '../../source/sandbox';
import {principal, startTestSandbox} from '../helpers/sandbox';

// What `npm pack` ships is the bundle and nothing else: dist/ (no source maps), assets/, README,
// LICENSE. Installed from the tarball into an empty folder with --omit=dev, it needs no other
// package (the keyring plugin is optional) and its commands work against a sandbox from there.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(
  command: string,
  args: string[],
  options: {cwd: string; env?: NodeJS.ProcessEnv; timeout?: number},
): Promise<Run> {
  return new Promise((done) => {
    execFile(
      command,
      args,
      {cwd: options.cwd, env: options.env ?? process.env, timeout: options.timeout ?? 120_000},
      (err, stdout, stderr) =>
        done({code: err ? ((err as {code?: number}).code ?? 1) : 0, stdout, stderr}),
    );
  });
}

let work: string;
let tarball: string;
let installed: string;
let env: NodeJS.ProcessEnv;
let sandbox: RunningSandbox;
let packed: {filename: string; files: {path: string}[]};

beforeAll(async () => {
  if (!existsSync(join(root, 'dist/cli.js')))
    throw new Error('dist/cli.js is missing: run `npm run build` first (npm test does).');
  work = mkdtempSync(join(tmpdir(), 'aml-auth-package-'));
  // --ignore-scripts: prepack's release build would rewrite dist/ under the other test files;
  // npm test has just built it, and `files` keeps the source maps out either way.
  const pack = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    {
      cwd: root,
    },
  );
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`);
  packed = (JSON.parse(pack.stdout) as (typeof packed)[])[0]!;
  tarball = join(work, packed.filename);

  const into = join(work, 'empty');
  mkdirSync(into);
  const install = await run(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', tarball],
    {cwd: into},
  );
  if (install.code !== 0) throw new Error(`npm install of the tarball failed: ${install.stderr}`);
  installed = into;
  // The installed bin runs on this Node (its shebang is `env node`), nothing from the project.
  env = {
    PATH: [dirname(process.execPath), '/usr/bin', '/bin'].join(delimiter),
    HOME: work,
    NO_COLOR: '1',
    AML_AUTH_CONFIG_DIR: join(work, 'config'),
  };
  sandbox = await startTestSandbox();
}, 180_000);

afterAll(async () => {
  await sandbox?.stop();
  if (work) rmSync(work, {recursive: true, force: true});
});

const aml = (args: string[], extra: NodeJS.ProcessEnv = {}) =>
  run(join(installed, 'node_modules/.bin/aml-auth'), args, {
    cwd: installed,
    env: {...env, ...extra},
    timeout: 30_000,
  });

describe('the packed package', () => {
  it('holds the bundle, the assets, README and LICENSE — no sources, no source maps', () => {
    const paths = packed.files.map((f) => f.path);
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('assets/sample-request.json');
    expect(paths).toContain('README.md');
    expect(paths).toContain('LICENSE');
    expect(paths).toContain('package.json');
    const outside = paths.filter(
      (p) => !/^(dist\/|assets\/)/.test(p) && !['README.md', 'LICENSE', 'package.json'].includes(p),
    );
    expect(outside).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.map'))).toEqual([]);
  });

  it('declares no dependency but the optional keyring plugin', () => {
    const pkg = JSON.parse(
      readFileSync(join(installed, 'node_modules/aml-auth/package.json'), 'utf8'),
    );
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(Object.keys(pkg.optionalDependencies ?? {})).toEqual([
      '@azure/identity-cache-persistence',
    ]);
    // So the install holds aml-auth and, where it installed, the plugin's own tree — none of the
    // packages the bundle inlines (Ink, React, the ARM clients, commander, conf).
    const top = readdirSync(join(installed, 'node_modules'));
    for (const inlined of ['ink', 'react', 'commander', 'conf', 'yoga-layout', '@peculiar'])
      expect(top).not.toContain(inlined);
    const azure = existsSync(join(installed, 'node_modules/@azure'))
      ? readdirSync(join(installed, 'node_modules/@azure'))
      : [];
    expect(azure.filter((name) => name.startsWith('arm-'))).toEqual([]);
  });

  it('--version and --help run from the installed bin', async () => {
    const version = await aml(['--version']);
    expect(version).toMatchObject({code: 0, stderr: ''});
    expect(version.stdout.trim()).toBe(
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
    );
    const help = await aml(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: aml-auth');
    expect(help.stdout).toMatch(/\n {2}creds /);
  });

  it('creds prints a key from a sandbox, signed in as a service principal', async () => {
    const ops = principal(sandbox, 'ops-automation');
    const creds = await aml(
      [
        'creds',
        '--cloud',
        sandbox.descriptor.cloudFile,
        '--auth-method',
        'service-principal',
        '--tenant',
        sandbox.descriptor.tenantId,
        '--subscription',
        'Sandbox Dev',
        '--workspace',
        'ws-dev',
        '--endpoint',
        'churn-scorer',
        '-o',
        'json',
      ],
      {AZURE_CLIENT_ID: ops.clientId!, AZURE_CLIENT_SECRET: ops.clientSecret!},
    );
    expect(creds.stderr).toBe('');
    expect(creds.code).toBe(0);
    const out = JSON.parse(creds.stdout) as {
      endpoint: string;
      credential: {kind: string; value: string};
    };
    expect(out.credential.kind).toBe('key');
    expect(out.credential.value.length).toBeGreaterThan(20);
  });
});
