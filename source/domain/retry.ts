import type {RetryNotice} from './types';

const STATUS_WORDS: Record<number, string> = {
  408: 'timed out',
  429: 'is throttling (429)',
  500: 'failed (500)',
  502: 'had a bad gateway (502)',
  503: 'is unavailable (503)',
  504: 'timed out at the gateway (504)',
};

/** One line for a retry the SDK is about to make, e.g. "… is throttling (429): retrying in 3 s (2 of 4)". */
export function describeRetry(notice: RetryNotice): string {
  const what =
    notice.status !== undefined
      ? (STATUS_WORDS[notice.status] ?? `answered ${notice.status}`)
      : `dropped the connection (${notice.code ?? 'network error'})`;
  const when =
    notice.retryInSeconds !== undefined
      ? `retrying in ${notice.retryInSeconds} s`
      : 'retrying shortly';
  return `Resource Manager at ${notice.host} ${what}: ${when} (attempt ${notice.attempt + 1} of ${notice.maxAttempts})`;
}
