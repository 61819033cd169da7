import type {Endpoint, Workspace} from '../../../../domain/types';
import type {Services} from '../../../../domain/services';
import type {ProfilesPort} from '../../../profiles-port';
import type {ResumeTarget} from '../../state';
import type {ResumeAction, ResumeScreen} from './state';

/**
 * Loads what a resumed profile points at: its workspace and its endpoint, together; then marks
 * the profile used and hands the result on.
 */
export function resumeRunner(deps: {
  services: Services;
  profiles: ProfilesPort;
  target: ResumeTarget;
  dispatch: (action: ResumeAction) => ResumeScreen;
  onResumed: (loaded: {workspace: Workspace; endpoint: Endpoint}) => void;
}) {
  return async ({id}: {id: number}, signal: AbortSignal): Promise<void> => {
    const {services, target, dispatch} = deps;
    try {
      const [workspace, endpoint] = await Promise.all([
        services.findWorkspace(
          target.subscription.id,
          target.workspace,
          target.resourceGroup,
          signal,
        ),
        services.getEndpoint(
          {
            subscriptionId: target.subscription.id,
            resourceGroup: target.resourceGroup,
            workspace: target.workspace,
            endpoint: target.endpoint,
          },
          signal,
        ),
      ]);
      if (signal.aborted) return;
      try {
        deps.profiles.touch(target.profileName);
      } catch {
        // The profile may have been removed meanwhile; resuming still works.
      }
      dispatch({type: 'loaded', id});
      deps.onResumed({workspace, endpoint});
    } catch (err) {
      if (!signal.aborted)
        dispatch({
          type: 'failed',
          id,
          error: services.explainError(err, `Resume ${target.profileName}`),
        });
    }
  };
}
