// Soak: 60 s (SOAK_SECONDS) of mixed identity, Resource Manager and scoring traffic against the
// sandbox with faults on (429, 503, dropped connections, latency). It checks that the sandbox keeps
// serving, that every request gets an answer — a status or the injected drop, never a hang — and
// reports memory over time. Exits 1 when a request hangs, an answer is not one the sandbox may give,
// or the sandbox dies. Memory is reported as a ratio (last 10 s vs. the first 10 s after warm-up),
// not asserted: it depends on the machine.
// Run: npm run build && node bench/soak.mjs
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {request as httpsRequest} from 'node:https';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

const CLI = new URL('../dist/cli.js', import.meta.url).pathname;
const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const CONCURRENCY = Number(process.env.SOAK_CONCURRENCY ?? 8);
const REQUEST_TIMEOUT_MS = 15_000;
const FAULTS =
  'identity:429:rate=0.05:retry-after=0,arm:503:rate=0.05:retry-after=0,arm:drop:rate=0.02,' +
  'scoring:drop:rate=0.03,scoring:latency=50ms:rate=0.2,scoring:500:rate=0.03';

const dir = mkdtempSync(join(tmpdir(), 'aml-auth-soak-'));
const child = spawn(
  process.execPath,
  [CLI, 'sandbox', '--json', '--dir', dir, '--faults', FAULTS, '--provisioning-delay', '0s'],
  {stdio: ['ignore', 'pipe', 'inherit']},
);
const descriptor = await new Promise((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const line = out.split('\n')[0];
    if (out.includes('\n')) resolve(JSON.parse(line));
  });
  child.once('exit', (code) => reject(new Error(`the sandbox exited (${code}) before it started`)));
});
const ca = readFileSync(descriptor.caCertFile, 'utf8');
let died = false;
child.once('exit', () => (died = true));

function call(url, {method = 'GET', headers = {}, body} = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = httpsRequest(url, {method, headers, ca, agent: false}, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode,
          text: Buffer.concat(chunks).toString('utf8'),
          ms: performance.now() - started,
        }),
      );
      res.on('error', (err) => resolve({error: err.code ?? err.message}));
    });
    req.setTimeout(REQUEST_TIMEOUT_MS, () =>
      req.destroy(Object.assign(new Error('hang'), {code: 'HANG'})),
    );
    req.on('error', (err) => resolve({error: err.code ?? err.message}));
    if (body) req.write(body);
    req.end();
  });
}

const sp = descriptor.principals.find((p) => p.name === 'ops-automation');
const tokenUrl = `${descriptor.authorityHost}/${descriptor.tenantId}/oauth2/v2.0/token`;
async function token(scope) {
  for (;;) {
    const res = await call(tokenUrl, {
      method: 'POST',
      headers: {'content-type': 'application/x-www-form-urlencoded'},
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: sp.clientId,
        client_secret: sp.clientSecret,
        scope,
      }).toString(),
    });
    if (res.status === 200) return JSON.parse(res.text).access_token;
  }
}
const [mgmt, ml] = [await token(descriptor.managementScope), await token(descriptor.mlScope)];
const sub = descriptor.subscriptions[0].subscriptionId;
const ws = `${descriptor.resourceManagerEndpoint}subscriptions/${sub}/resourceGroups/rg-ws-dev/providers/Microsoft.MachineLearningServices/workspaces/ws-dev`;
const q = '?api-version=2025-09-01';
let fraudUri;
while (!fraudUri) {
  const res = await call(`${ws}/onlineEndpoints/fraud-aad${q}`, {
    headers: {authorization: `Bearer ${mgmt}`},
  });
  if (res.status === 200) fraudUri = JSON.parse(res.text).properties.scoringUri;
}
const sample = readFileSync(new URL('../assets/sample-request.json', import.meta.url), 'utf8');

// Each kind of request and the answers the sandbox may give it (with the faults above).
const KINDS = [
  {
    name: 'identity token',
    allowed: [200, 429],
    run: () =>
      call(tokenUrl, {
        method: 'POST',
        headers: {'content-type': 'application/x-www-form-urlencoded'},
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: sp.clientId,
          client_secret: sp.clientSecret,
          scope: descriptor.mlScope,
        }).toString(),
      }),
  },
  {
    name: 'ARM list endpoints',
    allowed: [200, 503],
    run: () => call(`${ws}/onlineEndpoints${q}`, {headers: {authorization: `Bearer ${mgmt}`}}),
  },
  {
    name: 'ARM listKeys',
    allowed: [200, 503],
    run: () =>
      call(`${ws}/onlineEndpoints/churn-scorer/listKeys${q}`, {
        method: 'POST',
        headers: {authorization: `Bearer ${mgmt}`},
      }),
  },
  {
    name: 'ARM bad request',
    allowed: [400, 404, 503],
    run: () =>
      call(`${ws}/onlineEndpoints/Not_Valid${q}`, {
        method: 'PUT',
        headers: {authorization: `Bearer ${mgmt}`, 'content-type': 'application/json'},
        body: '{"location": 1}',
      }),
  },
  {
    name: 'score fraud-aad',
    // 429: more requests at once than max_concurrent_requests_per_instance allows, as in Azure.
    allowed: [200, 429, 500],
    run: () =>
      call(fraudUri, {
        method: 'POST',
        headers: {authorization: `Bearer ${ml}`, 'content-type': 'application/json'},
        body: sample,
      }),
  },
  {
    name: 'score with a bad token',
    allowed: [401, 500],
    run: () =>
      call(fraudUri, {
        method: 'POST',
        headers: {authorization: 'Bearer not.a.token', 'content-type': 'application/json'},
        body: sample,
      }),
  },
];
const INJECTED_DROPS = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

const stats = new Map(KINDS.map((k) => [k.name, {count: 0, statuses: {}, drops: 0, bad: []}]));
const rssSamples = [];
function rssKb() {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  } catch {
    return undefined;
  }
}
const sampler = setInterval(() => rssSamples.push({t: performance.now(), kb: rssKb()}), 1000);

const start = performance.now();
const end = start + SECONDS * 1000;
let next = 0;
async function worker() {
  while (performance.now() < end && !died) {
    const kind = KINDS[next++ % KINDS.length];
    const s = stats.get(kind.name);
    const res = await kind.run();
    s.count++;
    if (res.error) {
      if (INJECTED_DROPS.has(res.error)) s.drops++;
      else s.bad.push(res.error);
    } else {
      s.statuses[res.status] = (s.statuses[res.status] ?? 0) + 1;
      if (!kind.allowed.includes(res.status)) s.bad.push(`${res.status} ${res.text.slice(0, 120)}`);
    }
  }
}
await Promise.all(Array.from({length: CONCURRENCY}, worker));
clearInterval(sampler);
const elapsed = (performance.now() - start) / 1000;
const stillServing =
  !died &&
  (await call(`${ws}/onlineEndpoints${q}`, {headers: {authorization: `Bearer ${mgmt}`}})).status !==
    undefined;
child.kill('SIGTERM');
rmSync(dir, {recursive: true, force: true});

const window = (from, to) => {
  const xs = rssSamples.filter(
    (s) => s.kb && s.t - start >= from * 1000 && s.t - start < to * 1000,
  );
  return xs.length ? xs.reduce((a, s) => a + s.kb, 0) / xs.length : undefined;
};
const warm = Math.min(10, SECONDS / 4);
const early = window(warm, warm + Math.min(10, SECONDS / 4));
const late = window(SECONDS - Math.min(10, SECONDS / 4), SECONDS + 1);

let total = 0;
let failures = 0;
console.log(`soak: ${SECONDS} s, ${CONCURRENCY} concurrent, faults ${FAULTS}`);
for (const [name, s] of stats) {
  total += s.count;
  failures += s.bad.length;
  const statuses = Object.entries(s.statuses)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  console.log(
    `  ${name.padEnd(24)} ${String(s.count).padStart(6)}  ${statuses}${s.drops ? ` drop×${s.drops}` : ''}${s.bad.length ? `  UNEXPECTED ${s.bad.length}: ${[...new Set(s.bad)].slice(0, 3).join(' | ')}` : ''}`,
  );
}
console.log(
  `  ${total} requests, ${(total / elapsed).toFixed(0)} per second; unexpected answers or hangs: ${failures}`,
);
if (early && late)
  console.log(
    `  sandbox RSS: ${(early / 1024).toFixed(1)} MB after warm-up, ${(late / 1024).toFixed(1)} MB at the end (×${(late / early).toFixed(2)})`,
  );
console.log(`  sandbox still serving at the end: ${stillServing ? 'yes' : 'NO'}`);
process.exitCode = failures === 0 && stillServing ? 0 : 1;
