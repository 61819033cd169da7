// Target 6 (sandbox capacity): scoring requests per second the sandbox answers on loopback, with
// keep-alive, from a bare Node https client (bench/https-loop.mjs) with several requests in flight,
// so the other benchmarks measure the app and not the sandbox. The target is absolute (2,000/s).
// Run: npm run build && node bench/capacity.mjs   (BENCH_SECONDS=3, BENCH_CONCURRENCY=8)
import {SAMPLE, main, median, row, spread} from './lib.mjs';
import {httpsLoop, keyEndpoint} from './invoke.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const GOAL = 2000;

export async function measure() {
  const ep = await keyEndpoint();
  try {
    const args = [
      '--url',
      ep.scoringUri,
      '--ca',
      ep.sandbox.descriptor.caCertFile,
      '--body',
      SAMPLE,
      '--seconds',
      String(SECONDS),
      '--concurrency',
      String(CONCURRENCY),
    ];
    await httpsLoop([...args.slice(0, -4), '--seconds', '1', '--concurrency', '2'], ep.key); // warm-up
    const rates = [];
    let failed = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const r = await httpsLoop(args, ep.key);
      rates.push(r.answered / r.seconds);
      failed += r.failed;
    }
    return [
      row({
        target: 6,
        figure: `sandbox scoring capacity (${CONCURRENCY} in flight)`,
        value: median(rates),
        unit: 'req/s',
        baseline: 'target',
        baselineValue: GOAL,
        goal: 1,
        better: 'higher',
        spreadText: spread(rates),
        note: `${ROUNDS}× ${SECONDS} s, ${failed} not 200`,
      }),
    ];
  } finally {
    await ep.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main(measure);
