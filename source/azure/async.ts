/**
 * Cancellation and progress helpers shared by the Services: every long wait honours an
 * AbortSignal, and every long-running operation reports its progress the same way.
 */
import type {OperationProgress, ProvisioningState} from '../domain/types';

export function abortError(): Error {
  const err = new Error('The operation was cancelled.');
  err.name = 'AbortError';
  return err;
}

/** Sleeps, or rejects with an AbortError as soon as the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, {once: true});
  });
}

/** Resolves with `p`, or rejects with an AbortError the moment the signal fires. */
export function abortable<T>(
  p: Promise<T>,
  signal: AbortSignal | undefined,
  onAbort: () => void,
): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const abort = () => {
      onAbort();
      reject(abortError());
    };
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort, {once: true});
    p.then(
      (v) => {
        signal.removeEventListener('abort', abort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', abort);
        reject(e);
      },
    );
  });
}

/** What a long-running operation's work reports through `withProgress`. */
export interface ProgressReporter {
  /** A provisioning state seen while polling: reported when it differs from the last one. */
  update(state: ProvisioningState): void;
  /** The state the operation ended in: always reported. */
  settle(state: ProvisioningState): void;
}

/**
 * Runs a long-running operation's `work`, reporting its provisioning state and elapsed time:
 * at once, every `intervalMs` while it runs, and on each change the work reports. The ticker
 * stops when the work settles, whichever way.
 */
export async function withProgress<T>(
  initial: ProvisioningState,
  intervalMs: number,
  onProgress: (p: OperationProgress) => void,
  work: (progress: ProgressReporter) => Promise<T>,
): Promise<T> {
  const started = Date.now();
  let state = initial;
  const emit = () => onProgress({provisioningState: state, elapsedMs: Date.now() - started});
  const ticker = setInterval(emit, intervalMs);
  ticker.unref?.();
  try {
    emit();
    return await work({
      update(next) {
        if (next === state) return;
        state = next;
        emit();
      },
      settle(final) {
        state = final;
        emit();
      },
    });
  } finally {
    clearInterval(ticker);
  }
}

/** Waits for an SDK poller to finish; on abort it stops polling and rejects at once. */
export function untilDone<T>(
  poller: {pollUntilDone(options: {abortSignal?: AbortSignal}): Promise<T>; stopPolling(): void},
  signal: AbortSignal | undefined,
): Promise<T> {
  const done = poller.pollUntilDone({abortSignal: signal});
  done.catch(() => undefined); // settled by abortable, or abandoned after an abort
  return abortable(done, signal, () => poller.stopPolling());
}
