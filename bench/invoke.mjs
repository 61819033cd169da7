// Target 3 (invoke overhead): `aml-auth invoke --repeat N` against the sandbox next to a bare Node
// https keep-alive loop (bench/https-loop.mjs) sending the same request to the same endpoint,
// interleaved round by round. Compares the median latency per request each reports, and the wall
// time each request adds to the whole run ((T(repeat N) − T(repeat 1)) / (N − 1) against the
// loop's mean), which also counts what the CLI does between requests.
// Run: npm run build && node bench/invoke.mjs   (BENCH_REPEAT=200, BENCH_ROUNDS=3)
import {spawn} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {ROOT, SAMPLE, cliEnv, main, median, row, runCli, spread, startSandbox} from './lib.mjs';

const REPEAT = Number(process.env.BENCH_REPEAT ?? 200);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);

export function httpsLoop(args, credential) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench/https-loop.mjs'), ...args], {
      env: cliEnv({BENCH_CREDENTIAL: credential}),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`https-loop exited ${code}`)),
    );
  });
}

/** The sandbox, a private config folder, and churn-scorer's scoring URI and key. */
export async function keyEndpoint() {
  const sandbox = await startSandbox(['--provisioning-delay', '0s']);
  const configDir = mkdtempSync(join(tmpdir(), 'aml-auth-bench-cfg-'));
  const {args, env} = sandbox.signInArgs();
  const names = [...args, '--subscription', 'Sandbox Dev', '--workspace', 'ws-dev'];
  const cliEnvVars = {...env, AML_AUTH_CONFIG_DIR: configDir};
  const creds = await runCli(
    ['creds', ...names, '--endpoint', 'churn-scorer', '-o', 'json'],
    cliEnvVars,
  );
  if (creds.code !== 0) throw new Error(`creds failed: ${creds.stderr}`);
  const c = JSON.parse(creds.stdout);
  return {
    sandbox,
    names,
    env: cliEnvVars,
    scoringUri: c.scoringUri,
    key: c.credential.value,
    async stop() {
      await sandbox.stop();
      rmSync(configDir, {recursive: true, force: true});
    },
  };
}

export async function measure() {
  const ep = await keyEndpoint();
  try {
    const invokeArgs = (n) => [
      'invoke',
      ...ep.names,
      '--endpoint',
      'churn-scorer',
      '--request',
      SAMPLE,
      '--repeat',
      String(n),
      '-o',
      'json',
    ];
    const loopArgs = [
      '--url',
      ep.scoringUri,
      '--ca',
      ep.sandbox.descriptor.caCertFile,
      '--body',
      SAMPLE,
    ];
    const app = [];
    const bare = [];
    const appWall = [];
    const appOne = [];
    const bareMean = [];
    for (let round = 0; round < ROUNDS + 1; round++) {
      const a = await runCli(invokeArgs(REPEAT), ep.env);
      if (a.code !== 0) throw new Error(`invoke failed: ${a.stderr}`);
      const one = await runCli(invokeArgs(1), ep.env);
      const b = await httpsLoop([...loopArgs, '--count', String(REPEAT)], ep.key);
      if (round === 0) continue; // warm-up
      app.push(...JSON.parse(a.stdout).requests.map((r) => r.latencyMs));
      bare.push(...b.latencies);
      appWall.push(a.ms);
      appOne.push(one.ms);
      bareMean.push(b.latencies.reduce((x, y) => x + y, 0) / b.latencies.length);
    }
    const perRequest = (median(appWall) - median(appOne)) / (REPEAT - 1);
    return [
      row({
        target: 3,
        figure: `invoke --repeat ${REPEAT}: latency per request`,
        value: median(app),
        baseline: 'bare https keep-alive loop',
        baselineValue: median(bare),
        goal: 1.2,
        digits: 2,
        spreadText: spread(app, 2),
        note: `loop IQR ${spread(bare, 2)}; ${ROUNDS} rounds`,
      }),
      row({
        target: 3,
        figure: `invoke --repeat ${REPEAT}: wall time per request`,
        value: perRequest,
        baseline: 'loop mean',
        baselineValue: median(bareMean),
        digits: 2,
        note: '(T(repeat N) − T(repeat 1)) / (N − 1)',
      }),
    ];
  } finally {
    await ep.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(measure);
