// Target 5 (lists that scale): the wizard's endpoint list in a workspace of 2,000 endpoints
// (`aml-auth sandbox --scale 300x2000`, ARM pages of 100) next to the same workspace with 20
// (`--scale 300x20`), round by round: the time from Enter on the workspace to the first rows, the
// time from a filter keystroke to the frame that answers it (median and p95, against one 60 Hz
// frame, 16.7 ms), and the wizard's resident memory with the whole list loaded.
// Run: npm run build && node bench/scale.mjs   (BENCH_ROUNDS=3, BENCH_KEYS=20: keystrokes a round)
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {
  KEYS,
  main,
  median,
  next,
  p95,
  row,
  rssMb,
  signIn,
  sleep,
  spawnWizard,
  spread,
  startSandbox,
} from './lib.mjs';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const KEY_COUNT = Number(process.env.BENCH_KEYS ?? 20);
const FRAME_MS = 1000 / 60;

/** One wizard: sign in, Sandbox Dev, ws-scale; first rows, filter keystrokes, memory. */
async function once(sandbox) {
  const configDir = mkdtempSync(join(tmpdir(), 'aml-auth-bench-scale-'));
  const app = spawnWizard(sandbox, {configDir});
  try {
    await signIn(app);
    let wait = next(app, 'ws-experiments', 30_000);
    app.write(KEYS.enter); // Sandbox Dev sorts first
    await wait;
    await sleep(300);
    wait = next(app, '› ws-experiments');
    app.write(KEYS.down);
    await wait;
    wait = next(app, '› ws-scale');
    app.write(KEYS.down);
    await wait;
    await sleep(200);
    const t0 = performance.now();
    wait = next(app, 'scale-', 30_000);
    app.write(KEYS.enter); // ws-scale
    const firstRows = (await wait).at - t0;
    // The whole list is in once its "so far" spinner has gone.
    await sleep(300);
    await waitLoaded(app);
    // The frame that ended the loading was just drawn: a key now would wait for Ink's 30-frames-a-
    // second cap (a 40 ms first keystroke in every round), not for the filter.
    await sleep(200);
    const rss = rssMb(app.pid);
    // Filter keystrokes, each after the screen is quiet (Ink draws the first frame of a burst at
    // once, later ones at most 30 times a second): from the keystroke to the frame that shows the
    // filter it made. The filter is typed a letter at a time, cleared with esc, and typed again.
    const keys = [];
    const word = 'scale-00';
    let typed = '';
    for (let i = 0; i < KEY_COUNT; i++) {
      if (typed === word) {
        app.write(KEYS.esc);
        typed = '';
        await sleep(200);
      }
      typed += word[typed.length];
      const wait = next(app, `filter: ${typed}  (`);
      const sent = performance.now();
      app.write(typed.at(-1));
      keys.push((await wait).at - sent);
      await sleep(120);
    }
    return {firstRows, keys, rss};
  } finally {
    await app.stop();
    rmSync(configDir, {recursive: true, force: true});
  }
}

async function waitLoaded(app) {
  for (let i = 0; i < 300; i++) {
    if (!/so far…/.test(app.text.slice(-3000))) return;
    await sleep(50);
  }
}

export async function measure() {
  const big = await startSandbox(['--scale', '300x2000', '--auto-approve', 'owner']);
  const small = await startSandbox(['--scale', '300x20', '--auto-approve', 'owner']);
  try {
    const r = {big: {first: [], keys: [], rss: []}, small: {first: [], keys: [], rss: []}};
    for (let i = 0; i < ROUNDS + 1; i++) {
      const b = await once(big);
      const s = await once(small);
      if (i === 0) continue; // warm-up
      r.big.first.push(b.firstRows);
      r.big.keys.push(...b.keys);
      r.big.rss.push(b.rss);
      r.small.first.push(s.firstRows);
      r.small.keys.push(...s.keys);
      r.small.rss.push(s.rss);
    }
    return [
      row({
        target: 5,
        figure: 'endpoint list: first rows, 2,000 endpoints',
        value: median(r.big.first),
        baseline: '20 endpoints',
        baselineValue: median(r.small.first),
        goal: 3,
        spreadText: spread(r.big.first),
        note: `20: IQR ${spread(r.small.first)}; ARM pages of 100`,
      }),
      row({
        target: 5,
        figure: 'filter keystroke → frame, 2,000 endpoints',
        value: median(r.big.keys),
        baseline: '60 Hz frame',
        baselineValue: FRAME_MS,
        goal: 1,
        digits: 1,
        spreadText: spread(r.big.keys, 1),
        note: `p95 ${p95(r.big.keys).toFixed(1)} ms; with 20: median ${median(r.small.keys).toFixed(1)}, p95 ${p95(r.small.keys).toFixed(1)} ms`,
      }),
      row({
        target: 5,
        figure: 'filter keystroke → frame p95, 2,000',
        value: p95(r.big.keys),
        baseline: '60 Hz frame',
        baselineValue: FRAME_MS,
        goal: 1,
        digits: 1,
        note: `${r.big.keys.length} keystrokes`,
      }),
      row({
        target: 5,
        figure: 'wizard memory, 2,000 endpoints loaded',
        value: median(r.big.rss),
        unit: 'MB',
        baseline: '20 endpoints',
        baselineValue: median(r.small.rss),
        note: 'resident set (VmRSS)',
      }),
    ];
  } finally {
    await big.stop();
    await small.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(measure);
