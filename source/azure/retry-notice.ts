/**
 * A pipeline policy that tells when the SDK's retry policy is about to send a Resource Manager
 * request again, and why (the ARM clients retry 429/503 after Retry-After, 408 and 5xx but 501/505
 * with exponential back-off, and connection failures; at most DEFAULT_MAX_RETRIES times). It sits
 * per retry, so it sees every attempt, and changes nothing about the request or its answer.
 */
import type {PipelinePolicy, PipelineRequest, PipelineResponse} from '@azure/core-rest-pipeline';
import type {RetryNotice} from '../domain/types';
import {isTransportCode} from './errors/transport';

/** core-rest-pipeline's DEFAULT_RETRY_POLICY_COUNT. */
const DEFAULT_MAX_RETRIES = 3;

function retriedStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status !== 501 && status !== 505);
}

/** Seconds from `retry-after-ms`, `x-ms-retry-after-ms` or `Retry-After` (seconds or a date). */
export function retryAfterOf(response: PipelineResponse, now = Date.now()): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const ms = response.headers.get('retry-after-ms') ?? response.headers.get('x-ms-retry-after-ms');
  if (ms && Number.isFinite(Number(ms))) return Math.max(0, Math.ceil(Number(ms) / 1000));
  const value = response.headers.get('retry-after');
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - now) / 1000)) : undefined;
}

export function retryNoticePolicy(
  notify: (notice: RetryNotice) => void,
  maxRetries = DEFAULT_MAX_RETRIES,
): PipelinePolicy {
  const attempts = new WeakMap<PipelineRequest, number>();
  return {
    name: 'amlAuthRetryNotice',
    async sendRequest(request, next) {
      const attempt = (attempts.get(request) ?? 0) + 1;
      attempts.set(request, attempt);
      const host = new URL(request.url).host;
      const base = {host, attempt, maxAttempts: maxRetries + 1};
      const last = attempt > maxRetries || request.abortSignal?.aborted;
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (err) {
        const code = (err as {code?: unknown}).code;
        if (!last && typeof code === 'string' && isTransportCode(code)) notify({...base, code});
        throw err;
      }
      if (!last && retriedStatus(response.status)) {
        const retryInSeconds = retryAfterOf(response);
        notify({
          ...base,
          status: response.status,
          ...(retryInSeconds !== undefined ? {retryInSeconds} : {}),
        });
      }
      return response;
    },
  };
}
