/**
 * What a deployment's containers would have logged: the requests it served (live or mirrored, with
 * their request IDs and statuses), the model errors it raised, and the start-up lines of the
 * inference server and the storage initializer. The scoring path records each request with one
 * call (`recordServed`); `getLogs` renders the lines (`deploymentLogs`).
 */
import type {SandboxContext} from './context';
import {type ModelOutcome, runModel} from './models';
import type {Deployment, Endpoint} from './world';

export interface ServedRequest {
  /** Epoch milliseconds (the sandbox clock). */
  time: number;
  requestId: string;
  status: number;
  durationMs: number;
  /** A copy of a live request sent to this deployment as mirror traffic. */
  mirrored: boolean;
  /** The model's error message for a 424. */
  error?: string;
}

export type ContainerType = 'InferenceServer' | 'StorageInitializer';

/** Newest last; the oldest go beyond this many (a container's log is finite too). */
const KEEP = 2000;
const served = new WeakMap<Deployment, ServedRequest[]>();

/** Records a request the deployment answered (called from the scoring path). */
export function recordServed(d: Deployment, entry: ServedRequest): void {
  const list = served.get(d) ?? [];
  list.push(entry);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
  served.set(d, list);
}

/** `2026-01-15 09:30:00,000` — the Python logging time format the containers use. */
function stamp(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

function startedAt(d: Deployment): number {
  const t = Date.parse(d.createdAt);
  return Number.isFinite(t) ? t : 0;
}

function storageInitializer(d: Deployment): string[] {
  const t = startedAt(d);
  const model = d.modelAsset.replace(/^.*\/models\//, '').replace('/versions/', ':');
  return [
    `${stamp(t)} | INFO | storage-initializer | Starting model download: ${model}`,
    `${stamp(t + 850)} | INFO | storage-initializer | Downloading model files to /var/azureml-app/azureml-models/${model.replace(':', '/')}`,
    `${stamp(t + 2400)} | INFO | storage-initializer | Downloaded 3 files (41.2 KB)`,
    `${stamp(t + 2410)} | INFO | storage-initializer | Model download complete`,
  ];
}

function inferenceServer(d: Deployment): string[] {
  const t = startedAt(d) + 3000;
  const head = [
    `${stamp(t)} I [1] azmlinfsrv - Azure ML Inferencing HTTP server v1.4.0`,
    `${stamp(t + 5)} I [1] azmlinfsrv - Server settings: entry_script=score.py, workers=${d.maxConcurrentRequestsPerInstance}, request_timeout=${d.requestTimeoutMs}ms`,
    `${stamp(t + 900)} I [12] azmlinfsrv - Loading model from AZUREML_MODEL_DIR`,
    `${stamp(t + 1400)} I [12] azmlinfsrv - Users's init has completed successfully`,
    `${stamp(t + 1410)} I [12] azmlinfsrv - Scoring timeout is set to ${d.requestTimeoutMs}ms`,
    `${stamp(t + 1420)} I [12] azmlinfsrv - Listening on http://0.0.0.0:31311 (deployment ${d.name})`,
  ];
  const lines = [...head];
  for (const r of served.get(d) ?? []) {
    const tag = r.mirrored ? ' (mirrored)' : '';
    if (r.error !== undefined) {
      lines.push(
        `${stamp(r.time)} E [12] azmlinfsrv - Encountered Exception: ValueError: ${r.error.replace(/[\r\n]+/g, ' ')} request_id=${r.requestId}`,
      );
    }
    lines.push(
      `${stamp(r.time)} ${r.status >= 400 ? 'W' : 'I'} [12] azmlinfsrv - POST /score ${r.status} ${r.durationMs.toFixed(1)}ms request_id=${r.requestId}${tag}`,
    );
  }
  return lines;
}

/** The last `tail` lines of one container's log (all of them without `tail`). */
export function deploymentLogs(
  _ctx: SandboxContext,
  _e: Endpoint,
  d: Deployment,
  container: ContainerType,
  tail: number | undefined,
): string {
  const lines = container === 'StorageInitializer' ? storageInitializer(d) : inferenceServer(d);
  const kept = tail === undefined ? lines : tail <= 0 ? [] : lines.slice(-tail);
  return kept.length ? `${kept.join('\n')}\n` : '';
}

/** The scoring path's one call per answered request: what the deployment logs of it. */
export function recordOutcome(
  ctx: SandboxContext,
  d: Deployment,
  requestId: string,
  status: number,
  startedMs: number,
  outcome?: ModelOutcome,
): void {
  recordServed(d, {
    time: ctx.clock.now(),
    requestId,
    status,
    durationMs: Date.now() - startedMs,
    mirrored: false,
    ...(outcome && !outcome.ok ? {error: outcome.message} : {}),
  });
}

/** How many live requests each endpoint has seen, for an exact mirror share. */
const mirrorCounters = new WeakMap<Endpoint, number>();

/**
 * Mirror traffic: after the live answer, a copy of every n-th request (exactly the mirror share,
 * no randomness) is scored by the mirror deployment too. Its answer goes nowhere but its log, as
 * in Azure: the caller's answer is the live deployment's. Requests sent to one deployment by
 * header are not mirrored.
 */
export function mirrorRequest(
  ctx: SandboxContext,
  e: Endpoint,
  live: Deployment,
  body: Buffer,
  requestId: string,
): void {
  const entry = Object.entries(e.mirrorTraffic).find(([, share]) => share > 0);
  if (!entry) return;
  const [name, share] = entry;
  const mirror = e.deployments.find((d) => d.name.toLowerCase() === name.toLowerCase());
  if (!mirror || mirror === live || (mirror.provisioningState ?? 'Succeeded') !== 'Succeeded')
    return;
  const n = mirrorCounters.get(e) ?? 0;
  mirrorCounters.set(e, n + 1);
  if (Math.floor(((n + 1) * share) / 100) === Math.floor((n * share) / 100)) return;
  const started = Date.now();
  let outcome: ModelOutcome;
  try {
    outcome = runModel(mirror.model, JSON.parse(body.toString('utf8')));
  } catch (err) {
    outcome = {
      ok: false,
      statusCode: 400,
      message: `The request body is not valid JSON: ${(err as Error).message}`,
    };
  }
  recordServed(mirror, {
    time: ctx.clock.now(),
    requestId,
    status: outcome.ok ? 200 : 424,
    durationMs: Date.now() - started,
    mirrored: true,
    ...(outcome.ok ? {} : {error: outcome.message}),
  });
}
