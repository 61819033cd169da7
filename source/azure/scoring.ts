/**
 * Scoring: one POST to an online endpoint's scoring URI, answered with whatever status it returns.
 * The request goes straight over node:https (through @azure/core-rest-pipeline's HTTP client with
 * its proxy policy when a proxy is set) — no retries, no redirects, no bearer policy — so the
 * caller sees the endpoint's real first answer and its latency. TLS trusts the system roots plus the cloud's CA, as the ARM
 * clients do. The credential is sent once and never appears in a result or an error.
 */
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

/** A request checked, with the headers every sending of it carries. */
interface Prepared {
  url: URL;
  headers: Record<string, string>;
  payload: Buffer;
  secrets: string[];
}

/** One answer, as the invoker reads it. */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** performance.now() when the last byte of the answer arrived. */
  endedAt: number;
}

/** How requests are sent: straight over node:https, or through the pipeline (a proxy). */
type Send = (
  url: URL,
  headers: Record<string, string>,
  body: Buffer,
  /** Given the way to stop this request (a timeout, the caller's signal): call it with the reason. */
  onCancel: (cancel: (reason: Error) => void) => void,
  /** The credential leaves the request once it is sent, whatever happened. */
  forget: (drop: () => void) => void,
) => Promise<Answer>;

/**
 * A POST straight over node:https, on an agent of this invoker's own that keeps connections
 * alive: what a scoring client does, and no more work per request than that (no pipeline of
 * policies around it). No Accept-Encoding is sent, so the answer comes back as it is.
 */
function directSender(https: typeof import('node:https'), agent: import('node:https').Agent): Send {
  return (url, headers, body, onCancel, forget) =>
    new Promise<Answer>((resolve, reject) => {
      const options = {method: 'POST', agent, headers};
      forget(() => delete (options.headers as Record<string, string>).authorization);
      const req = https.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const endedAt = performance.now();
          const out: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers))
            if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
          resolve({
            status: res.statusCode ?? 0,
            headers: out,
            body: Buffer.concat(chunks).toString('utf8'),
            endedAt,
          });
        });
      });
      req.on('error', reject);
      // Stopped by destroying the request: no AbortSignal per request for Node to watch.
      onCancel((reason) => req.destroy(reason));
      req.end(body);
    });
}

/**
 * Through @azure/core-rest-pipeline's HTTP client with only its proxy policy, when HTTPS_PROXY (or
 * another proxy variable) is set: the proxy, and NO_PROXY, are honoured as the Azure SDKs honour
 * them for the Resource Manager calls.
 */
function pipelineSender(
  rest: typeof import('@azure/core-rest-pipeline'),
  agent: import('node:https').Agent | undefined,
): Send {
  const pipeline = rest.createEmptyPipeline();
  pipeline.addPolicy(rest.proxyPolicy());
  if (agent) {
    // The proxy policy sets its own agent first (kept); otherwise the cloud's CA agent.
    pipeline.addPolicy({
      name: 'amlAuthCloudCa',
      sendRequest(req, next) {
        req.agent ??= agent;
        return next(req);
      },
    });
  }
  const client = rest.createDefaultHttpClient();
  return async (url, headers, body, onCancel, forget) => {
    const controller = new AbortController();
    onCancel(() => controller.abort());
    const req = rest.createPipelineRequest({
      url: url.toString(),
      method: 'POST',
      headers: rest.createHttpHeaders(headers),
      body,
      abortSignal: controller.signal,
    });
    // A transport error keeps the request it failed on: leave no credential in it.
    forget(() => req.headers.delete('authorization'));
    const res = await pipeline.sendRequest(client, req);
    return {
      status: res.status,
      headers: res.headers.toJSON(),
      body: res.bodyAsText ?? '',
      endedAt: performance.now(),
    };
  };
}

/** An `invoke` for one cloud. Connections are kept alive between calls, as a client would. */
export function createInvoker(cloud: CloudConfig, userAgent = 'aml-auth') {
  const tlsSettings = tlsOptionsFor(cloud);
  let sender: Promise<Send> | undefined;
  const load = () =>
    (sender ??= (async () => {
      const https = process.getBuiltinModule('node:https');
      // The cloud's CA (with the system roots) goes in one TLS context made once, on the agent.
      // Given as `ca` per request instead, Node's agent would join the ~150 certificates into its
      // connection-pool key every time (a quarter of a millisecond, more than a loopback request).
      const agent = tlsSettings
        ? new https.Agent({
            keepAlive: true,
            secureContext: process
              .getBuiltinModule('node:tls')
              .createSecureContext({ca: tlsSettings.ca}),
          })
        : undefined;
      const rest = await import('@azure/core-rest-pipeline');
      if (rest.getDefaultProxySettings()) return pipelineSender(rest, agent);
      return directSender(https, agent ?? new https.Agent({keepAlive: true}));
    })());

  /**
   * What a request's checks and headers come to, worked out once per request object: `--repeat`
   * sends the same one again and again (each time with its own request ID).
   */
  const prepared = new WeakMap<InvokeRequest, Prepared>();
  const prepare = (request: InvokeRequest): Prepared => {
    let ready = prepared.get(request);
    if (!ready) {
      const url = checkRequest(request);
      const headers: Record<string, string> = {
        authorization: `Bearer ${request.credential}`,
        'content-type': 'application/json',
        'user-agent': userAgent,
      };
      if (request.deployment) headers['azureml-model-deployment'] = request.deployment;
      // Bytes, not text: Node then sends the headers and the body in one writev, where a string
      // body is first joined to the headers and encoded again.
      const payload = typeof request.body === 'string' ? Buffer.from(request.body) : request.body;
      headers['content-length'] = String(payload.length);
      ready = {url, headers, payload, secrets: [request.credential]};
      prepared.set(request, ready);
    }
    return ready;
  };

  return async function invoke(
    request: InvokeRequest,
    signal?: AbortSignal,
  ): Promise<InvokeResult> {
    const {url, headers: base, payload, secrets} = prepare(request);
    const host = url.host;
    const context: ErrorContext = {operation: 'reach the scoring URI', host, cloud, secrets};
    const timeoutMs = request.timeoutMs ?? DEFAULT_INVOKE_TIMEOUT_MS;
    let timedOut = false;
    let cancel: ((reason: Error) => void) | undefined;
    let cancelled: Error | undefined;
    const stop = () => {
      cancelled ??= Object.assign(new Error('The request was cancelled.'), {name: 'AbortError'});
      cancel?.(cancelled);
    };
    const onAbort = () => stop();
    let timer: NodeJS.Timeout | undefined;
    let forgetCredential = () => {};
    const started = performance.now();
    try {
      if (signal?.aborted) throw Object.assign(new Error('Cancelled.'), {name: 'AbortError'});
      const send = await load();
      signal?.addEventListener('abort', onAbort, {once: true});
      if (timeoutMs > 0) {
        timer = setTimeout(() => {
          timedOut = true;
          stop();
        }, timeoutMs);
      }
      const headers = {...base, 'x-ms-client-request-id': globalThis.crypto.randomUUID()};
      const t0 = performance.now();
      const res = await send(
        url,
        headers,
        payload,
        (c) => {
          cancel = c;
          if (cancelled) c(cancelled);
        },
        (drop) => {
          forgetCredential = drop;
        },
      );
      // Sent to the last byte of the answer (what is done with it after is not the endpoint's
      // time). Not rounded here: on loopback a request takes well under a millisecond.
      const latencyMs = res.endedAt - t0;
      return invokeResult(res.status, res.headers, res.body, latencyMs, secrets);
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
      forgetCredential();
    }
  };
}
