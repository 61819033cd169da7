import type {Services} from '../../../../domain/services';
import type {Endpoint} from '../../../../domain/types';
import type {EndpointAction, EndpointScreen, EndpointWaitWork} from './state';

/** Waits until the endpoint leaves Creating/Updating, reporting its state on the way. */
export function waitForEndpointRunner(deps: {
  services: Services;
  dispatch: (action: EndpointAction) => EndpointScreen;
  onReady: (endpoint: Endpoint) => void;
}) {
  return async ({id, endpoint}: EndpointWaitWork, signal: AbortSignal): Promise<void> => {
    const {services, dispatch} = deps;
    try {
      const ready = await services.waitForEndpoint(
        endpoint,
        (progress) => {
          if (!signal.aborted) dispatch({type: 'progress', id, progress});
        },
        signal,
      );
      if (signal.aborted) return;
      dispatch({type: 'waited', id});
      deps.onReady(ready);
    } catch (err) {
      if (!signal.aborted)
        dispatch({type: 'failed', id, error: services.explainError(err, 'Wait for the endpoint')});
    }
  };
}
