// Target 1 (start-up) and 7 (sizes). Spawn to the wizard's first frame in a pseudo-terminal, next
// to a trivial Ink app bundled the same way without tricks (built here into a temp folder, never
// shipped); `--version` and `--help` next to `node -e ''`; `az --version` where az is installed.
// What each technique buys: the same first frame with Node's compile cache off
// (NODE_DISABLE_COMPILE_CACHE=1), with the CLI bundled without lazy chunks, and built without each
// of the bundle's start-up techniques in turn (scripts/build-options.mjs TECHNIQUES).
// Run: npm run build && node bench/startup.mjs   (BENCH_RUNS=25 for more runs; 15 by default)
import {execFileSync, spawnSync} from 'node:child_process';
import {mkdtempSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {build} from 'esbuild';
import {cliBuildOptions, launcherSource, TECHNIQUES} from '../scripts/build-options.mjs';
import {CLI, ROOT, cliEnv, main, median, row, skipped, spawnPty, spread} from './lib.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const WARMUP = 2;
/**
 * The starts that end in ~30 ms (`node -e ''`, --version, --help) run this many times a round:
 * their targets are a few milliseconds wide, within one start's noise here.
 */
const QUICK_REPEATS = 5;
const QUICK = new Set(['nodeExit', 'version', 'help']);
const FIRST_FRAME = 'How do you want to sign in?';

/** The trivial Ink app's build: the bundle's format, target and production React, no techniques. */
const SAME_WAY = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  mainFields: ['module', 'main'],
  target: 'node22',
  legalComments: 'none',
  define: {'process.env.NODE_ENV': '"production"'},
  external: ['react-devtools-core', '@azure/identity-cache-persistence', 'keytar'],
  banner: {
    js: [
      "import {createRequire as __amlCreateRequire} from 'node:module';",
      'const require = __amlCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  logLevel: 'warning',
};

async function buildBaselines(dir) {
  // A trivial Ink app: one line of text, bundled like the CLI, no launcher, no compile cache.
  await build({
    ...SAME_WAY,
    stdin: {
      contents: `import React from 'react';\nimport {render, Text} from 'ink';\nrender(React.createElement(Text, null, ${JSON.stringify(FIRST_FRAME)}));\n`,
      resolveDir: ROOT,
      loader: 'jsx',
    },
    splitting: true,
    outdir: join(dir, 'ink'),
    entryNames: 'ink-app',
  });
  // The CLI as built, in one file: every dynamic import inlined (no lazy chunks), started the
  // same way as dist/cli.js (the launcher with the compile cache). Ink's development-only import
  // of react-devtools-core, inlined too, gets an empty module.
  const cli = cliBuildOptions({version: '0.0.0-bench', release: true, outdir: join(dir, 'eager')});
  await build({
    ...cli,
    splitting: false,
    plugins: [
      ...cli.plugins,
      {
        name: 'no-devtools',
        setup(b) {
          b.onResolve({filter: /^react-devtools-core$/}, () => ({path: 'x', namespace: 'stub'}));
          b.onLoad({filter: /.*/, namespace: 'stub'}, () => ({contents: 'export default {};'}));
        },
      },
    ],
    external: cli.external.filter((e) => e !== 'react-devtools-core'),
  });
  writeFileSync(join(dir, 'eager', 'cli.js'), launcherSource('0.0.0-bench'));
  // The CLI as built but for one technique, for each (what it buys).
  const without = {};
  for (const technique of Object.keys(TECHNIQUES)) {
    const out = join(dir, `without-${technique}`);
    await build(
      cliBuildOptions({version: '0.0.0-bench', release: true, outdir: out, without: [technique]}),
    );
    writeFileSync(join(out, 'cli.js'), launcherSource('0.0.0-bench'));
    without[technique] = join(out, 'cli.js');
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  return {inkApp: join(dir, 'ink', 'ink-app.js'), eagerCli: join(dir, 'eager', 'cli.js'), without};
}

/** Milliseconds from spawn to `marker` on the pseudo-terminal. */
async function toText(args, marker, env) {
  const p = spawnPty(process.execPath, args, {env: cliEnv(env)});
  try {
    return (await p.waitFor(marker)).ms;
  } finally {
    // Ended as a person ends it (the wizard exits as on ctrl+c), and waited for, so one run's
    // exit does not overlap the next run's start.
    await p.stop();
  }
}

function toExit(file, args) {
  const t0 = performance.now();
  const r = spawnSync(file, args, {env: cliEnv(), encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return performance.now() - t0;
}

function hasAz() {
  try {
    execFileSync('az', ['--version'], {stdio: 'ignore', timeout: 20_000});
    return true;
  } catch {
    return false;
  }
}

function dirSize(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return s.size;
  return readdirSync(path).reduce((n, f) => n + dirSize(join(path, f)), 0);
}

export async function measure() {
  const tmp = mkdtempSync(join(tmpdir(), 'aml-auth-bench-startup-'));
  const configDir = join(tmp, 'config');
  const env = {AML_AUTH_CONFIG_DIR: configDir};
  try {
    const {inkApp, eagerCli, without} = await buildBaselines(tmp);
    const az = hasAz();
    const cases = {
      nodeExit: () => toExit(process.execPath, ['-e', '']),
      version: () => toExit(process.execPath, [CLI, '--version']),
      help: () => toExit(process.execPath, [CLI, '--help']),
      az: () => toExit('az', ['--version']),
      inkApp: () => toText([inkApp], FIRST_FRAME, {}),
      wizard: () => toText([CLI, '--cloud', 'AzureCloud'], FIRST_FRAME, env),
      wizardNoCache: () =>
        toText([CLI, '--cloud', 'AzureCloud'], FIRST_FRAME, {
          ...env,
          NODE_DISABLE_COMPILE_CACHE: '1',
        }),
      wizardEager: () => toText([eagerCli, '--cloud', 'AzureCloud'], FIRST_FRAME, env),
      ...Object.fromEntries(
        Object.entries(without).map(([t, cli]) => [
          `without-${t}`,
          () => toText([cli, '--cloud', 'AzureCloud'], FIRST_FRAME, env),
        ]),
      ),
      wizardEagerNoCache: () =>
        toText([eagerCli, '--cloud', 'AzureCloud'], FIRST_FRAME, {
          ...env,
          NODE_DISABLE_COMPILE_CACHE: '1',
        }),
    };
    if (!az) delete cases.az;
    const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
    for (let i = 0; i < WARMUP + RUNS; i++) {
      // Interleaved: each round runs every case once, so load on the machine hits all alike.
      // The quick ones take turns too, so a slow patch of the machine hits all three alike.
      const quick = Object.entries(cases).filter(([k]) => QUICK.has(k));
      for (let r = 0; r < QUICK_REPEATS; r++) {
        for (const [k, run] of quick) {
          const ms = await run();
          if (i >= WARMUP) times[k].push(ms);
        }
      }
      for (const [k, run] of Object.entries(cases)) {
        if (QUICK.has(k)) continue;
        const ms = await run();
        if (i >= WARMUP) times[k].push(ms);
      }
    }
    const m = (k) => median(times[k]);
    const s = (k) => spread(times[k]);
    const bundle = dirSize(join(ROOT, 'dist')) - mapsSize(join(ROOT, 'dist'));
    const rows = [
      row({
        target: 1,
        figure: 'wizard first frame',
        value: m('wizard'),
        baseline: 'trivial Ink app',
        baselineValue: m('inkApp'),
        goal: 1.0,
        spreadText: s('wizard'),
        note: `Ink app IQR ${s('inkApp')}`,
      }),
      az
        ? row({
            target: 1,
            figure: 'wizard first frame',
            value: m('wizard'),
            baseline: 'az --version',
            baselineValue: m('az'),
            goal: 0.5,
            spreadText: s('wizard'),
          })
        : skipped(1, 'wizard first frame vs az --version', 'az is not installed'),
      row({
        target: 1,
        figure: 'aml-auth --version',
        value: m('version'),
        baseline: "node -e ''",
        baselineValue: m('nodeExit'),
        goal: 1.1,
        spreadText: s('version'),
        note: `${times.version.length} runs; node -e '' IQR ${s('nodeExit')}`,
      }),
      row({
        target: 1,
        figure: 'aml-auth --help',
        value: m('help'),
        baseline: "node -e ''",
        baselineValue: m('nodeExit'),
        goal: 1.1,
        spreadText: s('help'),
        note: `${times.help.length} runs; node -e '' IQR ${s('nodeExit')}`,
      }),
      row({
        target: 1,
        figure: 'what the compile cache buys',
        value: m('wizard'),
        baseline: 'cache off',
        baselineValue: m('wizardNoCache'),
        spreadText: s('wizardNoCache'),
        note: 'first frame, NODE_DISABLE_COMPILE_CACHE=1 as baseline',
      }),
      row({
        target: 1,
        figure: 'what lazy chunks buy',
        value: m('wizard'),
        baseline: 'one eager bundle',
        baselineValue: m('wizardEager'),
        spreadText: s('wizardEager'),
        note: `first frame; both off: ${m('wizardEagerNoCache').toFixed(0)} ms`,
      }),
      ...Object.entries(TECHNIQUES).map(([t, name]) =>
        row({
          target: 1,
          figure: `what ${name} buys`,
          value: m('wizard'),
          baseline: 'built without it',
          baselineValue: m(`without-${t}`),
          spreadText: s(`without-${t}`),
          note: 'first frame',
        }),
      ),
      row({
        target: 7,
        figure: 'bundle size (dist/ without maps)',
        value: bundle / 1e6,
        unit: 'MB',
        digits: 2,
        note: `eager one-file bundle ${(statSync(join(tmp, 'eager', 'main.js')).size / 1e6).toFixed(2)} MB`,
      }),
    ];
    return rows;
  } finally {
    rmSync(tmp, {recursive: true, force: true});
  }
}

function mapsSize(path) {
  const s = statSync(path);
  if (!s.isDirectory()) return path.endsWith('.map') ? s.size : 0;
  return readdirSync(path).reduce((n, f) => n + mapsSize(join(path, f)), 0);
}

if (import.meta.url === `file://${process.argv[1]}`) await main(measure);
