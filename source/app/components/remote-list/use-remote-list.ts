import type {AppError} from '../../../domain/types';
import {useStore} from '../../hooks/use-store';
import {useWork} from '../../hooks/use-work';
import {
  initialRemoteList,
  remoteListReducer,
  type RemoteListAction,
  type RemoteListState,
} from './state';

export interface RemoteListModel<V> {
  state: RemoteListState<V>;
  reload: () => void;
}

/** The state of a list loaded from Azure, and the one place its loading runs. */
export function useRemoteList<V>(
  load: (signal: AbortSignal) => Promise<V[]>,
  explain: (err: unknown) => AppError,
): RemoteListModel<V> {
  const [state, dispatch] = useStore<RemoteListState<V>, RemoteListAction<V>>(
    remoteListReducer,
    initialRemoteList,
  );
  useWork(state.work, async ({id}, signal) => {
    try {
      const values = await load(signal);
      if (!signal.aborted) dispatch({type: 'loaded', id, values});
    } catch (err) {
      if (!signal.aborted) dispatch({type: 'failed', id, error: explain(err)});
    }
  });
  return {state, reload: () => void dispatch({type: 'reload'})};
}
