/** Cancellation helpers shared by the Services: every long wait honours an AbortSignal. */

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
