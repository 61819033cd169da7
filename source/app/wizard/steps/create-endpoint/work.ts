import type {Services} from '../../../../domain/services';
import type {Endpoint, Workspace} from '../../../../domain/types';
import type {CreateEndpointAction, CreateEndpointForm, CreateEndpointWork} from './state';

/** Creates the endpoint in the workspace and waits for it, reporting its progress on the way. */
export function createEndpointRunner(deps: {
  services: Services;
  workspace: Workspace;
  dispatch: (action: CreateEndpointAction) => CreateEndpointForm;
  onCreated: (endpoint: Endpoint) => void;
}) {
  return async (work: CreateEndpointWork, signal: AbortSignal): Promise<void> => {
    const {services, workspace, dispatch} = deps;
    const {id} = work;
    try {
      const endpoint = await services.createEndpoint(
        {
          subscriptionId: workspace.subscriptionId,
          resourceGroup: workspace.resourceGroup,
          workspace: workspace.name,
          endpoint: work.name,
        },
        {location: workspace.location, authMode: work.authMode, identityType: work.identity},
        (progress) => {
          if (!signal.aborted) dispatch({type: 'progress', id, progress});
        },
        signal,
      );
      if (signal.aborted) return;
      dispatch({type: 'created', id});
      deps.onCreated(endpoint);
    } catch (err) {
      if (!signal.aborted)
        dispatch({
          type: 'failed',
          id,
          error: services.explainError(err, `Create endpoint ${work.name}`),
        });
    }
  };
}
