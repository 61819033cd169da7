/**
 * Scoring: one POST to an online endpoint's scoring URI, answered with whatever status it returns.
 * The request goes through @azure/core-rest-pipeline's HTTP client (loaded on first use) with only
 * the proxy policy — no retries, no redirects, no bearer policy — so the caller sees the endpoint's
 * real first answer and its latency. TLS trusts the system roots plus the cloud's CA, as the ARM
 * clients do. The credential is sent once and never appears in a result or an error.
 */
import type {HttpClient, Pipeline, PipelineRequest} from '@azure/core-rest-pipeline';
import {tlsOptionsFor} from './clouds';
import {ServiceError, toAppError, type ErrorContext} from './errors';
import type {CloudConfig, InvokeRequest, InvokeResult} from '../domain/types';

/** A request that never answers is given up after this long unless the caller says otherwise. */
export const DEFAULT_INVOKE_TIMEOUT_MS = 300_000;

const SECRET_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-ms-sas.*)$|token|secret|passw(or)?d|api-?key|credential|signature/i;

const JWT = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;

/** Removes the given secrets and anything shaped like a JWT; keeps the rest verbatim. */
function scrub(text: string, secrets: readonly string[]): string {
  let out = text.replace(JWT, '[token]');
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join('[secret]');
  return out;
}

/**
 * Response headers fit to show: names lower-cased, anything that looks like a secret dropped, and
 * any value that carries one of `secrets` (or a JWT) redacted.
 */
export function safeHeaders(
  headers: Record<string, string> | Iterable<[string, string]>,
  secrets: readonly string[] = [],
): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Symbol.iterator in headers ? [...headers] : Object.entries(headers);
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (SECRET_HEADER.test(key)) continue;
    out[key] = scrub(String(value), secrets);
  }
  return out;
}

/** Seconds to wait from `Retry-After` (seconds or an HTTP date), or the `*-retry-after-ms` headers. */
export function retryAfterSeconds(
  headers: Record<string, string>,
  now = Date.now(),
): number | undefined {
  const value = headers['retry-after']?.trim();
  if (value) {
    if (/^\d+$/.test(value)) return Number(value);
    const at = Date.parse(value);
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - now) / 1000));
  }
  const ms = (headers['retry-after-ms'] ?? headers['x-ms-retry-after-ms'])?.trim();
  if (ms && /^\d+$/.test(ms)) return Math.ceil(Number(ms) / 1000);
  return undefined;
}

/** The server's reason from a `WWW-Authenticate` challenge: `error_description`, else `error`. */
export function authErrorFrom(challenge: string | undefined): string | undefined {
  if (!challenge) return undefined;
  const param = (name: string) => {
    const m = new RegExp(`\\b${name}\\s*=\\s*(?:"((?:[^"\\\\]|\\\\.)*)"|([^\\s,]+))`, 'i').exec(
      challenge,
    );
    const v = m ? (m[1] ?? m[2] ?? '').replace(/\\(.)/g, '$1').trim() : '';
    return v || undefined;
  };
  return param('error_description') ?? param('error');
}

/** An InvokeResult from a response; `headers` as received (any case). Pure. */
export function invokeResult(
  status: number,
  rawHeaders: Record<string, string>,
  body: string,
  latencyMs: number,
  secrets: readonly string[] = [],
  now = Date.now(),
): InvokeResult {
  const headers = safeHeaders(rawHeaders, secrets);
  const result: InvokeResult = {
    status,
    latencyMs,
    // The model's answer as sent, except an echo of the credential.
    body: secrets.reduce((b, s) => (s.length >= 4 ? b.split(s).join('[secret]') : b), body),
    headers,
  };
  const deployment = headers['azureml-model-deployment']?.trim();
  if (deployment) result.deployment = deployment;
  const requestId = headers['x-request-id'] ?? headers['x-ms-request-id'];
  if (requestId) result.requestId = requestId;
  if (headers['content-type']) result.contentType = headers['content-type'];
  const statusCode = headers['ms-azureml-model-error-statuscode'];
  const reason = headers['ms-azureml-model-error-reason'];
  if (statusCode || reason) {
    result.modelError = {
      ...(statusCode ? {statusCode} : {}),
      ...(reason ? {reason} : {}),
    };
  }
  const retry = retryAfterSeconds(headers, now);
  if (retry !== undefined) result.retryAfterSeconds = retry;
  const authError = authErrorFrom(headers['www-authenticate']);
  if (authError) result.authError = authError;
  return result;
}

function invalid(title: string, detail: string, nextSteps: string[]): ServiceError {
  return new ServiceError({kind: 'invalid', title, detail, nextSteps});
}

/** Checks the request before anything is sent; never echoes the credential. */
function checkRequest(request: InvokeRequest): URL {
  let url: URL;
  try {
    url = new URL(request.scoringUri);
  } catch {
    throw invalid('The scoring URI is not a URL', `'${request.scoringUri}' is not a URL.`, [
      "Use the endpoint's scoring URI (https://<endpoint>.<region>.inference.ml.azure.com/score).",
    ]);
  }
  if (url.protocol !== 'https:') {
    throw invalid(
      'The scoring URI must use https',
      `${url.protocol}//${url.host} would send the credential unencrypted.`,
      ["Use the endpoint's https:// scoring URI."],
    );
  }
  if (!request.credential) {
    throw invalid('No credential to send', 'The request has no key or token.', [
      'Fetch a key or token for the endpoint first.',
    ]);
  }
  if (!/^[\x21-\x7e]+$/.test(request.credential)) {
    throw invalid(
      'The credential is not a valid key or token',
      'It contains spaces, line breaks or other characters a key or token never has.',
      ['Copy the key or token again, without surrounding whitespace.'],
    );
  }
  if (request.deployment !== undefined && !/^[\x21-\x7e]+$/.test(request.deployment)) {
    throw invalid(
      'The deployment name is not valid',
      `'${request.deployment}' has spaces or characters a deployment name never has.`,
      ["Choose one of the endpoint's deployments."],
    );
  }
  return url;
}

interface Runtime {
  rest: typeof import('@azure/core-rest-pipeline');
  client: HttpClient;
  pipeline: Pipeline;
}

/** An `invoke` for one cloud. Connections are kept alive between calls, as a client would. */
export function createInvoker(cloud: CloudConfig, userAgent = 'aml-auth') {
  // One TLS settings object per invoker: the HTTP client caches its agents by this object.
  const tlsSettings = tlsOptionsFor(cloud);
  let runtime: Promise<Runtime> | undefined;
  const load = () =>
    (runtime ??= Promise.all([
      import('@azure/core-rest-pipeline'),
      import('node:https'),
      import('node:tls'),
    ]).then(([rest, https, tls]) => {
      const pipeline = rest.createEmptyPipeline();
      pipeline.addPolicy(rest.proxyPolicy());
      if (tlsSettings) {
        // The cloud's CA (with the system roots) goes in one TLS context made once, on an agent
        // of this invoker's own. Given as `ca` in the TLS settings instead, Node's agent would
        // join the ~150 certificates into its connection-pool key on every request (a quarter of
        // a millisecond each, more than the request itself on loopback). A proxy's agent, when
        // HTTPS_PROXY applies, is set by the proxy policy first and kept.
        const agent = new https.Agent({
          keepAlive: true,
          secureContext: tls.createSecureContext({ca: tlsSettings.ca}),
        });
        pipeline.addPolicy({
          name: 'amlAuthCloudCa',
          sendRequest(req, next) {
            req.agent ??= agent;
            return next(req);
          },
        });
      }
      return {rest, client: rest.createDefaultHttpClient(), pipeline};
    }));

  return async function invoke(
    request: InvokeRequest,
    signal?: AbortSignal,
  ): Promise<InvokeResult> {
    const url = checkRequest(request);
    const host = url.host;
    const secrets = [request.credential];
    const context: ErrorContext = {operation: 'reach the scoring URI', host, cloud, secrets};
    const timeoutMs = request.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort();
    let timer: NodeJS.Timeout | undefined;
    let sent: PipelineRequest | undefined;
    const started = performance.now();
    try {
      if (signal?.aborted) throw Object.assign(new Error('Cancelled.'), {name: 'AbortError'});
      const {rest, client, pipeline} = await load();
      signal?.addEventListener('abort', onAbort, {once: true});
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, timeoutMs);
      }
      const headers = rest.createHttpHeaders({
        authorization: `Bearer ${request.credential}`,
        'content-type': 'application/json',
        'user-agent': userAgent,
      });
      if (request.deployment) headers.set('azureml-model-deployment', request.deployment);
      const req = rest.createPipelineRequest({
        url: url.toString(),
        method: 'POST',
        headers,
        body: request.body,
        abortSignal: controller.signal,
      });
      sent = req;
      headers.set('x-ms-client-request-id', req.requestId);
      const t0 = performance.now();
      const res = await pipeline.sendRequest(client, req);
      // Not rounded here: on loopback a request takes well under a millisecond; output rounds to 0.1.
      const latencyMs = performance.now() - t0;
      return invokeResult(
        res.status,
        res.headers.toJSON(),
        res.bodyAsText ?? '',
        latencyMs,
        secrets,
      );
    } catch (err) {
      if (timedOut && !signal?.aborted) {
        const seconds = Math.round(((performance.now() - started) / 1000) * 10) / 10;
        throw new ServiceError(
          {
            kind: 'network',
            code: 'ETIMEDOUT',
            title: `Couldn't reach the scoring URI: ${host} did not answer in ${seconds} s`,
            detail: `No response from ${host} within ${timeoutMs} ms.`,
            hint: 'The endpoint is slow or unreachable; a deployment with a long request timeout needs a longer wait.',
            nextSteps: ['Try again with a longer timeout, or check the network and the endpoint.'],
          },
          {cause: err},
        );
      }
      let appError = toAppError(err, context);
      if (
        appError.kind !== 'network' &&
        appError.kind !== 'cancelled' &&
        !(err instanceof ServiceError)
      ) {
        appError = {
          ...appError,
          kind: 'network',
          title: `Couldn't reach the scoring URI at ${host}`,
          nextSteps: ['Check the network, a proxy or VPN, and the scoring URI, then try again.'],
        };
      }
      throw new ServiceError(appError, {cause: err});
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // A transport error keeps the request it failed on: leave no credential in it.
      sent?.headers.delete('authorization');
    }
  };
}
