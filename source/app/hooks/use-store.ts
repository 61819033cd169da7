import {useCallback, useLayoutEffect, useRef, useState} from 'react';

/**
 * `useReducer` whose latest state can be read at once. Keys that arrive together (key repeat, a
 * paste, a busy terminal) reach the handler one after another before React renders again; each
 * key is dispatched as an action, the reducer applies it to the state the previous key left, and
 * `get()` returns that state — so a handler that must act on the result (Enter after ↓↓) never
 * reads the value of the last frame. The reducer stays pure and is unit-tested on its own.
 */
export function useStore<S, A>(
  reducer: (state: S, action: A) => S,
  initial: S | (() => S),
): readonly [S, (action: A) => S, () => S] {
  const [state, setState] = useState(initial);
  const current = useRef(state);
  const reducerRef = useRef(reducer);
  useLayoutEffect(() => {
    reducerRef.current = reducer;
  });
  const dispatch = useCallback((action: A) => {
    const next = reducerRef.current(current.current, action);
    if (next !== current.current) {
      current.current = next;
      setState(next);
    }
    return next;
  }, []);
  const get = useCallback(() => current.current, []);
  return [state, dispatch, get] as const;
}
