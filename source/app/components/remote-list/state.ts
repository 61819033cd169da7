import type {AppError} from '../../../domain/types';
import {nextWork} from '../../hooks/use-work';

/** A list loaded from Azure: loading (with the work that loads it), failed, or ready. */
export type RemoteListState<V> =
  | {mode: 'loading'; work: {id: number}}
  | {mode: 'error'; error: AppError; work: {id: number}}
  | {mode: 'ready'; values: V[]; work: {id: number}};

export type RemoteListAction<V> =
  | {type: 'loaded'; id: number; values: V[]}
  | {type: 'failed'; id: number; error: AppError}
  | {type: 'reload'};

/** A list starts loading as it opens: the work is in its first state. */
export const initialRemoteList = <V>(): RemoteListState<V> => ({
  mode: 'loading',
  work: {id: 1},
});

export function remoteListReducer<V>(
  state: RemoteListState<V>,
  action: RemoteListAction<V>,
): RemoteListState<V> {
  switch (action.type) {
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
