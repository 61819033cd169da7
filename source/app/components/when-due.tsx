import {useEffect} from 'react';
import {useNow} from '../hooks/use-now';

/**
 * Calls `onDue` once when the shared ticker passes `at`. It renders nothing, so only this
 * component — not the screen around it — wakes up every second.
 */
export function WhenDue({at, onDue}: {at: number; onDue: () => void}) {
  const now = useNow();
  const due = now >= at;
  useEffect(() => {
    if (due) onDue();
    // Fires on the tick that crosses `at` (a new `at` re-arms it).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [due, at]);
  return null;
}
