import {Box, Text} from 'ink';
import {useState} from 'react';
import {
  authTypeLabel,
  callerLabel,
  directory,
  ENDPOINT_LOG_CATEGORIES,
  summaryLine,
  type TrafficLoggingStatus,
  type TrafficLogRow,
} from '../../../../domain/traffic-log';
import type {Endpoint, Identity} from '../../../../domain/types';
import {visible} from '../../../../lib/visible';
import {localTime} from '../../../../lib/time';
import {copiedMessage} from '../../../copied';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useTrafficKeys} from './keys';
import {
  filterLabels,
  initialTraffic,
  queryOf,
  requestIdProblem,
  trafficReducer,
  type TrafficState,
} from './state';
import {trafficRunner} from './work';

const ROWS = 8;
const pad2 = (n: number) => String(n).padStart(2, '0');
/** Local wall-clock time of a row: `HH:MM:SS` (the detail line has the date). */
const clockTime = (ms: number) => {
  const d = new Date(ms);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
};
const short = (c: string) => c.replace(/^AmlOnlineEndpoint/, '');

/** The endpoint's traffic log: is it on, turn it on, and who called with which auth type. */
export function TrafficLogStep({
  dispatch,
  isActive,
  endpoint,
  identity,
  lastRequestId,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
  identity: Identity;
  lastRequestId?: string;
}) {
  const {services, copy} = useEnv();
  const [now] = useState(() => Date.now());
  // Object ID → name: the signed-in identity and the principals the cloud file names.
  const [names] = useState(() =>
    directory([
      {objectId: identity.objectId, name: identity.displayName ?? identity.name},
      ...(services.cloud.principals ?? []),
    ]),
  );
  const [state, screenDispatch, get] = useStore(trafficReducer, () =>
    initialTraffic({
      endpoint: endpoint.endpoint,
      ...(lastRequestId ? {lastRequestId} : {}),
    }),
  );
  useWork(state.work, trafficRunner({services, endpoint, names, dispatch: screenDispatch}));
  useTrafficKeys({
    isActive,
    dispatch: screenDispatch,
    get,
    onBack: () => dispatch({type: 'back'}),
    onCopy: (what, text) =>
      void copy(text).then((ch) => screenDispatch({type: 'noted', note: copiedMessage(what, ch)})),
  });
  useTextEntry(isActive && state.mode === 'requestId');
  const nameOf = (oid: string) => names.get(oid.toLowerCase()) ?? oid;

  return (
    <Box flexDirection="column">
      <Text bold>
        Traffic log of {endpoint.endpoint}{' '}
        <Text color={theme.text.muted}>(AmlOnlineEndpointTrafficLog)</Text>
      </Text>
      {state.status ? <LoggingStatus status={state.status} /> : null}
      {state.mode === 'loading' && state.work ? (
        <Spinner label="Reading the diagnostic settings…" />
      ) : null}
      {state.mode === 'off' ? (
        <Text wrap="wrap">
          Traffic logging is off: no diagnostic setting sends AmlOnlineEndpointTrafficLog to a Log
          Analytics workspace, so nothing records who calls this endpoint. e turns it on.
        </Text>
      ) : null}
      {state.mode === 'picking' ? (
        <Picking state={state} isActive={isActive} dispatch={screenDispatch} />
      ) : null}
      {state.mode === 'confirming' ? (
        <ConfirmBox yes="turn on" no="cancel">
          <Text wrap="wrap">
            {visible(
              `Send the traffic log of ${endpoint.endpoint} to ${state.workspace.name} (${state.workspace.resourceGroup})?`,
            )}
          </Text>
          <Text color={theme.text.muted} wrap="wrap">
            Creates the diagnostic setting aml-auth-traffic-log with the AmlOnlineEndpointTrafficLog
            category. Log Analytics bills the data it ingests.
          </Text>
        </ConfirmBox>
      ) : null}
      {state.mode === 'enabling' ? (
        <Spinner label={visible(`Creating the diagnostic setting (to ${state.workspace.name})…`)} />
      ) : null}
      {state.error ? <ErrorPanel error={state.error} /> : null}
      {state.mode === 'log' || state.mode === 'requestId' ? (
        <Log state={state} now={now} nameOf={nameOf} rowsShown={!state.showQuery} />
      ) : null}
      {state.mode === 'requestId' ? (
        <TextField
          label="x-request-id"
          value={state.draft}
          onEdit={(edit) => screenDispatch({type: 'edit', edit})}
          isActive={isActive}
          placeholder="paste the request ID of a response (empty: any)"
          error={requestIdProblem(state.draft)}
        />
      ) : null}
      {state.showQuery && state.mode !== 'picking' ? (
        <Box flexDirection="column" marginTop={1}>
          <Text color={theme.text.muted}>KQL (c copies it for the Logs blade):</Text>
          {queryOf(state)
            .split('\n')
            .map((line, i) => (
              <Text key={i} wrap="wrap">
                {visible(line)}
              </Text>
            ))}
        </Box>
      ) : null}
      {state.note ? (
        <Text color={theme.status.info} wrap="wrap">
          {visible(state.note)}
        </Text>
      ) : null}
      <Footer keys={footerKeys(state)} />
    </Box>
  );
}

function footerKeys(state: TrafficState): Parameters<typeof Footer>[0]['keys'] {
  switch (state.mode) {
    case 'confirming':
      return ['confirm', 'deny'];
    case 'picking':
      return ['select', 'move', 'back'];
    case 'requestId':
      return ['submit', 'back'];
    case 'off':
      return ['trafficEnable', 'trafficQuery', 'back'];
    case 'loading':
      // A failed read of the diagnostic settings can be tried again.
      return state.error ? ['trafficReload', 'back'] : ['back'];
    case 'enabling':
      return ['back'];
    case 'log':
      return [
        'trafficWindow',
        'trafficFailures',
        'trafficAuthType',
        'trafficIdentity',
        'trafficRequestId',
        ...(state.lastRequestId ? (['trafficLastRequest'] as const) : []),
        'trafficQuery',
        'trafficCopy',
        'trafficReload',
        'back',
      ];
  }
}

function LoggingStatus({status}: {status: TrafficLoggingStatus}) {
  if (status.settings.length === 0) {
    return <Text color={theme.text.muted}>No diagnostic settings on this endpoint.</Text>;
  }
  return (
    <Box flexDirection="column">
      {status.settings.map((s) => (
        <Text key={s.name} wrap="truncate-end">
          <Text
            color={
              s.categories.some((c) => c.category === ENDPOINT_LOG_CATEGORIES[0] && c.enabled) &&
              s.workspaceResourceId
                ? theme.status.success
                : theme.text.muted
            }
          >
            {visible(s.name)}
          </Text>{' '}
          →{' '}
          {visible(
            [
              ...(s.workspaceResourceId ? [s.workspaceResourceId.split('/').pop()!] : []),
              ...s.otherDestinations,
            ].join(', ') || 'no destination',
          )}{' '}
          <Text color={theme.text.muted}>
            {s.categories.map((c) => `${short(c.category)} ${c.enabled ? '✓' : '✗'}`).join(' · ')}
          </Text>
        </Text>
      ))}
    </Box>
  );
}

function Picking({
  state,
  isActive,
  dispatch,
}: {
  state: Extract<TrafficState, {mode: 'picking'}>;
  isActive: boolean;
  dispatch: (a: Parameters<typeof trafficReducer>[1]) => TrafficState;
}) {
  if (!state.workspaces) return <Spinner label="Listing the Log Analytics workspaces…" />;
  return (
    <Box flexDirection="column">
      <Text>Send the traffic log to which Log Analytics workspace? (type to filter)</Text>
      <FilterList
        isActive={isActive}
        items={state.workspaces.map((w) => ({
          key: w.id,
          label: visible(w.name),
          detail: visible(`${w.resourceGroup}${w.location ? ` · ${w.location}` : ''}`),
          value: w,
        }))}
        onSelect={(item) => dispatch({type: 'pick', workspace: item.value})}
        onBack={() => dispatch({type: 'cancel'})}
        empty={
          <Text wrap="wrap">
            This subscription has no Log Analytics workspace you can see. Create one (az monitor
            log-analytics workspace create -g RESOURCE_GROUP -n NAME, or the portal), then come
            back.
          </Text>
        }
      />
    </Box>
  );
}

function Log({
  state,
  now,
  nameOf,
  rowsShown,
}: {
  state: TrafficState;
  now: number;
  nameOf: (oid: string) => string;
  /** False while the KQL is shown in their place (80×24 has room for one of them). */
  rowsShown: boolean;
}) {
  const f = filterLabels(state.filters, nameOf);
  const result = state.result;
  const rows = result?.rows ?? [];
  const first = Math.max(0, Math.min(state.cursor - ROWS + 1, rows.length - ROWS));
  const shown = rows.slice(first, first + ROWS);
  const selected = rows[state.cursor];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.text.muted}>window </Text>
        {f.window}
        <Text color={theme.text.muted}> · failures </Text>
        {f.failures}
        <Text color={theme.text.muted}> · auth </Text>
        {f.auth}
        <Text color={theme.text.muted}> · identity </Text>
        {visible(f.identity)}
        <Text color={theme.text.muted}> · request </Text>
        {visible(f.request)}
        {result ? (
          <Text color={theme.text.muted}> · from {visible(result.workspace.name)}</Text>
        ) : null}
      </Text>
      {state.work?.kind === 'read' ? <Spinner label="Querying Log Analytics…" /> : null}
      {result ? (
        <Text wrap="wrap" bold>
          {visible(summaryLine(result.summary))}
        </Text>
      ) : null}
      {result && rows.length === 0 ? (
        <Text color={theme.text.muted} wrap="wrap">
          No requests in this window. In Azure, records take a few minutes to reach the workspace
          after a request: r reloads.
        </Text>
      ) : null}
      {rowsShown && shown.length ? (
        <Box flexDirection="column">
          <Text color={theme.text.muted}>
            {'  '}
            {'TIME'.padEnd(9)}
            {'CODE'.padEnd(5)}
            {'AUTH'.padEnd(9)}
            {'CALLER'.padEnd(24)}
            REASON
          </Text>
          {shown.map((r, i) => (
            <Row
              key={`${first + i} ${r.requestId}`}
              row={r}
              selected={first + i === state.cursor}
            />
          ))}
          {rows.length > ROWS ? (
            <Text color={theme.text.muted}>
              {'  '}
              {state.cursor + 1}/{rows.length}
            </Text>
          ) : null}
        </Box>
      ) : null}
      {rowsShown && selected ? <Detail row={selected} now={now} /> : null}
    </Box>
  );
}

function Row({row, selected}: {row: TrafficLogRow; selected: boolean}) {
  const t = Date.parse(row.time);
  const failed = row.responseCode !== 200;
  const caller = callerLabel(row.identity, row.identityName, row.authType);
  return (
    <Text wrap="truncate-end" color={selected ? theme.focus.selected : undefined} bold={selected}>
      {selected ? '› ' : '  '}
      {(Number.isNaN(t) ? '?' : clockTime(t)).padEnd(9)}
      <Text color={failed ? theme.status.error : theme.status.success}>
        {String(row.responseCode).padEnd(5)}
      </Text>
      {visible(row.authType).padEnd(9)}
      {visible(caller.length > 23 ? `${caller.slice(0, 22)}…` : caller).padEnd(24)}
      {visible(row.responseCodeReason)}
    </Text>
  );
}

function Detail({row, now}: {row: TrafficLogRow; now: number}) {
  const t = Date.parse(row.time);
  return (
    <Box flexDirection="column" marginTop={1}>
      <Text wrap="truncate-end">
        {Number.isNaN(t) ? visible(row.time) : localTime(t, now)}
        <Text color={theme.text.muted}> · </Text>
        <Text color={theme.text.muted}>x-request-id </Text>
        {visible(row.requestId || '—')}
        <Text color={theme.text.muted}> · {visible(row.method)} </Text>
        {visible(row.path)}
        <Text color={theme.text.muted}> · deployment </Text>
        {visible(row.deployment || '—')}
      </Text>
      <Text wrap="truncate-end">
        <Text color={theme.text.muted}>identity </Text>
        {visible(row.identity || '— (key callers carry none)')}
        {row.identityName ? (
          <Text color={theme.text.muted}> ({visible(row.identityName)})</Text>
        ) : null}
        <Text color={theme.text.muted}> · {authTypeLabel(row.authType)}</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text color={theme.text.muted}>model </Text>
        {row.modelStatusCode === null
          ? '— (not reached)'
          : visible(`${row.modelStatusCode} ${row.modelStatusReason}`.trim())}
        <Text color={theme.text.muted}> · total </Text>
        {row.durationMs} ms
        <Text color={theme.text.muted}>
          {' '}
          (request {row.requestDurationMs}, response {row.responseDurationMs})
        </Text>
      </Text>
    </Box>
  );
}
