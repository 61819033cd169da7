// Startup benchmark: time to the wizard's first frame and to `--help`, as ratios to a bare Node
// start measured side by side in the same run (never a timed assertion in a test).
// Run: npm run build && npm run bench
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import * as pty from 'node-pty';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const configDir = mkdtempSync(join(tmpdir(), 'aml-auth-bench-'));
const env = {...process.env, AML_AUTH_CONFIG_DIR: configDir, TERM: 'xterm-256color'};
delete env.CI;
delete env.CONTINUOUS_INTEGRATION;

/** Milliseconds from spawn until `marker` appears in the pseudo-terminal's output. */
function timeToText(args, marker) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = pty.spawn(process.execPath, args, {cols: 100, rows: 30, env});
    let out = '';
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`no "${marker}" within 10 s`));
    }, 10_000);
    child.onData((d) => {
      out += d;
      if (out.includes(marker)) {
        clearTimeout(timer);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        child.kill();
        resolve(ms);
      }
    });
  });
}

function timeToExit(args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {env, encoding: 'utf8'});
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const results = {baseline: [], help: [], firstFrame: []};
for (let i = 0; i < RUNS; i++) {
  // Interleaved, so load on the machine hits all three alike.
  results.baseline.push(await timeToText(['-e', "process.stdout.write('ready')"], 'ready'));
  results.help.push(timeToExit([CLI, '--help']));
  results.firstFrame.push(
    await timeToText([CLI, '--cloud', 'AzureCloud'], 'How do you want to sign in?'),
  );
}
rmSync(configDir, {recursive: true, force: true});

const base = median(results.baseline);
const rows = [
  ['bare node start (baseline)', base],
  ['aml-auth --help', median(results.help)],
  ['aml-auth wizard first frame', median(results.firstFrame)],
];
console.log(`median of ${RUNS} runs`);
for (const [name, ms] of rows)
  console.log(
    `${name.padEnd(30)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / base).toFixed(2)}× baseline`,
  );
