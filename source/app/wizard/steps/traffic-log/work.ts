import type {EndpointRef} from '../../../../domain/types';
import type {Services} from '../../../../domain/services';
import type {TrafficAction, TrafficState, TrafficWork} from './state';

/**
 * The traffic-log screen's work: the endpoint's diagnostic settings, the Log Analytics
 * workspaces to pick from, turning logging on, and reading the log (the workflow `aml-auth logs
 * traffic` runs). Outcomes come back as actions with the work's id.
 */
export function trafficRunner(context: {
  services: Services;
  endpoint: EndpointRef;
  names: Map<string, string>;
  dispatch: (action: TrafficAction) => TrafficState;
}) {
  const {services, endpoint, names, dispatch} = context;
  return async (work: TrafficWork, signal: AbortSignal): Promise<void> => {
    const {id} = work;
    const fail = (err: unknown, operation: string) => {
      if (!signal.aborted)
        dispatch({type: 'failed', id, error: services.explainError(err, operation)});
    };
    switch (work.kind) {
      case 'status':
        try {
          const status = await services.trafficLogging(endpoint, signal);
          if (!signal.aborted) dispatch({type: 'statusLoaded', id, status});
        } catch (err) {
          fail(err, 'Read the diagnostic settings');
        }
        return;
      case 'workspaces':
        try {
          const workspaces = await services.listLogAnalyticsWorkspaces(
            endpoint.subscriptionId,
            signal,
          );
          if (!signal.aborted) dispatch({type: 'workspacesLoaded', id, workspaces});
        } catch (err) {
          fail(err, 'List Log Analytics workspaces');
        }
        return;
      case 'enable':
        try {
          const {status, created} = await services.enableTrafficLogging(
            endpoint,
            work.workspace.id,
            signal,
          );
          if (!signal.aborted) dispatch({type: 'enabled', id, status, created});
        } catch (err) {
          fail(err, 'Turn on traffic logging');
        }
        return;
      case 'read':
        try {
          const result = await services.readTrafficLog(endpoint, work.filter, names, signal);
          if (!signal.aborted) dispatch({type: 'read', id, result});
        } catch (err) {
          fail(err, 'Read the traffic log');
        }
        return;
    }
  };
}
