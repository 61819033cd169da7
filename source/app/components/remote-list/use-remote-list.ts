import type {OnPage} from '../../../domain/services';
import type {AppError} from '../../../domain/types';
import {useListCache} from '../../app-context';
import {useStore} from '../../hooks/use-store';
import {useWork} from '../../hooks/use-work';
import {
  initialRemoteList,
  pendingWork,
  remoteListReducer,
  type RemoteListAction,
  type RemoteListState,
} from './state';

export interface RemoteListModel<V> {
  state: RemoteListState<V>;
  reload: () => void;
}

/**
 * The state of a list loaded from Azure, and the one place its loading runs. Pages show as they
 * come (`onPage`). With a `cacheKey` the list is kept for the session (see list-cache.ts): shown
 * at once when the screen opens again, fetched again only on reload.
 */
export function useRemoteList<V>(
  load: (signal: AbortSignal, onPage: OnPage<V>) => Promise<readonly V[]>,
  explain: (err: unknown) => AppError,
  cacheKey?: string,
): RemoteListModel<V> {
  const cache = useListCache();
  const [state, dispatch] = useStore<RemoteListState<V>, RemoteListAction<V>>(
    remoteListReducer,
    () => initialRemoteList(cacheKey === undefined ? undefined : cache?.get<V>(cacheKey)),
  );
  useWork(pendingWork(state), async ({id}, signal) => {
    try {
      const values = await load(signal, (soFar) => {
        if (!signal.aborted) dispatch({type: 'page', id, values: soFar});
      });
      if (signal.aborted) return;
      if (cacheKey !== undefined) cache?.set(cacheKey, values);
      dispatch({type: 'loaded', id, values});
    } catch (err) {
      if (!signal.aborted) dispatch({type: 'failed', id, error: explain(err)});
    }
  });
  return {state, reload: () => void dispatch({type: 'reload'})};
}
