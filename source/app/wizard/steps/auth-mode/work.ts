import type {Services} from '../../../../domain/services';
import type {Endpoint} from '../../../../domain/types';
import type {AuthModeAction, AuthModeScreen, AuthModeWork} from './state';

/** Changes the endpoint's auth mode (a full update), reporting its progress on the way. */
export function changeAuthModeRunner(deps: {
  services: Services;
  endpoint: Endpoint;
  dispatch: (action: AuthModeAction) => AuthModeScreen;
  onChanged: (endpoint: Endpoint) => void;
}) {
  return async ({id, to}: AuthModeWork, signal: AbortSignal): Promise<void> => {
    const {services, endpoint, dispatch} = deps;
    try {
      const changed = await services.setAuthMode(
        endpoint,
        to,
        (progress) => {
          if (!signal.aborted) dispatch({type: 'progress', id, progress});
        },
        signal,
      );
      if (signal.aborted) return;
      dispatch({type: 'changed', id, authMode: changed.authMode});
      deps.onChanged(changed);
    } catch (err) {
      if (!signal.aborted)
        dispatch({
          type: 'failed',
          id,
          error: services.explainError(err, `Change the auth mode of ${endpoint.endpoint}`),
        });
    }
  };
}
