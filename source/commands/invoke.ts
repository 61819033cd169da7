/**
 * `aml-auth invoke --request FILE|-`: score an endpoint with the credential its auth mode needs.
 * The request is validated before anything touches the network. The response body goes to stdout
 * whatever the status; a non-2xx status is explained on stderr and exits 6.
 */
import {resourceOfScope} from '../domain/scopes';
import {decodeJwt} from '../domain/token';
import type {Services} from '../domain/services';
import type {Endpoint, InvokeResult} from '../domain/types';
import {visible, visibleText} from '../lib/visible';
import {
  formatSize,
  MAX_PAYLOAD_BYTES,
  parseSize,
  readRequestFile,
  validateRequestText,
  type RequestFileResult,
} from '../lib/request-file';
import {
  explainScoringFailure,
  MAX_REPEAT,
  NO_ANSWER,
  repeatCountProblem,
  type RepeatSummary,
} from '../domain/scoring';
import {fetchCredential, openCredential, type FetchedCredential} from './creds';
import {CliError, ExitCode} from './exit-codes';
import {oneLine} from './failure';
import {envLines, roundMs, roundMsFine, table, type Style} from './output';
import {
  assertName,
  getEndpoint,
  learnEndpoint,
  loadTarget,
  runCommand,
  type CommonFlags,
  type Runtime,
} from './runtime';

export interface InvokeFlags extends CommonFlags {
  request?: string;
  deployment?: string;
  repeat?: string;
  include?: boolean;
  maxBodySize?: string;
}

/** `--max-body-size`: bytes, or a size with a unit (KB, MB, GB; 1 MB = 1024 KB). */
export function parseMaxBodySize(value: string | undefined): number {
  if (value === undefined) return MAX_PAYLOAD_BYTES;
  const bytes = parseSize(value);
  if (bytes === undefined)
    throw new CliError(
      `--max-body-size '${value}' is not a size`,
      ExitCode.usage,
      `use bytes or a size with a unit, e.g. 4MB or 500KB (the default is ${formatSize(MAX_PAYLOAD_BYTES)})`,
    );
  return bytes;
}

export {MAX_REPEAT};

export function parseRepeat(value: string | undefined): number {
  if (value === undefined) return 1;
  if (repeatCountProblem(value) !== undefined) {
    throw new CliError(
      `--repeat '${value}' is not a count`,
      ExitCode.usage,
      `use a whole number from 1 to ${MAX_REPEAT}`,
    );
  }
  return Number(value.trim());
}

/** stdin as text, reading no more than `limit` bytes past which the body is refused anyway. */
async function readStdin(limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    bytes += (chunk as Buffer).length;
    if (bytes > limit) break;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads and checks the request (file or `-` for stdin): exit 2 on any problem, before the network.
 * A JSON error always names its line and column (Node 20's JSON.parse does not always say).
 * `-` on a terminal says, on stderr, that it is waiting for the request (and how to end it).
 */
export async function loadRequest(
  source: string,
  maxBytes = MAX_PAYLOAD_BYTES,
): Promise<RequestFileResult & {ok: true}> {
  const label = source === '-' ? 'the request on stdin' : source;
  if (source === '-' && process.stdin.isTTY) {
    process.stderr.write(
      'aml-auth: type or paste the JSON request, then press Ctrl-D on a new line (Ctrl-C cancels)\n',
    );
  }
  const checked: RequestFileResult =
    source === '-'
      ? validateRequestText(await readStdin(maxBytes + 3), label, {maxBytes})
      : await readRequestFile(source, {maxBytes});
  if (checked.ok) return checked;
  throw new CliError(checked.problem, ExitCode.usage, checked.hint);
}

const isOk = (status: number) => status >= 200 && status < 300;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export interface FailureInput {
  endpoint: Endpoint;
  fetched: FetchedCredential;
  mlScope: string;
  now: number;
}

function explain(result: InvokeResult, input: FailureInput) {
  const c = input.fetched.credential;
  let audience: string | undefined;
  if (c.kind === 'aad_token') {
    try {
      const aud = decodeJwt(c.value).claims.aud;
      audience = Array.isArray(aud) ? aud[0] : aud;
    } catch {
      // not a JWT: nothing to say about its audience
    }
  }
  return explainScoringFailure(result, {
    authMode: input.endpoint.authMode,
    sent: c.kind,
    ...(c.expiresOn !== undefined ? {expiresOn: c.expiresOn} : {}),
    now: input.now,
    ...(audience ? {audience} : {}),
    mlAudience: resourceOfScope(input.mlScope),
  });
}

/** The documented JSON of one `invoke`. */
export function invokeJson(endpoint: Endpoint, result: InvokeResult, input: FailureInput) {
  const failure = explain(result, input);
  return {
    endpoint: endpoint.endpoint,
    scoringUri: endpoint.scoringUri ?? null,
    status: result.status,
    ok: isOk(result.status),
    latencyMs: roundMsFine(result.latencyMs),
    deployment: result.deployment ?? null,
    requestId: result.requestId ?? null,
    contentType: result.contentType ?? null,
    modelError: result.modelError
      ? {statusCode: result.modelError.statusCode ?? null, reason: result.modelError.reason ?? null}
      : null,
    retryAfterSeconds: result.retryAfterSeconds ?? null,
    body: result.body,
    json: parseJson(result.body),
    failure: failure ? {title: failure.title, cause: failure.cause, next: failure.next} : null,
  };
}

/** The documented JSON of `invoke --repeat N`. */
export function repeatJson(endpoint: Endpoint, results: InvokeResult[], summary: RepeatSummary) {
  return {
    endpoint: endpoint.endpoint,
    scoringUri: endpoint.scoringUri ?? null,
    count: summary.count,
    requested: summary.stopped?.requested ?? summary.count,
    stoppedBy: summary.stopped?.status ?? null,
    ok: results.every((r) => isOk(r.status)),
    p50Ms: roundMsFine(summary.p50Ms),
    p95Ms: roundMsFine(summary.p95Ms),
    statuses: summary.statuses,
    deployments: summary.deployments.map((d) => ({
      name: d.name,
      count: d.count,
      share: Math.round(d.share * 1000) / 1000,
    })),
    requests: results.map((r) => ({
      status: r.status,
      latencyMs: roundMsFine(r.latencyMs),
      deployment: r.deployment ?? null,
      requestId: r.requestId ?? null,
      transportError: r.transportError ?? null,
    })),
  };
}

export function invokeEnv(result: InvokeResult): string {
  return envLines({
    SCORING_STATUS: result.status,
    SCORING_LATENCY_MS: roundMs(result.latencyMs),
    SCORING_DEPLOYMENT: result.deployment ?? null,
    SCORING_REQUEST_ID: result.requestId ?? null,
    SCORING_RESPONSE: result.body,
  });
}

export function repeatEnv(summary: RepeatSummary): string {
  return envLines({
    SCORING_COUNT: summary.count,
    SCORING_P50_MS: roundMs(summary.p50Ms),
    SCORING_P95_MS: roundMs(summary.p95Ms),
    SCORING_STATUSES: Object.entries(summary.statuses)
      .map(([s, n]) => `${s}=${n}`)
      .join(' '),
    SCORING_DEPLOYMENT_SHARES: summary.deployments
      .map((d) => `${d.name}=${Math.round(d.share * 1000) / 1000}`)
      .join(' '),
    SCORING_STOPPED_BY: summary.stopped?.status,
  });
}

/** `--include`: the answer's facts as `name: value` lines, a blank line, then the body. */
export function includeHeader(result: InvokeResult): string {
  const lines = [
    `status: ${result.status}`,
    `latency-ms: ${roundMs(result.latencyMs)}`,
    `deployment: ${result.deployment ?? ''}`,
    `request-id: ${result.requestId ?? ''}`,
  ];
  if (result.contentType) lines.push(`content-type: ${result.contentType}`);
  if (result.modelError?.statusCode)
    lines.push(`model-error-status: ${result.modelError.statusCode}`);
  if (result.modelError?.reason) lines.push(`model-error-reason: ${result.modelError.reason}`);
  if (result.retryAfterSeconds !== undefined)
    lines.push(`retry-after: ${result.retryAfterSeconds}`);
  return `${lines.map(visible).join('\n')}\n\n`;
}

/**
 * The body for people: pretty JSON on a terminal, as received otherwise — except control
 * characters other than newlines and tabs, shown visibly (`\x1b`): the body is the server's text.
 * `-o json` carries it exactly, as a JSON string.
 */
export function bodyText(raw: string, pretty: boolean): string {
  if (pretty) {
    const parsed = parseJson(raw);
    try {
      if (parsed !== null) return `${visibleText(JSON.stringify(parsed, null, 2))}\n`;
    } catch {
      // nested too deeply to pretty-print (RangeError): shown as received
    }
  }
  const body = visibleText(raw);
  return body.endsWith('\n') || body === '' ? body : `${body}\n`;
}

export function repeatText(endpoint: Endpoint, summary: RepeatSummary, style: Style): string {
  const statuses = Object.entries(summary.statuses)
    .map(([s, n]) =>
      s === NO_ANSWER
        ? `${n} × ${style.bad('no answer')}`
        : `${n} × ${isOk(Number(s)) ? style.ok(s) : style.bad(s)}`,
    )
    .join(', ');
  const stopped = summary.stopped
    ? [
        style.warn(
          `stopped after ${summary.stopped.after} of ${summary.stopped.requested}: ${endpoint.endpoint} answered ${summary.stopped.status}, as it would every other request (the rest were not sent)`,
        ),
      ]
    : [];
  return [
    ...stopped,
    `${summary.count} requests to ${endpoint.endpoint}: ${statuses}`,
    `latency  p50 ${roundMs(summary.p50Ms)} ms  p95 ${roundMs(summary.p95Ms)} ms`,
    '',
    table(
      ['DEPLOYMENT', 'SHARE', 'COUNT'],
      summary.deployments.map((d) => [d.name, `${Math.round(d.share * 100)}%`, String(d.count)]),
    ),
    '',
  ].join('\n');
}

/** One line on stderr for a non-2xx answer, with the explanation's next steps as hints. */
function reportStatus(rt: Runtime, endpoint: Endpoint, result: InvokeResult, input: FailureInput) {
  const failure = explain(result, input);
  const where = [
    result.deployment ? `deployment ${result.deployment}` : undefined,
    result.requestId ? `request ID ${result.requestId}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  rt.note(
    `aml-auth: ${endpoint.endpoint} answered HTTP ${result.status}${where ? ` (${where})` : ''}` +
      (failure ? `: ${oneLine(`${failure.title} — ${failure.cause}`)}` : ''),
  );
  for (const step of failure?.next ?? []) rt.note(`  hint: ${step}`);
}

export function runInvoke(flags: InvokeFlags): Promise<void> {
  return runCommand(flags, async (rt) => {
    const repeat = parseRepeat(flags.repeat);
    const maxBytes = parseMaxBodySize(flags.maxBodySize);
    // Everything local first: the profile, then the request, before any network call.
    const loaded = await loadTarget(rt, ['subscription', 'workspace', 'endpoint']);
    if (flags.deployment !== undefined) assertName('deployment', flags.deployment);
    const requestPath = flags.request ?? loaded.profile?.lastRequestFile;
    if (!requestPath) {
      throw new CliError(
        'missing --request FILE (or - for stdin)',
        ExitCode.usage,
        'e.g. aml-auth invoke -p NAME --request assets/sample-request.json',
      );
    }
    const request = await loadRequest(requestPath, maxBytes);

    const deployment = flags.deployment ?? loaded.target.deployment;
    const check = async (endpoint: Endpoint, services: Services) => {
      if (deployment) {
        const deployments = await services.listDeployments(endpoint, rt.signal);
        if (!deployments.some((d) => d.name.toLowerCase() === deployment.toLowerCase())) {
          throw new CliError(
            `endpoint ${endpoint.endpoint} has no deployment named "${deployment}"`,
            ExitCode.notFound,
            deployments.length
              ? `deployments: ${deployments.map((d) => `${d.name} (${d.trafficPercent}%)`).join(', ')}`
              : 'the endpoint has no deployments yet',
          );
        }
      }
      if (!endpoint.scoringUri) {
        throw new CliError(
          `endpoint ${endpoint.endpoint} has no scoring URI yet`,
          ExitCode.failure,
          `its provisioning state is ${endpoint.provisioningState}; try again when it has finished`,
        );
      }
    };
    const opened = await openCredential(rt, 'primary', {loaded, check});
    const {resolved} = opened;
    const {services} = resolved;
    let {endpoint, fetched} = opened;
    const progress = repeat > 1 && process.stderr.isTTY;
    const send = (to: Endpoint, credential: FetchedCredential) =>
      services.invokeRepeated(
        {
          scoringUri: to.scoringUri!,
          credential: credential.credential.value,
          body: request.body,
          ...(deployment ? {deployment} : {}),
        },
        repeat,
        (done, total) => {
          if (progress && done > 0) process.stderr.write(`\r${done}/${total}`);
          if (done < total) {
            rt.trace(`POST ${to.scoringUri}${deployment ? ` (deployment ${deployment})` : ''}`);
          }
        },
        rt.signal,
      );
    let {results, summary} = await send(endpoint, fetched);
    // An Entra token from a profile was fetched without reading the endpoint: a 401 may mean its
    // auth mode (or scoring URI) changed since. One read finds out; then the right credential.
    if (opened.trusted && fetched.credential.kind === 'aad_token' && results[0]?.status === 401) {
      const actual = await getEndpoint(rt, resolved);
      if (actual.authMode !== endpoint.authMode || actual.scoringUri !== endpoint.scoringUri) {
        rt.trace(
          `the endpoint now uses auth mode ${actual.authMode}${actual.scoringUri !== endpoint.scoringUri ? ' and another scoring URI' : ''}: sending again`,
        );
        learnEndpoint(rt, loaded, actual);
        await check(actual, services);
        endpoint = actual;
        fetched = await fetchCredential(services, actual, 'primary', rt.signal);
        ({results, summary} = await send(endpoint, fetched));
      }
    }
    const input: FailureInput = {endpoint, fetched, mlScope: resolved.cloud.mlScope, now: 0};
    if (progress) process.stderr.write('\r');
    input.now = Date.now();

    const failed = results.filter((r) => !isOk(r.status));
    if (repeat === 1) {
      const result = results[0]!;
      rt.emit(invokeJson(endpoint, result, input), {
        env: () => invokeEnv(result),
        text: () =>
          (flags.include ? includeHeader(result) : '') +
          bodyText(result.body, Boolean(process.stdout.isTTY)),
      });
      if (failed.length) reportStatus(rt, endpoint, result, input);
    } else {
      rt.emit(repeatJson(endpoint, results, summary), {
        env: () => repeatEnv(summary),
        text: () => repeatText(endpoint, summary, rt.style),
      });
      const unanswered = failed.filter((r) => r.transportError !== undefined);
      const answered = failed.filter((r) => r.transportError === undefined);
      if (unanswered.length) {
        rt.note(
          `aml-auth: ${unanswered.length} of ${results.length} requests to ${endpoint.endpoint} got no answer: ${oneLine(unanswered[0]!.transportError!)}`,
        );
        rt.note(
          '  hint: the other requests were sent and are in the summary; run again, or check the network',
        );
      }
      if (answered.length) {
        rt.note(
          `aml-auth: ${answered.length} of ${results.length} requests to ${endpoint.endpoint} answered a non-2xx status`,
        );
        reportStatus(rt, endpoint, answered[0]!, input);
      }
      // No answer is a failure of the call (1, as for one request); an answer outside 2xx is 6.
      if (unanswered.length) return ExitCode.failure;
    }
    return failed.length ? ExitCode.endpointError : ExitCode.ok;
  });
}
