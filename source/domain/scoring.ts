import {shellQuote} from '../lib/shell';
import {visible} from '../lib/visible';
import type {AuthMode, InvokeResult} from './types';

/** p50 / p95 by the nearest-rank method, in the units given. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export interface RepeatSummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
  /** Share of answers per deployment, 0..1, largest first. */
  deployments: {name: string; count: number; share: number}[];
  statuses: Record<string, number>;
  /**
   * Set when a run of many stopped early: an answer that every later request would get too (the
   * credential refused, the endpoint or deployment not there) ends it, instead of sending the rest.
   */
  stopped?: {after: number; requested: number; status: number};
}

/**
 * Answers that do not change with the next identical request: 401 (credential refused), 403 (not
 * allowed) and 404 (no such endpoint or deployment). Throttling and server errors may pass.
 */
export function refusesTheRest(status: number): boolean {
  return status === 401 || status === 403 || status === 404;
}

/** The most requests one repeated run sends (`invoke --repeat`, the wizard's count). */
export const MAX_REPEAT = 1000;

/** What is wrong with a typed request count, or undefined for a whole number 1..MAX_REPEAT. */
export function repeatCountProblem(text: string): string | undefined {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return t ? `'${t}' is not a count` : 'enter a count';
  const n = Number(t);
  if (n < 1) return 'send at least 1 request';
  if (n > MAX_REPEAT) return `${t} is more than ${MAX_REPEAT} requests, the most one run sends`;
  return undefined;
}

/** The `statuses` key of requests that got no answer (transport failures). */
export const NO_ANSWER = 'error';

/**
 * Counts per status and deployment, and latency percentiles of the answers. A request that got no
 * answer (`transportError`) counts under `statuses.error` and in no latency.
 */
export function summarize(
  results: Pick<InvokeResult, 'latencyMs' | 'deployment' | 'status' | 'transportError'>[],
): RepeatSummary {
  const counts = new Map<string, number>();
  const statuses: Record<string, number> = {};
  for (const r of results) {
    const key = r.transportError !== undefined ? NO_ANSWER : String(r.status);
    statuses[key] = (statuses[key] ?? 0) + 1;
    if (r.transportError !== undefined) continue;
    const name = r.deployment || '(none)';
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const answered = results.filter((r) => r.transportError === undefined);
  return {
    count: results.length,
    p50Ms: percentile(
      answered.map((r) => r.latencyMs),
      50,
    ),
    p95Ms: percentile(
      answered.map((r) => r.latencyMs),
      95,
    ),
    deployments: [...counts.entries()]
      .map(([name, count]) => ({name, count, share: count / answered.length}))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name)),
    statuses,
  };
}

/**
 * The same request as a curl command. The credential is `$DATA_PLANE_TOKEN` unless the user
 * explicitly asks for the secret itself.
 */
export function curlCommand(opts: {
  scoringUri: string;
  requestFile?: string;
  body?: string;
  deployment?: string;
  secret?: string;
  /** The cloud's own CA (a sandbox, a private cloud): curl trusts it with --cacert. */
  caCertFile?: string;
}): string {
  const lines = [
    `curl -sS -X POST ${shellQuote(opts.scoringUri)}`,
    ...(opts.caCertFile ? [`  --cacert ${shellQuote(opts.caCertFile)}`] : []),
    `  -H ${opts.secret ? shellQuote(`Authorization: Bearer ${opts.secret}`) : '"Authorization: Bearer $DATA_PLANE_TOKEN"'}`,
    `  -H 'Content-Type: application/json'`,
  ];
  if (opts.deployment)
    lines.push(`  -H ${shellQuote(`azureml-model-deployment: ${opts.deployment}`)}`);
  lines.push(
    opts.requestFile
      ? `  --data-binary @${shellQuote(opts.requestFile)}`
      : `  --data-binary ${shellQuote(opts.body ?? '{}')}`,
  );
  return lines.join(' \\\n');
}

export interface FailureContext {
  authMode: AuthMode;
  /** The credential kind that was sent. */
  sent: 'key' | 'aml_token' | 'aad_token';
  /** Epoch ms, when known. */
  expiresOn?: number;
  now: number;
  /** Audience of the Entra token sent, when it was one. */
  audience?: string;
  mlAudience: string;
  /** From the preflight: does the caller hold score/action? undefined when unknown. */
  hasScorePermission?: boolean;
}

export interface FailureExplanation {
  title: string;
  cause: string;
  next: string[];
}

/** Why a scoring call failed, by cause, using what the credential and preflight steps know. */
export function explainScoringFailure(
  result: InvokeResult,
  ctx: FailureContext,
): FailureExplanation | undefined {
  const {status} = result;
  if (status >= 200 && status < 300) return undefined;
  if (status === 401) {
    if (ctx.sent !== ctx.authMode) {
      return {
        title: '401: wrong kind of credential for this endpoint',
        cause: `The endpoint uses ${ctx.authMode} auth but a ${ctx.sent} credential was sent.`,
        next: [`Fetch a ${ctx.authMode} credential (the credentials step) and send that.`],
      };
    }
    if (ctx.expiresOn !== undefined && ctx.expiresOn <= ctx.now) {
      return {
        title: '401: the credential has expired',
        cause: 'Its expiry time has passed.',
        next: ['Refresh the credential and send the request again.'],
      };
    }
    if (
      ctx.sent === 'aad_token' &&
      ctx.audience &&
      ctx.audience.replace(/\/$/, '') !== ctx.mlAudience.replace(/\/$/, '')
    ) {
      return {
        title: '401: the Entra token is for the wrong audience',
        cause: `Its aud is ${ctx.audience}; scoring needs a token for ${ctx.mlAudience}.`,
        next: [`Get a token for ${ctx.mlAudience}/.default (not the management scope).`],
      };
    }
    if (ctx.sent === 'aad_token' && ctx.hasScorePermission === false) {
      return {
        title: '401: the caller may not score this endpoint',
        cause:
          'The identity lacks Microsoft.MachineLearningServices/workspaces/onlineEndpoints/score/action here.',
        next: [
          'Assign a role with score/action (e.g. the score-only role) at the endpoint or workspace, then wait a minute for it to apply.',
        ],
      };
    }
    if (ctx.sent === 'key') {
      return {
        title: '401: the key was refused',
        cause:
          'It is not a current primary or secondary key of this endpoint (was it regenerated?).',
        next: ['Fetch the keys again (the credentials step).'],
      };
    }
    return {
      title: '401: the credential was refused',
      cause: result.authError ?? 'The endpoint did not accept the credential.',
      next: [
        'Fetch a fresh credential and try again.',
        ...(ctx.sent === 'aad_token'
          ? ['Check that the caller holds score/action on the endpoint.']
          : []),
      ],
    };
  }
  if (status === 404) {
    return {
      title: '404: no deployment to route to',
      cause: result.body.includes('No valid deployments')
        ? 'The endpoint has no deployment with traffic above 0%.'
        : 'The endpoint or the named deployment does not exist.',
      next: [
        'Give a deployment traffic (Deployments, or aml-auth deployments traffic NAME=100); create one first if there is none (aml-auth deployments create).',
        'Or target one deployment by name (azureml-model-deployment).',
      ],
    };
  }
  if (status === 408) {
    return {
      title: '408: the request timed out',
      cause: 'The model took longer than the deployment’s request timeout.',
      next: ['Send less data per request, or raise request_settings.request_timeout_ms.'],
    };
  }
  if (status === 413) {
    return {
      title: '413: payload too large',
      cause: 'Managed online endpoints accept at most 1.5 MB per request.',
      next: ['Split the request into smaller batches.'],
    };
  }
  if (status === 424) {
    const me = result.modelError;
    return {
      title: '424: the model returned an error',
      cause: `The model answered ${me?.statusCode ?? 'a non-200 status'}${me?.reason ? ` (${visible(me.reason)})` : ''}.`,
      next: [
        'Check that the request matches the model’s input (the response body says what was wrong).',
        'Read the deployment’s logs (aml-auth deployments logs NAME): the model’s exception is there.',
      ],
    };
  }
  if (status === 429) {
    const after = result.retryAfterSeconds;
    return {
      title: '429: too many requests',
      cause: 'More requests are pending than the deployment accepts, or the rate limit was hit.',
      next: [
        after !== undefined ? `Retry after ${after} s.` : 'Back off and retry.',
        'Scale out, or raise max_concurrent_requests_per_instance.',
      ],
    };
  }
  if (status >= 500) {
    return {
      title: `${status}: the service failed`,
      cause: 'A platform or container error.',
      next: ['Retry; if it persists, check the deployment logs.'],
    };
  }
  return {
    title: `${status}: the endpoint refused the request`,
    cause: visible(result.body.slice(0, 200)),
    next: [],
  };
}
