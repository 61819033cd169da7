import {Box, Text} from 'ink';
import type {Subscription, Workspace} from '../../../../domain/types';
import {useEnv} from '../../../app-context';
import {RemoteList, useRemoteList} from '../../../components/remote-list';
import {listKeys} from '../../../list-cache';
import {theme} from '../../../theme';
import type {Action} from '../../state';

export function WorkspaceStep({
  dispatch,
  isActive,
  subscription,
  current,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  subscription: Subscription;
  current?: Workspace;
}) {
  const {services} = useEnv();
  const list = useRemoteList<Workspace>(
    (signal, onPage) => services.listWorkspaces(subscription.subscriptionId, signal, onPage),
    (err) => services.explainError(err, 'List workspaces'),
    listKeys.workspaces(subscription.subscriptionId),
  );
  return (
    <RemoteList<Workspace, Workspace>
      title={`Choose a workspace in ${subscription.displayName}`}
      loadingLabel="Loading workspaces…"
      list={list}
      isActive={isActive}
      initialKey={current?.id}
      toItems={(list) =>
        [...list]
          .sort((a, b) => a.name.localeCompare(b.name))
          .map((w) => ({
            key: w.id,
            label: w.name,
            detail: `${w.resourceGroup} · ${w.location}`,
            keywords: w.friendlyName,
            value: w,
          }))
      }
      onSelect={(item) => dispatch({type: 'workspaceChosen', workspace: item.value})}
      onBack={() => dispatch({type: 'back'})}
      empty={
        <Box flexDirection="column">
          <Text color={theme.status.warning}>
            No Azure ML workspaces you can read in {subscription.displayName}.
          </Text>
          <Text color={theme.text.muted}>
            • Create one: az ml workspace create --name my-ws --resource-group my-rg
          </Text>
          <Text color={theme.text.muted}>
            • Or ask for Reader (or AzureML Data Scientist) on an existing workspace.
          </Text>
        </Box>
      }
    />
  );
}
