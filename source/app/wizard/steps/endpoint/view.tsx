import {Box, Text} from 'ink';
import type {Endpoint, Workspace} from '../../../../domain/types';
import {formatElapsed} from '../../../../lib/time';
import {useEnv} from '../../../app-context';
import {ErrorPanel} from '../../../components/error-panel';
import type {ListItem} from '../../../components/filter-list';
import {RemoteList, useRemoteList} from '../../../components/remote-list';
import {listKeys} from '../../../list-cache';
import {Spinner} from '../../../components/spinner';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useEndpointWaitKeys} from './keys';
import {endpointReducer, initialEndpointScreen, isBusy} from './state';
import {waitForEndpointRunner} from './work';

const CREATE = '+ create';
type Choice = Endpoint | typeof CREATE;

export const trafficText = (traffic: Record<string, number>): string => {
  const parts = Object.entries(traffic)
    .sort((a, b) => b[1] - a[1])
    .map(([name, pct]) => `${name} ${pct}%`);
  return parts.length ? parts.join(' / ') : 'no traffic';
};

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
  const [screen, screenDispatch, getScreen] = useStore(endpointReducer, initialEndpointScreen);
  const list = useRemoteList<Endpoint>(
    (signal, onPage) => services.listEndpoints(workspace, signal, onPage),
    (err) => services.explainError(err, 'List endpoints'),
    listKeys.endpoints(workspace.id),
  );
  useWork(
    screen.mode === 'waiting' ? screen.work : undefined,
    waitForEndpointRunner({
      services,
      dispatch: screenDispatch,
      onReady: (endpoint) => dispatch({type: 'endpointChosen', endpoint}),
    }),
  );

  const createEndpoint = () =>
    dispatch({
      type: 'createEndpoint',
      taken: list.state.mode === 'ready' ? list.state.values.map((e) => e.endpoint) : [],
    });
  const choose = (item: ListItem<Choice>) => {
    if (item.value === CREATE) return createEndpoint();
    const e = item.value;
    if (!isBusy(e)) return dispatch({type: 'endpointChosen', endpoint: e});
    screenDispatch({type: 'wait', endpoint: e});
  };

  const waiting = screen.mode !== 'list';
  useEndpointWaitKeys({isActive: isActive && waiting, dispatch: screenDispatch, get: getScreen});
  const {highlighted} = screen;
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
      onHighlight={(item) =>
        screenDispatch({
          type: 'highlight',
          endpoint: item && item.value !== CREATE ? item.value : undefined,
        })
      }
      onBack={() => dispatch({type: 'back'})}
      empty={null}
      below={
        <Box flexDirection="column" marginTop={1}>
          {screen.mode === 'waiting' ? (
            <Spinner
              elapsed={false}
              label={`Endpoint is ${screen.progress.provisioningState} (${formatElapsed(screen.progress.elapsedMs)}) — waiting for it to finish; esc stops waiting`}
            />
          ) : null}
          {screen.mode === 'waitFailed' ? <ErrorPanel error={screen.error} /> : null}
          {highlighted ? (
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
