import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useState} from 'react';
import type {Endpoint, OperationProgress, Workspace} from '../../../../domain/types';
import {formatElapsed} from '../../../../lib/time';
import {useEnv} from '../../../app-context';
import {ErrorPanel} from '../../../components/error-panel';
import type {ListItem} from '../../../components/filter-list';
import {RemoteList, useRemoteList} from '../../../components/remote-list';
import {Spinner} from '../../../components/spinner';
import {useTask} from '../../../hooks/use-task';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action} from '../../state';

const CREATE = '+ create';
type Choice = Endpoint | typeof CREATE;

export const trafficText = (traffic: Record<string, number>): string => {
  const parts = Object.entries(traffic)
    .sort((a, b) => b[1] - a[1])
    .map(([name, pct]) => `${name} ${pct}%`);
  return parts.length ? parts.join(' / ') : 'no traffic';
};

const busy = (e: Endpoint) =>
  e.provisioningState === 'Creating' || e.provisioningState === 'Updating';

export function EndpointStep({
  dispatch,
  isActive,
  workspace,
  current,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  workspace: Workspace;
  current?: Endpoint;
}) {
  const {services} = useEnv();
  const [highlighted, setHighlighted] = useState<Choice | undefined>();
  const [progress, setProgress] = useState<OperationProgress | undefined>();
  const list = useRemoteList(
    (signal) => services.listEndpoints(workspace, signal),
    (err) => services.explainError(err, 'List endpoints'),
  );
  const wait = useTask(
    (signal, e: Endpoint) => services.waitForEndpoint(e, setProgress, signal),
    (err) => services.explainError(err, 'Wait for the endpoint'),
  );

  const createEndpoint = () =>
    dispatch({
      type: 'createEndpoint',
      taken: list.state.mode === 'ready' ? list.state.values.map((e) => e.endpoint) : [],
    });
  const choose = (item: ListItem<Choice>) => {
    if (item.value === CREATE) return createEndpoint();
    const e = item.value;
    if (!busy(e)) return dispatch({type: 'endpointChosen', endpoint: e});
    setProgress({provisioningState: e.provisioningState, elapsedMs: 0});
    void wait.run(e).then((done) => done && dispatch({type: 'endpointChosen', endpoint: done}));
  };

  const waiting = wait.state.status === 'running' || wait.state.status === 'error';
  useKeys(
    (_input, key) => {
      if (key.escape || (key.return && wait.state.status === 'error')) wait.reset();
    },
    {isActive: isActive && waiting},
  );
  return (
    <RemoteList<Choice, Endpoint>
      title={`Choose an online endpoint in ${workspace.name}`}
      loadingLabel="Loading endpoints…"
      list={list}
      isActive={isActive && !waiting}
      initialKey={current?.id}
      extraKeys={['create']}
      toItems={(endpoints) => [
        ...[...endpoints]
          .sort((a, b) => a.endpoint.localeCompare(b.endpoint))
          .map((e): ListItem<Choice> => ({
            key: e.id,
            label: e.endpoint,
            detail: `${e.authMode} · ${e.provisioningState} · ${trafficText(e.traffic)}`,
            value: e,
          })),
        {
          key: CREATE,
          label: '+ Create new endpoint',
          detail: 'name, auth mode, identity',
          value: CREATE,
        },
      ]}
      onSelect={choose}
      onKey={(input, key) => {
        if (matches('create', input, key)) {
          createEndpoint();
          return true;
        }
        return false;
      }}
      onHighlight={(item) => setHighlighted(item?.value)}
      onBack={() => {
        if (waiting) {
          wait.reset();
          return;
        }
        dispatch({type: 'back'});
      }}
      empty={null}
      below={
        <Box flexDirection="column" marginTop={1}>
          {wait.state.status === 'running' && progress ? (
            <Spinner
              label={`Endpoint is ${progress.provisioningState} (${formatElapsed(progress.elapsedMs)}) — waiting for it to finish; esc stops waiting`}
            />
          ) : null}
          {wait.state.status === 'error' ? <ErrorPanel error={wait.state.error} /> : null}
          {highlighted && highlighted !== CREATE ? (
            <Text color={theme.text.muted} wrap="truncate-end">
              {highlighted.scoringUri ?? 'no scoring URI yet'}
            </Text>
          ) : null}
          {list.state.mode === 'ready' && list.state.values.length === 0 ? (
            <Text color={theme.text.muted}>
              No online endpoints in {workspace.name} yet: create one.
            </Text>
          ) : null}
        </Box>
      }
    />
  );
}
