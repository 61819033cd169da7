import {spawn, spawnSync} from 'node:child_process';
import fs from 'node:fs';
import {hostname, tmpdir} from 'node:os';
import {dirname, join, resolve} from 'node:path';
import {fileURLToPath} from 'node:url';
import {buildSync} from 'esbuild';
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest';
import {openProfileStore} from '../../source/profiles';

// Several processes writing one profile store at the same moment: every change survives.

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const cli = join(root, 'dist/cli.js');
let work: string;
let writer: string;
let dir: string;
let go: string;

beforeAll(() => {
  work = fs.mkdtempSync(join(tmpdir(), 'aml-auth-concurrency-'));
  writer = join(work, 'writer.mjs');
  buildSync({
    entryPoints: [join(root, 'test/helpers/profile-writer.ts')],
    outfile: writer,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'warning',
    banner: {
      js: "import {createRequire as __r} from 'node:module'; const require = __r(import.meta.url);",
    },
  });
});

afterAll(() => fs.rmSync(work, {recursive: true, force: true}));

let run = 0;
beforeEach(() => {
  run += 1;
  dir = join(work, `store-${run}`);
  go = join(work, `go-${run}`);
});

function start(command: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(process.execPath, command, {env, stdio: ['ignore', 'pipe', 'pipe']});
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise<{code: number | null; stderr: string}>((done) =>
    child.once('close', (code) => done({code, stderr})),
  );
}

/** Starts every writer, then lets them all go at once. */
async function together(jobs: string[][], env?: NodeJS.ProcessEnv) {
  const runs = jobs.map((job) => start(job, env));
  fs.writeFileSync(go, '');
  return Promise.all(runs);
}

const names = () =>
  openProfileStore({dir})
    .store.list()
    .map((p) => p.name)
    .sort();

describe('concurrent writers of the profile store', () => {
  it('10 processes saving 3 profiles each at once: all 30 are there', async () => {
    const jobs = Array.from({length: 10}, (_, w) => [
      writer,
      dir,
      go,
      'save',
      ...[0, 1, 2].map((i) => `w${w}-p${i}`),
    ]);
    const results = await together(jobs);
    expect(results.map((r) => r.stderr)).toEqual(jobs.map(() => ''));
    expect(results.map((r) => r.code)).toEqual(jobs.map(() => 0));
    const expected = jobs.flatMap((_, w) => [0, 1, 2].map((i) => `w${w}-p${i}`)).sort();
    expect(names()).toEqual(expected);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.lock'))).toEqual([]);
  });

  it('20 parallel renames and 5 removals of other profiles: none lost, none undone', async () => {
    const {store} = openProfileStore({dir});
    for (let i = 0; i < 25; i++) store.save({...sampleInput(`p${i}`)});
    const renames = Array.from({length: 20}, (_, i) => [writer, dir, go, 'rename', `p${i}:r${i}`]);
    const removals = [20, 21, 22, 23, 24].map((i) => [writer, dir, go, 'remove', `p${i}`]);
    const results = await together([...renames, ...removals]);
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    expect(names()).toEqual(Array.from({length: 20}, (_, i) => `r${i}`).sort());
  });

  it('20 `aml-auth profiles rename` commands at once (the built CLI): every rename kept', async () => {
    if (!fs.existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first.`);
    const {store} = openProfileStore({dir});
    for (let i = 0; i < 20; i++) store.save(sampleInput(`c${i}`));
    const env = {...process.env, AML_AUTH_CONFIG_DIR: dir, NO_COLOR: '1'};
    fs.writeFileSync(go, '');
    const results = await Promise.all(
      Array.from({length: 20}, (_, i) => start([cli, 'profiles', 'rename', `c${i}`, `n${i}`], env)),
    );
    expect(results.filter((r) => r.code !== 0)).toEqual([]);
    expect(names()).toEqual(Array.from({length: 20}, (_, i) => `n${i}`).sort());
  });

  it('a lock left by a process that is gone, or an old one from elsewhere, is taken over', () => {
    const {store} = openProfileStore({dir});
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(join(dir, 'config.json.lock'), `${dead}\n${hostname()}\n`);
    expect(store.save(sampleInput('after-crash')).name).toBe('after-crash');
    const lock = join(dir, 'config.json.lock');
    fs.writeFileSync(lock, `1\nanother-host\n`);
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(lock, old, old);
    expect(store.remove('after-crash').name).toBe('after-crash');
    expect(fs.existsSync(lock)).toBe(false);
  });
});

function sampleInput(name: string) {
  return {
    name,
    cloud: 'AzureCloud',
    tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    signIn: {method: 'cli' as const},
    subscription: {id: '11111111-2222-3333-4444-555555555555', name: 'Dev'},
    resourceGroup: 'rg',
    workspace: 'ws',
    endpoint: `ep-${name}`,
    authMode: 'key' as const,
  };
}
