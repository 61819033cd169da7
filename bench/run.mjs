// `npm run bench`: every benchmark, one table. Each script runs in its own process (so one does
// not warm up or load the next) and reports rows measured against a baseline in the same run.
// BENCH_ONLY=startup,invoke runs a subset. The soak (bench/soak.mjs, `npm run bench:soak`) is
// separate: it runs for a minute and checks answers rather than ratios.
import {spawnSync} from 'node:child_process';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {CLI, ROOT, printTable, skipped} from './lib.mjs';

const SCRIPTS = [
  ['startup', 'targets 1 and 7: start-up, sizes'],
  ['invoke', 'target 3: invoke overhead'],
  ['quiet', 'target 4: quiet screens'],
  ['scale', 'target 5: lists that scale'],
  ['capacity', 'target 6: sandbox capacity'],
];
const only = process.env.BENCH_ONLY?.split(',');

if (!existsSync(CLI)) {
  process.stderr.write('bench: dist/cli.js is missing: run `npm run build` first\n');
  process.exit(2);
}
const rows = [];
const started = performance.now();
for (const [name, what] of SCRIPTS) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`bench: ${name} (${what})…\n`);
  const r = spawnSync(process.execPath, [join(ROOT, 'bench', `${name}.mjs`), '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const line = r.stdout.trim().split('\n').at(-1);
  if (r.status !== 0 || !line) {
    rows.push(skipped('-', name, `failed (exit ${r.status}); run node bench/${name}.mjs alone`));
    continue;
  }
  rows.push(...JSON.parse(line));
}
const load = (await import('node:os')).loadavg()[0];
process.stdout.write(
  `aml-auth ${process.env.npm_package_version ?? ''} · Node ${process.version} · ${(await import('node:os')).cpus().length} cores · load ${load.toFixed(1)} at the end · ${((performance.now() - started) / 1000).toFixed(0)} s\n\n`,
);
printTable(rows);
const missed = rows.filter((r) => r.pass === false).length;
process.stdout.write(
  `\n${missed === 0 ? 'every target met' : `${missed} target(s) missed`}; medians after warm-up, IQR = p25–p75; ratios are to a baseline measured in the same run.\n`,
);
