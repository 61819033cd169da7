import type {AppError} from '../../../domain/types';
import {nextWork} from '../../hooks/use-work';

/**
 * A list loaded from Azure: loading (with the work that loads it), failed, or ready. Ready with
 * `more` while later pages are still coming (the rows so far are shown and can be used).
 */
export type RemoteListState<V> =
  | {mode: 'loading'; work: {id: number}}
  | {mode: 'error'; error: AppError; work: {id: number}}
  | {mode: 'ready'; values: readonly V[]; work: {id: number}; more?: boolean};

export type RemoteListAction<V> =
  /** A page came in: `values` are all the items so far. */
  | {type: 'page'; id: number; values: readonly V[]}
  | {type: 'loaded'; id: number; values: readonly V[]}
  | {type: 'failed'; id: number; error: AppError}
  | {type: 'reload'};

/**
 * A list starts loading as it opens (the work is in its first state), unless the session already
 * has it: then it is ready at once, with no work (id 0; a reload is work 1).
 */
export const initialRemoteList = <V>(cached?: readonly V[]): RemoteListState<V> =>
  cached ? {mode: 'ready', values: cached, work: {id: 0}} : {mode: 'loading', work: {id: 1}};

/** The work still to run: none once the list is ready and complete. */
export const pendingWork = <V>(state: RemoteListState<V>): {id: number} | undefined =>
  state.mode === 'ready' && !state.more ? undefined : state.work;

export function remoteListReducer<V>(
  state: RemoteListState<V>,
  action: RemoteListAction<V>,
): RemoteListState<V> {
  switch (action.type) {
    case 'page':
      return action.id === state.work.id &&
        (state.mode === 'loading' || (state.mode === 'ready' && state.more))
        ? {mode: 'ready', values: action.values, work: state.work, more: true}
        : state;
    case 'loaded':
      // A result of work that was replaced (a reload) is dropped.
      return action.id === state.work.id
        ? {mode: 'ready', values: action.values, work: state.work}
        : state;
    case 'failed':
      return action.id === state.work.id
        ? {mode: 'error', error: action.error, work: state.work}
        : state;
    case 'reload':
      return {mode: 'loading', work: nextWork(state.work, {})};
  }
}
