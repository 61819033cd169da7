import {useCallback, useEffect, useLayoutEffect, useRef, useState} from 'react';
import type {AppError} from '../../domain/types';

export type TaskState<T> =
  | {status: 'idle'}
  | {status: 'running'; startedAt: number}
  | {status: 'done'; value: T}
  | {status: 'error'; error: AppError};

/**
 * The one way a screen asks a Service for something: `run()` starts the call with a fresh
 * AbortSignal (cancelling any call still in flight), the result lands in state, and leaving the
 * screen aborts whatever is running. Errors arrive already explained (`explain`).
 */
export function useTask<T, A extends unknown[]>(
  fn: (signal: AbortSignal, ...args: A) => Promise<T>,
  explain: (err: unknown) => AppError,
): {
  state: TaskState<T>;
  run: (...args: A) => Promise<T | undefined>;
  cancel: () => void;
  reset: () => void;
} {
  const [state, setState] = useState<TaskState<T>>({status: 'idle'});
  const controller = useRef<AbortController | undefined>(undefined);
  const fnRef = useRef(fn);
  const explainRef = useRef(explain);
  // Set in the commit that drew the frame, so a key pressed right after runs the current version.
  useLayoutEffect(() => {
    fnRef.current = fn;
    explainRef.current = explain;
  });

  const abort = useCallback(() => {
    controller.current?.abort();
    controller.current = undefined;
  }, []);

  /** Stops the call in flight and returns to idle, so the screen takes keys again. */
  const cancel = useCallback(() => {
    const running = controller.current !== undefined;
    abort();
    if (running) setState({status: 'idle'});
  }, [abort]);

  useEffect(() => abort, [abort]);

  const run = useCallback(async (...args: A) => {
    controller.current?.abort();
    const c = new AbortController();
    controller.current = c;
    setState({status: 'running', startedAt: Date.now()});
    try {
      const value = await fnRef.current(c.signal, ...args);
      if (c.signal.aborted) return undefined;
      setState({status: 'done', value});
      return value;
    } catch (err) {
      if (c.signal.aborted) return undefined;
      setState({status: 'error', error: explainRef.current(err)});
      return undefined;
    } finally {
      if (controller.current === c) controller.current = undefined;
    }
  }, []);

  const reset = useCallback(() => {
    abort();
    setState({status: 'idle'});
  }, [abort]);

  return {state, run, cancel, reset};
}
