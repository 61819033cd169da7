import {type Key, useInput} from 'ink';
import {useCallback, useLayoutEffect, useRef} from 'react';
import {keysOf} from './key-chunks';

/**
 * `useInput` that never answers a key with a stale handler. Ink writes a frame on commit but
 * re-attaches `useInput` listeners in a passive effect, which can run a moment later; a key that
 * arrives in between would reach the previous state's handler (or none, if it just became
 * active). Here the listener stays attached and reads the latest handler and `isActive` from
 * refs set in a layout effect, i.e. within the same commit that drew the frame.
 */
export function useKeys(
  handler: (input: string, key: Key) => void,
  options: {isActive?: boolean} = {},
): void {
  const handlerRef = useRef(handler);
  const activeRef = useRef(options.isActive ?? true);
  useLayoutEffect(() => {
    handlerRef.current = handler;
    activeRef.current = options.isActive ?? true;
  });
  // Ink hands printable keys that arrived in one read ("gy" typed fast, "3⏎") over as one chunk:
  // each key of it reaches the handler on its own, in order, so every one counts.
  const listener = useCallback((input: string, key: Key) => {
    for (const [i, k] of keysOf(input, key)) if (activeRef.current) handlerRef.current(i, k);
  }, []);
  useInput(listener);
}
