import {readFile} from 'node:fs/promises';
import type {Services} from '../../../../domain/services';
import type {Endpoint} from '../../../../domain/types';
import type {DeploymentsAction, DeploymentsState, DeploymentsWork} from './state';

/**
 * The Deployments screen's work: load the list, the registered assets, a YAML file; create,
 * change the traffic, delete (each reporting progress); read logs. After a change the endpoint is
 * read again so the home and the list show its new traffic.
 */
export function deploymentsRunner(deps: {
  services: Services;
  endpoint: Endpoint;
  dispatch: (action: DeploymentsAction) => DeploymentsState;
  onEndpoint: (endpoint: Endpoint) => void;
}) {
  const {services, endpoint, dispatch} = deps;
  const ref = endpoint;
  const refreshEndpoint = async (signal: AbortSignal) => {
    try {
      const fresh = await services.getEndpoint(ref, signal);
      if (!signal.aborted) deps.onEndpoint(fresh);
    } catch {
      // The list shows the change; the home catches up on the next read.
    }
  };
  return async (work: DeploymentsWork, signal: AbortSignal): Promise<void> => {
    const {id} = work;
    const progress = (p: Parameters<Parameters<Services['setTraffic']>[3]>[0]) => {
      if (!signal.aborted) dispatch({type: 'progress', id, progress: p});
    };
    try {
      switch (work.kind) {
        case 'load': {
          const deployments = await services.listDeployments(ref, signal);
          if (!signal.aborted) dispatch({type: 'loaded', id, deployments});
          return;
        }
        case 'assets': {
          const [models, environments] = await Promise.all([
            services.listModels(ref, signal),
            services.listEnvironments(ref, signal),
          ]);
          if (!signal.aborted) dispatch({type: 'assetsLoaded', id, models, environments});
          return;
        }
        case 'readYaml': {
          let text: string;
          try {
            text = await readFile(work.file, 'utf8');
          } catch (err) {
            const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
            if (!signal.aborted)
              dispatch({
                type: 'failed',
                id,
                error: {
                  kind: 'invalid',
                  title: `Cannot read ${work.file}`,
                  detail: code === 'ENOENT' ? 'There is no such file.' : `The file is ${code}.`,
                  nextSteps: [
                    'Type the path of a deployment YAML (relative to where aml-auth runs).',
                  ],
                },
              });
            return;
          }
          // The YAML parser is loaded when a file is chosen, not with the wizard.
          const {parseDeploymentYaml} = await import('../../../../domain/deployment-yaml');
          if (signal.aborted) return;
          const parsed = parseDeploymentYaml(text, {
            resourceGroup: endpoint.resourceGroup,
            workspace: endpoint.workspace,
          });
          if (signal.aborted) return;
          if (parsed.ok) dispatch({type: 'yamlRead', id, spec: parsed.spec, file: work.file});
          else if (parsed.kind === 'localPaths')
            dispatch({type: 'yamlLocal', id, file: work.file, locals: parsed.locals});
          else
            dispatch({
              type: 'failed',
              id,
              error: {
                kind: 'invalid',
                title: `${work.file} cannot be used`,
                detail: parsed.problem,
                nextSteps: [
                  "Use Azure ML's managedOnlineDeployment YAML with registered assets (model: azureml:NAME:VERSION).",
                ],
              },
            });
          return;
        }
        case 'create': {
          const created = await services.createDeployment(
            ref,
            work.spec,
            {allTraffic: work.allTraffic},
            progress,
            signal,
          );
          if (signal.aborted) return;
          // Before the screen moves on (which ends this work): the endpoint's new traffic.
          await refreshEndpoint(signal);
          if (!signal.aborted) dispatch({type: 'created', id, deployment: created});
          return;
        }
        case 'traffic': {
          const updated = await services.setTraffic(
            ref,
            {traffic: work.traffic, mirrorTraffic: work.mirror},
            {},
            progress,
            signal,
          );
          if (signal.aborted) return;
          deps.onEndpoint(updated);
          dispatch({type: 'trafficApplied', id});
          return;
        }
        case 'logs': {
          const content = await services.deploymentLogs(
            ref,
            work.deployment,
            {container: work.container, lines: work.lines},
            signal,
          );
          if (!signal.aborted) dispatch({type: 'logsLoaded', id, content});
          return;
        }
        case 'delete': {
          await services.deleteDeployment(ref, work.deployment, {}, progress, signal);
          if (signal.aborted) return;
          await refreshEndpoint(signal);
          if (!signal.aborted) dispatch({type: 'deleted', id});
          return;
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      const what = {
        load: `list the deployments of ${endpoint.endpoint}`,
        assets: `list the models and environments of ${endpoint.workspace}`,
        readYaml: 'read the deployment file',
        create: 'create the deployment',
        traffic: `change the traffic of ${endpoint.endpoint}`,
        logs: 'read the logs',
        delete: 'delete the deployment',
      }[work.kind];
      const error = services.explainError(err, what);
      dispatch(
        work.kind === 'load' ? {type: 'loadFailed', id, error} : {type: 'failed', id, error},
      );
    }
  };
}
