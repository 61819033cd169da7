import {
  createHttpHeaders,
  createPipelineRequest,
  type PipelineResponse,
} from '@azure/core-rest-pipeline';
import {describe, expect, it} from 'vitest';
import {retryAfterOf, retryNoticePolicy} from '../../source/azure/retry-notice';
import {describeRetry} from '../../source/domain/retry';
import type {RetryNotice} from '../../source/domain/types';

const request = () => createPipelineRequest({url: 'https://arm.example:8443/subscriptions'});
const answer =
  (status: number, headers: Record<string, string> = {}) =>
  async (): Promise<PipelineResponse> => ({
    status,
    headers: createHttpHeaders(headers),
    request: request(),
  });

describe('retryNoticePolicy', () => {
  it('tells each retried attempt with its status and Retry-After, and not the last one', async () => {
    const notices: RetryNotice[] = [];
    const policy = retryNoticePolicy((n) => notices.push(n));
    const req = request();
    // The retry policy sends the same request object again: four attempts at most.
    for (let i = 0; i < 4; i++) await policy.sendRequest(req, answer(429, {'retry-after': '3'}));
    expect(notices).toEqual(
      [1, 2, 3].map((attempt) => ({
        host: 'arm.example:8443',
        status: 429,
        retryInSeconds: 3,
        attempt,
        maxAttempts: 4,
      })),
    );
  });

  it('5xx and 408 are retried with back-off (no known wait); 2xx, 4xx, 501 and 505 are not retried', async () => {
    const notices: RetryNotice[] = [];
    const policy = retryNoticePolicy((n) => notices.push(n));
    for (const status of [200, 400, 401, 403, 404, 409, 501, 505])
      await policy.sendRequest(request(), answer(status));
    expect(notices).toEqual([]);
    for (const status of [408, 500, 502, 503, 504])
      await policy.sendRequest(request(), answer(status));
    expect(notices.map((n) => [n.status, n.retryInSeconds])).toEqual([
      [408, undefined],
      [500, undefined],
      [502, undefined],
      [503, undefined],
      [504, undefined],
    ]);
  });

  it('a dropped connection is told with its code and rethrown unchanged', async () => {
    const notices: RetryNotice[] = [];
    const policy = retryNoticePolicy((n) => notices.push(n));
    const err = Object.assign(new Error('socket hang up'), {code: 'ECONNRESET'});
    await expect(
      policy.sendRequest(request(), async () => {
        throw err;
      }),
    ).rejects.toBe(err);
    expect(notices).toEqual([
      {host: 'arm.example:8443', code: 'ECONNRESET', attempt: 1, maxAttempts: 4},
    ]);
    // An error that is not a transport failure (a bug, an abort) is not a retry.
    await expect(
      policy.sendRequest(request(), async () => {
        throw new TypeError('bug');
      }),
    ).rejects.toThrow('bug');
    expect(notices).toHaveLength(1);
  });

  it('Retry-After in seconds, as an HTTP date, or as retry-after-ms', () => {
    const at = Date.parse('2026-12-01T10:00:00Z');
    const res = (headers: Record<string, string>, status = 503) =>
      ({status, headers: createHttpHeaders(headers), request: request()}) as PipelineResponse;
    expect(retryAfterOf(res({'retry-after': '7'}), at)).toBe(7);
    expect(retryAfterOf(res({'retry-after': 'Tue, 01 Dec 2026 10:00:05 GMT'}), at)).toBe(5);
    expect(retryAfterOf(res({'retry-after-ms': '1500'}), at)).toBe(2);
    expect(retryAfterOf(res({'x-ms-retry-after-ms': '200'}), at)).toBe(1);
    expect(retryAfterOf(res({'retry-after': 'soon'}), at)).toBeUndefined();
    expect(retryAfterOf(res({'retry-after': '7'}, 500), at)).toBeUndefined();
  });
});

describe('describeRetry', () => {
  it('says who, what and when, in one line', () => {
    expect(
      describeRetry({host: 'h:1', status: 429, retryInSeconds: 3, attempt: 1, maxAttempts: 4}),
    ).toBe('Resource Manager at h:1 is throttling (429): retrying in 3 s (attempt 2 of 4)');
    expect(describeRetry({host: 'h:1', status: 500, attempt: 2, maxAttempts: 4})).toBe(
      'Resource Manager at h:1 failed (500): retrying shortly (attempt 3 of 4)',
    );
    expect(describeRetry({host: 'h:1', code: 'ECONNRESET', attempt: 1, maxAttempts: 4})).toBe(
      'Resource Manager at h:1 dropped the connection (ECONNRESET): retrying shortly (attempt 2 of 4)',
    );
  });
});
