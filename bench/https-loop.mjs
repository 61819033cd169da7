// The baseline of the scoring benchmarks: a bare Node https loop with keep-alive, sending the same
// request the CLI sends (POST, bearer credential, JSON body) to the same scoring URI.
//   node bench/https-loop.mjs --url U --ca FILE --body FILE [--count N | --seconds S] [--concurrency C]
// The credential comes from BENCH_CREDENTIAL (never a flag). Prints one JSON line: the latency of
// each request in ms (with --count), or how many answered and in how long (with --seconds).
import {Agent, request} from 'node:https';
import {readFileSync} from 'node:fs';
import {parseArgs} from 'node:util';

const {values} = parseArgs({
  options: {
    url: {type: 'string'},
    ca: {type: 'string'},
    body: {type: 'string'},
    count: {type: 'string'},
    seconds: {type: 'string'},
    concurrency: {type: 'string', default: '1'},
  },
});
const url = new URL(values.url);
const body = readFileSync(values.body);
const concurrency = Number(values.concurrency);
const agent = new Agent({keepAlive: true, maxSockets: concurrency, ca: readFileSync(values.ca)});
const headers = {
  authorization: `Bearer ${process.env.BENCH_CREDENTIAL}`,
  'content-type': 'application/json',
  'content-length': body.length,
};

function once() {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const req = request(url, {method: 'POST', agent, headers}, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({status: res.statusCode, ms: performance.now() - t0}));
    });
    req.on('error', () => resolve({status: 0, ms: performance.now() - t0}));
    req.end(body);
  });
}

if (values.count) {
  const latencies = [];
  let failed = 0;
  for (let i = 0; i < Number(values.count); i++) {
    const r = await once();
    if (r.status !== 200) failed++;
    latencies.push(r.ms);
  }
  process.stdout.write(`${JSON.stringify({latencies, failed})}\n`);
} else {
  const end = performance.now() + Number(values.seconds ?? 3) * 1000;
  let answered = 0;
  let failed = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (performance.now() < end) {
        const r = await once();
        if (r.status === 200) answered++;
        else failed++;
      }
    }),
  );
  process.stdout.write(
    `${JSON.stringify({answered, failed, seconds: (performance.now() - t0) / 1000})}\n`,
  );
}
agent.destroy();
