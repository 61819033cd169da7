import {useEffect, useLayoutEffect, useRef} from 'react';
import {useNow} from '../hooks/use-now';

/**
 * Calls `onDue` once when the shared ticker passes `at`, and once more for each new `at`. It
 * renders nothing, so only this component — not the screen around it — wakes up every second.
 */
export function WhenDue({at, onDue}: {at: number; onDue: () => void}) {
  const now = useNow();
  const due = now >= at;
  // The latest callback, set in the commit that drew the frame: a new `onDue` never re-fires.
  const onDueRef = useRef(onDue);
  useLayoutEffect(() => {
    onDueRef.current = onDue;
  });
  useEffect(() => {
    if (due) onDueRef.current();
  }, [due, at]);
  return null;
}
