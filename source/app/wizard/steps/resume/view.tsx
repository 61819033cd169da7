import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useEffect} from 'react';
import {useEnv} from '../../../app-context';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {useTask} from '../../../hooks/use-task';
import type {Action, ResumeTarget} from '../../state';

/** After a resumed sign-in: load the profile's workspace and endpoint, then land on the endpoint. */
export function ResumeStep({
  dispatch,
  isActive,
  target,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  target: ResumeTarget;
}) {
  const {services, profiles} = useEnv();
  const load = useTask(
    async (signal) => {
      const [workspaces, endpoint] = await Promise.all([
        services.listWorkspaces(target.subscription.id, signal),
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
      const workspace = workspaces.find(
        (w) =>
          w.name.toLowerCase() === target.workspace.toLowerCase() &&
          w.resourceGroup.toLowerCase() === target.resourceGroup.toLowerCase(),
      );
      if (!workspace)
        throw Object.assign(
          new Error(`Workspace ${target.workspace} is not visible to this identity.`),
          {code: 'ResourceNotFound', statusCode: 404},
        );
      return {workspace, endpoint};
    },
    (err) => services.explainError(err, `Resume ${target.profileName}`),
  );
  const {run} = load;
  useEffect(() => {
    void run().then((r) => {
      if (!r) return;
      try {
        profiles.touch(target.profileName);
      } catch {
        // The profile may have been removed meanwhile; resuming still works.
      }
      dispatch({
        type: 'resumed',
        subscription: {
          subscriptionId: target.subscription.id,
          displayName: target.subscription.name,
          state: 'Enabled',
        },
        workspace: r.workspace,
        endpoint: r.endpoint,
      });
    });
  }, [run, dispatch, profiles, target]);
  useKeys(
    (_input, key) => {
      if (key.escape || key.return) dispatch({type: 'newSetup'});
    },
    {isActive: isActive && load.state.status === 'error'},
  );
  return (
    <Box flexDirection="column">
      <Text bold>Resuming {target.profileName}</Text>
      {load.state.status === 'error' ? (
        <>
          <ErrorPanel error={load.state.error} />
          <Footer keys={['continue']} />
          <Text>Enter starts a new setup instead.</Text>
        </>
      ) : (
        <Spinner label={`Loading ${target.workspace} › ${target.endpoint}…`} />
      )}
    </Box>
  );
}
