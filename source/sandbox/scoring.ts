import {timingSafeEqual} from 'node:crypto';
import {settleOperations} from './arm';
import type {SandboxContext} from './context';
import {ML_AUDIENCE} from './context';
import {BodyTooLarge, type Exchange} from './http';
import {JwtError} from './jwt';
import {mirrorRequest, recordOutcome} from './deployment-logs';
import {runModel} from './models';
import {traceOf, traceScoring} from './monitor';
import {isAllowed, principalById} from './rbac';
import {newGuid, sleep} from './util';
import {type Deployment, type Endpoint, endpointKey, endpointScope} from './world';

export const SCORE_ACTION =
  'Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action';
/** The documented payload limit of managed online endpoints. */
export const MAX_PAYLOAD_BYTES = 1.5 * 1024 * 1024;
const NO_DEPLOYMENT =
  'No valid deployments to route to. Please check that the endpoint has at least one deployment with positive weight values or use a deployment specific header to route.';

class ScoringError extends Error {
  constructor(
    readonly status: number,
    body: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(body);
  }
}

/** Smooth weighted round-robin state per endpoint: exact traffic shares, no randomness. */
const routing = new WeakMap<Endpoint, Map<string, number>>();

function pickByTraffic(e: Endpoint): Deployment | undefined {
  const weights = e.deployments.map((d) => ({d, w: e.traffic[d.name] ?? 0})).filter((x) => x.w > 0);
  if (weights.length === 0) return undefined;
  const current = routing.get(e) ?? new Map<string, number>();
  routing.set(e, current);
  const total = weights.reduce((a, x) => a + x.w, 0);
  let best: {d: Deployment; score: number} | undefined;
  for (const {d, w} of weights) {
    const score = (current.get(d.name) ?? 0) + w;
    current.set(d.name, score);
    if (!best || score > best.score) best = {d, score};
  }
  current.set(best!.d.name, best!.score - total);
  return best!.d;
}

function bearer(ex: Exchange): string {
  const header = ex.header('authorization');
  const m = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  if (!m) {
    throw new ScoringError(
      401,
      'key_auth_bad_header_forbidden',
      challenge('The Authorization header is missing or is not "Bearer <credential>".'),
    );
  }
  return m[1]!;
}

const challenge = (reason: string) => ({
  'www-authenticate': `Bearer error="invalid_token", error_description="${reason}"`,
});

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Checks the caller's credential against the endpoint's auth mode, as the scoring gateway does. */
function authenticateCaller(ctx: SandboxContext, ex: Exchange, e: Endpoint): void {
  const credential = bearer(ex);
  const now = ctx.clock.nowSeconds();
  if (e.authMode === 'Key') {
    if (sameSecret(credential, e.keys.primaryKey) || sameSecret(credential, e.keys.secondaryKey)) {
      ex.caller = 'key';
      return;
    }
    throw new ScoringError(
      401,
      'key_auth_access_denied',
      challenge('The key is not a current primary or secondary key of this endpoint.'),
    );
  }
  if (e.authMode === 'AMLToken') {
    try {
      const claims = ctx.amlSigner.verify(credential, now);
      if (claims.endpoint !== endpointScope(e).toLowerCase() || claims.eid !== e.instanceId) {
        throw new ScoringError(
          401,
          'aml_token_auth_access_denied',
          challenge('The Azure ML token was issued for another endpoint.'),
        );
      }
      ex.caller = String(claims.sub ?? 'aml-token');
      traceOf(ex).identity = String(claims.sub ?? '');
      return;
    } catch (err) {
      if (err instanceof ScoringError) throw err;
      if (err instanceof JwtError && err.reason === 'expired') {
        throw new ScoringError(
          401,
          'aml_token_expired',
          challenge(
            'The Azure ML token has expired; get a new one from the endpoint token operation.',
          ),
        );
      }
      throw new ScoringError(
        401,
        'aml_token_auth_access_denied',
        challenge('The credential is not an Azure ML token from this endpoint token operation.'),
      );
    }
  }
  let claims;
  try {
    claims = ctx.entraSigner.verify(credential, now);
  } catch (err) {
    if (err instanceof JwtError && err.reason === 'expired') {
      throw new ScoringError(
        401,
        'aad_token_expired',
        challenge('The Microsoft Entra token has expired.'),
      );
    }
    throw new ScoringError(
      401,
      'aad_token_auth_access_denied',
      challenge('The credential is not a Microsoft Entra token from this tenant.'),
    );
  }
  traceOf(ex).identity = String(claims.oid ?? '');
  const aud = String(claims.aud ?? '');
  if (aud !== ML_AUDIENCE && aud !== `${ML_AUDIENCE}/`) {
    throw new ScoringError(
      401,
      'aad_token_invalid_audience',
      challenge(
        `The token audience is '${aud}'; scoring needs a token for ${ML_AUDIENCE} (scope ${ML_AUDIENCE}/.default).`,
      ),
    );
  }
  const principal = principalById(ctx.world, String(claims.oid ?? ''));
  ex.caller = principal?.name ?? String(claims.oid);
  if (!principal || !isAllowed(ctx.world, principal.objectId, SCORE_ACTION, endpointScope(e))) {
    throw new ScoringError(
      401,
      'aad_token_access_denied',
      challenge(`The caller does not have ${SCORE_ACTION} on this endpoint.`),
    );
  }
}

function findEndpoint(ctx: SandboxContext, host: string): Endpoint | undefined {
  const h = host.toLowerCase();
  return ctx.world.endpoints.find((e) => `${e.name}.${e.location}`.toLowerCase() === h);
}

/** The data plane: `/inference/{endpoint}.{region}/score` and `/swagger.json`. Returns false if not ours. */
export async function handleScoring(
  ctx: SandboxContext,
  ex: Exchange,
  latencyMs = 0,
): Promise<boolean> {
  const m = /^\/inference\/([^/]+)\/(score|swagger\.json)$/i.exec(ex.path);
  if (!m) return false;
  const requestId = newGuid();
  // The traffic log (monitor/): a row per request once the response is sent.
  const trace = traceScoring(ctx, ex);
  const headers: Record<string, string> = {
    'x-request-id': requestId,
    'azureml-model-deployment': '',
  };
  const clientRequestId = ex.header('x-ms-client-request-id');
  if (clientRequestId)
    headers['x-ms-client-request-id'] = clientRequestId.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 40);
  try {
    settleOperations(ctx);
    const e = findEndpoint(ctx, m[1]!);
    if (e && e.provisioningState !== 'Creating') trace.endpoint = e;
    if (!e || e.provisioningState === 'Creating' || e.provisioningState === 'Deleting') {
      throw new ScoringError(404, `No online endpoint is served at '${m[1]}'.`);
    }
    if (e.publicNetworkAccess === 'Disabled') {
      throw new ScoringError(403, 'public_network_access_disabled');
    }
    const swagger = m[2]!.toLowerCase() === 'swagger.json';
    if (swagger ? ex.method !== 'GET' : ex.method !== 'POST') {
      throw new ScoringError(
        405,
        `Method ${ex.method} is not allowed here; use ${swagger ? 'GET' : 'POST'}.`,
        {allow: swagger ? 'GET' : 'POST'},
      );
    }
    authenticateCaller(ctx, ex, e);
    if (swagger) {
      ex.json(200, swaggerFor(e), headers);
      return true;
    }
    const wanted = ex.header('azureml-model-deployment');
    const deployment = wanted
      ? e.deployments.find((d) => d.name.toLowerCase() === wanted.toLowerCase())
      : pickByTraffic(e);
    if (!deployment) {
      throw new ScoringError(
        404,
        wanted ? `Deployment '${wanted}' does not exist on endpoint '${e.name}'.` : NO_DEPLOYMENT,
      );
    }
    headers['azureml-model-deployment'] = deployment.name;
    trace.deployment = deployment.name;
    const body = await ex.body(MAX_PAYLOAD_BYTES);
    await score(ctx, ex, e, deployment, body, latencyMs, headers);
    if (!wanted) mirrorRequest(ctx, e, deployment, body, requestId);
  } catch (err) {
    if (err instanceof ScoringError) {
      trace.reason = err.message.slice(0, 200);
      ex.send(err.status, err.message, {
        'content-type': 'text/plain; charset=utf-8',
        ...headers,
        ...err.headers,
      });
    } else if (err instanceof BodyTooLarge) {
      ex.send(413, `Request payload is larger than ${MAX_PAYLOAD_BYTES} bytes.`, {
        'content-type': 'text/plain; charset=utf-8',
        ...headers,
      });
    } else throw err;
  }
  return true;
}

async function score(
  ctx: SandboxContext,
  ex: Exchange,
  e: Endpoint,
  d: Deployment,
  body: Buffer,
  latencyMs: number,
  headers: Record<string, string>,
): Promise<void> {
  const key = `${endpointKey(e)}/${d.name}`;
  const inFlight = ctx.scoringInFlight.get(key) ?? 0;
  const limit = 2 * d.maxConcurrentRequestsPerInstance * d.instanceCount;
  if (inFlight >= limit) {
    throw new ScoringError(
      429,
      'Too many pending requests. Retry later or raise max_concurrent_requests_per_instance.',
      {'retry-after': '1'},
    );
  }
  ctx.scoringInFlight.set(key, inFlight + 1);
  const started = Date.now();
  try {
    if (latencyMs > 0) await sleep(Math.min(latencyMs, d.requestTimeoutMs));
    if (latencyMs > d.requestTimeoutMs) {
      recordOutcome(ctx, d, headers['x-request-id']!, 408, started);
      throw new ScoringError(
        408,
        `Request timed out after ${d.requestTimeoutMs} ms (request_timeout_ms).`,
      );
    }
    let payload: unknown;
    let outcome;
    try {
      payload = JSON.parse(body.toString('utf8'));
      outcome = runModel(d.model, payload);
    } catch (err) {
      outcome = {
        ok: false as const,
        statusCode: 400,
        message: `The request body is not valid JSON: ${(err as Error).message}`,
      };
    }
    const timing = {'ms-azureml-model-time': String(Date.now() - started)};
    recordOutcome(ctx, d, headers['x-request-id']!, outcome.ok ? 200 : 424, started, outcome);
    if (!outcome.ok) {
      ex.json(
        424,
        {error: outcome.message},
        {
          ...headers,
          ...timing,
          'ms-azureml-model-error-statuscode': String(outcome.statusCode),
          'ms-azureml-model-error-reason': 'model_error',
        },
      );
      return;
    }
    ex.json(200, outcome.body, {...headers, ...timing});
  } finally {
    const now = ctx.scoringInFlight.get(key) ?? 1;
    if (now <= 1) ctx.scoringInFlight.delete(key);
    else ctx.scoringInFlight.set(key, now - 1);
  }
}

function swaggerFor(e: Endpoint) {
  return {
    swagger: '2.0',
    info: {title: e.name, version: '1.0', description: e.description},
    schemes: ['https'],
    consumes: ['application/json'],
    produces: ['application/json'],
    paths: {
      '/score': {
        post: {
          summary: 'Score rows of four numeric features',
          parameters: [{name: 'body', in: 'body', required: true, schema: {type: 'object'}}],
          responses: {200: {description: 'Model output'}, 424: {description: 'Model error'}},
        },
      },
    },
  };
}
