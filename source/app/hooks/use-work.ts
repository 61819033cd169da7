import {useEffect, useLayoutEffect, useRef} from 'react';

/**
 * Work a screen's reducer asked for: the reducer puts a `{id, …}` descriptor in its state (when
 * the screen opens, or when a key asks for it) and this one hook runs it, with an AbortSignal that
 * is aborted when newer work replaces it or the screen closes. The runner reports back by
 * dispatching actions; nothing else starts network calls. An `id` that does not change is the
 * same work: re-rendering never runs it twice.
 */
export function useWork<W extends {id: number}>(
  work: W | undefined,
  run: (work: W, signal: AbortSignal) => Promise<void> | void,
): void {
  const runRef = useRef(run);
  const workRef = useRef(work);
  useLayoutEffect(() => {
    runRef.current = run;
    workRef.current = work;
  });
  const id = work?.id;
  useEffect(() => {
    const current = workRef.current;
    if (id === undefined || !current) return;
    const controller = new AbortController();
    void runRef.current(current, controller.signal);
    return () => controller.abort();
  }, [id]);
}

/** The id for the next work of a screen: one more than the last, so a reducer stays pure. */
export const nextWork = <W extends {id: number}>(last: W | undefined, work: Omit<W, 'id'>): W =>
  ({...work, id: (last?.id ?? 0) + 1}) as W;
