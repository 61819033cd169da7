import {useEffect, useState} from 'react';
import {describeRetry} from '../../domain/retry';
import type {RetryNotice} from '../../domain/types';
import type {Hub} from '../../lib/hub';

/** How long a notice stays after its wait is over (or without a known wait). */
const LINGER_MS = 2000;

/**
 * The latest Resource Manager retry, in words, while it is current: from the notice until its
 * Retry-After wait (plus a moment) has passed. Undefined when there is none.
 */
export function useRetryNotice(retries: Hub<RetryNotice> | undefined): string | undefined {
  const [text, setText] = useState<string>();
  useEffect(() => {
    if (!retries) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const unsubscribe = retries.subscribe((notice) => {
      setText(describeRetry(notice));
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => setText(undefined), (notice.retryInSeconds ?? 0) * 1000 + LINGER_MS);
    });
    return () => {
      unsubscribe();
      if (timer) clearTimeout(timer);
    };
  }, [retries]);
  return text;
}
