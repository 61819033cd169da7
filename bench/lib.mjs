// Shared pieces of the benchmarks: statistics, the one table `npm run bench` prints, the sandbox as
// a child process, a pseudo-terminal reader, and /proc readings. Every figure is compared with a
// baseline measured in the same run (interleaved where it can be), so load on the machine hits
// both alike; nothing here is a timed assertion.
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import * as pty from 'node-pty';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'dist/cli.js');
export const SAMPLE = join(ROOT, 'assets/sample-request.json');

export const sorted = (xs) => [...xs].sort((a, b) => a - b);
export function quantile(xs, q) {
  const s = sorted(xs);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
export const median = (xs) => quantile(xs, 0.5);
export const p95 = (xs) => quantile(xs, 0.95);
/** The spread as the interquartile range, "p25–p75". */
export function spread(xs, digits = 0) {
  if (xs.length < 2) return '';
  return `${quantile(xs, 0.25).toFixed(digits)}–${quantile(xs, 0.75).toFixed(digits)}`;
}

/**
 * One row of the table. `value`/`baselineValue` in `unit`; `target` is the ratio the issue asks
 * for and `better` says which side of it passes ('lower' or 'higher').
 */
export function row({
  target: id,
  figure,
  value,
  unit = 'ms',
  baseline = '',
  baselineValue,
  ratio,
  goal,
  better = 'lower',
  spreadText = '',
  note = '',
  digits = 0,
}) {
  const r = ratio ?? (baselineValue ? value / baselineValue : undefined);
  const pass =
    goal === undefined || r === undefined || Number.isNaN(r)
      ? undefined
      : better === 'lower'
        ? r <= goal
        : r >= goal;
  return {
    id,
    figure,
    value,
    unit,
    baseline,
    baselineValue,
    ratio: r,
    goal,
    better,
    spread: spreadText,
    note,
    digits,
    pass,
  };
}

/** A row for a figure that could not be measured on this machine. */
export const skipped = (id, figure, note) => ({id, figure, skipped: true, note});

const fmt = (v, digits, unit) =>
  v === undefined || Number.isNaN(v) ? '' : `${Number(v).toFixed(digits)} ${unit}`.trim();

export function printTable(rows, out = process.stdout) {
  const cells = rows.map((r) =>
    r.skipped
      ? [r.id, r.figure, 'skipped', '', '', '', '', r.note]
      : [
          r.id,
          r.figure,
          fmt(r.value, r.digits, r.unit),
          r.baseline ? `${r.baseline} ${fmt(r.baselineValue, r.digits, r.unit)}`.trim() : '',
          r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}×`,
          r.goal === undefined
            ? ''
            : `${r.better === 'lower' ? '≤' : '≥'} ${r.goal}× ${r.pass ? 'ok' : 'MISSED'}`,
          r.spread,
          r.note,
        ],
  );
  const head = ['#', 'figure', 'median', 'baseline (same run)', 'ratio', 'target', 'IQR', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => String(c[i]).length)));
  const line = (c) =>
    c
      .map((x, i) => String(x).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  out.write(`${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const c of cells) out.write(`${line(c)}\n`);
}

/** Runs a bench script's `measure()`: prints its table, or JSON rows with --json (for run.mjs). */
export async function main(measure) {
  const rows = await measure();
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(rows)}\n`);
  else printTable(rows);
}

/** Environment for child CLIs: a private config folder, no CI variables. */
export function cliEnv(extra = {}) {
  const env = {...process.env, TERM: 'xterm-256color', NO_COLOR: '1', ...extra};
  for (const k of ['CI', 'CONTINUOUS_INTEGRATION', 'DBUS_SESSION_BUS_ADDRESS', 'DISPLAY'])
    delete env[k];
  return env;
}

/** `aml-auth sandbox --json` as a child process; resolves with its descriptor and stop(). */
export async function startSandbox(args = []) {
  const dir = mkdtempSync(join(tmpdir(), 'aml-auth-bench-sb-'));
  const child = spawn(process.execPath, [CLI, 'sandbox', '--json', '--dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: cliEnv(),
  });
  const descriptor = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('\n')) resolve(JSON.parse(out.split('\n')[0]));
    });
    child.once('exit', (code) =>
      reject(new Error(`the sandbox exited (${code}) before it started`)),
    );
  });
  const principal = (name) => descriptor.principals.find((p) => p.name === name);
  return {
    descriptor,
    pid: child.pid,
    ca: readFileSync(descriptor.caCertFile),
    principal,
    /** Arguments that sign a command in as ops-automation (its secret goes in the env). */
    signInArgs() {
      const ops = principal('ops-automation');
      return {
        args: [
          '--cloud',
          descriptor.cloudFile,
          '--tenant',
          descriptor.tenantId,
          '--auth-method',
          'service-principal',
          '--client-id',
          ops.clientId,
        ],
        env: {AZURE_CLIENT_ID: ops.clientId, AZURE_CLIENT_SECRET: ops.clientSecret},
      };
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      rmSync(dir, {recursive: true, force: true});
    },
  };
}

/** Runs the CLI to its end; resolves with exit code, stdout, stderr and wall time. */
export function runCli(args, env = {}) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      env: cliEnv(env),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.once('close', (code) => resolve({code, stdout, stderr, ms: performance.now() - t0}));
  });
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07]*\x07|\x1b[()][A-Z0-9]|\x1b[=>78]/g;
export const stripAnsi = (s) => s.replace(ANSI, '');

/**
 * A program in a pseudo-terminal. `waitFor(text)` resolves with the milliseconds since spawn when
 * `text` appears in the output (escape sequences removed) after the given offset. `writes` counts
 * the program's writes to the terminal with their times.
 */
export function spawnPty(file, args, {env = cliEnv(), cols = 100, rows = 32} = {}) {
  const t0 = performance.now();
  const child = pty.spawn(file, args, {name: 'xterm-256color', cols, rows, env, cwd: ROOT});
  let text = '';
  const writes = [];
  const waiters = [];
  let exited = false;
  child.onData((d) => {
    writes.push({at: performance.now(), bytes: d.length});
    text += stripAnsi(d);
    for (const w of [...waiters]) w();
  });
  let onExit;
  const exitedPromise = new Promise((r) => (onExit = r));
  child.onExit(() => {
    exited = true;
    onExit();
  });
  return {
    pid: child.pid,
    writes,
    get text() {
      return text;
    },
    /** Resolves with ms since spawn once `needle` shows after `from` (an index into the text). */
    waitFor(needle, {from = 0, timeoutMs = 20_000} = {}) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const i = text.indexOf(needle, from);
          if (i >= 0) {
            waiters.splice(waiters.indexOf(check), 1);
            clearTimeout(timer);
            resolve({ms: performance.now() - t0, at: performance.now(), index: i});
            return true;
          }
          return false;
        };
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(check), 1);
          reject(
            new Error(`no "${needle}" within ${timeoutMs} ms; last output:\n${text.slice(-800)}`),
          );
        }, timeoutMs);
        waiters.push(check);
        check();
      });
    },
    write: (s) => child.write(s),
    /** SIGTERM by default: the app exits as on ctrl+c (Node writes its compile cache then). */
    kill(signal = 'SIGTERM') {
      if (!exited) child.kill(signal);
    },
    /** Ends the program (SIGTERM, then SIGKILL after 3 s) and waits until it has. */
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => !exited && child.kill('SIGKILL'), 3000);
      await exitedPromise;
      clearTimeout(timer);
    },
  };
}

export const KEYS = {enter: '\r', down: '\x1b[B', up: '\x1b[A', esc: '\x1b', backspace: '\x7f'};
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** CPU seconds (user + system) a process has used so far, from /proc. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[11], fields[12] are utime and stime (fields 14 and 15 of stat) in clock ticks (100/s).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Resident memory of a process in MB, from /proc. */
export function rssMb(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** The wizard in a pseudo-terminal on a sandbox's cloud file, with a private config folder. */
export function spawnWizard(sandbox, {configDir, cols = 100, rows = 40} = {}) {
  return spawnPty(process.execPath, [CLI, '--cloud', sandbox.descriptor.cloudFile], {
    env: cliEnv({AML_AUTH_CONFIG_DIR: configDir, FORCE_COLOR: '0'}),
    cols,
    rows,
  });
}

/** Waits for `needle` in output written after this call (not in earlier frames). */
export const next = (app, needle, timeoutMs) =>
  app.waitFor(needle, {from: app.text.length, timeoutMs});

/** From the first frame: device code (the sandbox approves it), tenant, on to the subscriptions. */
export async function signIn(app) {
  await app.waitFor('How do you want to sign in?');
  await sleep(300); // the first frame comes before the app reads keys
  let wait = next(app, 'Tenant:');
  app.write(KEYS.enter);
  await wait;
  wait = next(app, 'Signed in', 30_000);
  app.write(KEYS.enter);
  await wait;
  await sleep(300);
  wait = next(app, 'Choose a subscription', 30_000);
  app.write(KEYS.enter);
  await wait;
  await app.waitFor('Sandbox Prod', {timeoutMs: 30_000});
  await sleep(300);
}
