import {Box, Text} from 'ink';
import {decodeJwt} from '../../../../domain/token';
import type {
  Deployment,
  Endpoint,
  PermissionBlock,
  ScoringCredential,
} from '../../../../domain/types';
import {ACTIONS, allows} from '../../../../domain/permissions';
import {
  curlCommand,
  explainScoringFailure,
  summarize,
  type RepeatSummary,
} from '../../../../domain/scoring';
import {mask} from '../../../../domain/credentials';
import {copiedMessage} from '../../../copied';
import {useEnv, useTextEntry} from '../../../app-context';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {visible} from '../../../../lib/visible';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {followOf, useInvokeKeys} from './keys';
import {BODY_ROWS, initialInvoke, invokeReducer} from './state';
import {deploymentsRunner, sendRunner} from './work';

function pretty(body: string): string[] {
  try {
    return JSON.stringify(JSON.parse(body), null, 2).split('\n').map(visible);
  } catch {
    return body.split('\n').map(visible);
  }
}

export function InvokeStep({
  dispatch,
  isActive,
  endpoint,
  cached,
  permissions,
  initialDeployment,
  initialFile,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
  cached?: ScoringCredential;
  permissions?: PermissionBlock[];
  initialDeployment?: string;
  initialFile?: string;
}) {
  const {services, copy, sampleRequest} = useEnv();
  const [state, screenDispatch, get] = useStore(invokeReducer, () =>
    initialInvoke({
      file: initialFile ?? sampleRequest ?? 'request.json',
      deployment: initialDeployment,
    }),
  );
  useWork(state.deploymentsWork, deploymentsRunner({services, endpoint, dispatch: screenDispatch}));
  useWork(
    state.work,
    sendRunner({
      services,
      endpoint,
      cached: () => cached,
      dispatch: screenDispatch,
      onSettings: (settings) => dispatch({type: 'invokeSettings', ...settings}),
      onCredential: (credential) => dispatch({type: 'credentialFetched', credential}),
      onRequestId: (requestId) => dispatch({type: 'requestSent', requestId}),
    }),
  );

  const copyCurl = (withSecret: boolean) => {
    const {sent, file, deployment} = get();
    const secret = withSecret ? (sent?.credential.value ?? cached?.value) : undefined;
    if (withSecret && !secret) {
      screenDispatch({
        type: 'noted',
        note: 'Send once first: there is no credential to put in the command yet.',
      });
      return;
    }
    const options = {
      scoringUri: endpoint.scoringUri ?? '',
      requestFile: file,
      deployment,
      caCertFile: services.cloud.caCertFile,
    };
    const command = curlCommand({...options, secret});
    // On screen: the command as copied, the secret in it masked.
    const shown = curlCommand({...options, secret: secret ? mask(secret) : undefined});
    void copy(command).then((outcome) =>
      screenDispatch({
        type: 'noted',
        note: copiedMessage(
          secret ? 'The curl command WITH the secret' : 'The curl command (with $DATA_PLANE_TOKEN)',
          outcome,
        ),
        shown,
      }),
    );
  };

  const {mode, file, deployment, count} = state;
  useTextEntry(isActive && (mode === 'file' || mode === 'count'));
  useInvokeKeys({
    isActive: isActive && mode !== 'target',
    dispatch: screenDispatch,
    get,
    onBack: () => dispatch({type: 'back'}),
    onCopyCurl: copyCurl,
    onOpenDeployments: (logsOf) => dispatch({type: 'openDeployments', ...(logsOf ? {logsOf} : {})}),
  });

  if (mode === 'target') {
    const list: Deployment[] = state.deployments ?? [];
    return (
      <Box flexDirection="column">
        <Text bold>Send to which deployment?</Text>
        {state.deploymentsWork ? <Spinner label="Loading deployments…" /> : null}
        <FilterList<string | undefined>
          isActive={isActive}
          items={[
            {
              key: '(traffic)',
              label: 'traffic-routed',
              detail: 'follow the endpoint’s traffic split',
              value: undefined,
            },
            ...list.map((d) => ({
              key: d.name,
              label: d.name,
              detail: `${d.trafficPercent}% traffic${d.trafficPercent === 0 ? ' — reachable only by name' : ''}${d.model ? ` · ${d.model}` : ''}`,
              value: d.name as string | undefined,
            })),
          ]}
          onSelect={(item) => screenDispatch({type: 'target', deployment: item.value})}
          onBack={() => screenDispatch({type: 'cancel'})}
        />
        <Footer keys={['select', 'move', 'back']} />
      </Box>
    );
  }

  const done = state.sent;
  const results = done?.results ?? [];
  const last = results.at(-1);
  let summary: RepeatSummary | undefined;
  if (results.length > 1) summary = summarize(results);
  const explanation =
    last && done?.credential
      ? explainScoringFailure(last, {
          authMode: endpoint.authMode,
          sent: done.credential.kind,
          expiresOn: done.credential.expiresOn,
          now: done.receivedAt,
          audience:
            done.credential.kind === 'aad_token' ? audienceOf(done.credential.value) : undefined,
          mlAudience: services.cloud.mlScope.replace(/\/\.default$/, ''),
          hasScorePermission: permissions ? allows(permissions, ACTIONS.score) : undefined,
        })
      : undefined;
  const lines = last ? pretty(last.body) : [];
  const follow = followOf(state);
  const top = Math.min(state.scroll, Math.max(0, lines.length - BODY_ROWS));

  return (
    <Box flexDirection="column">
      <Text bold>Invoke {endpoint.endpoint}</Text>
      {mode === 'file' ? (
        <TextField
          label="Request file"
          value={file}
          onEdit={ignoreEdit}
          isActive={isActive}
          help="A JSON file; enter keeps it."
        />
      ) : (
        <Text wrap="truncate-end">
          <Text color={theme.text.muted}>request </Text>
          {file} <Text color={theme.text.muted}>· target </Text>
          {deployment ? `deployment ${deployment}` : 'traffic-routed'}
        </Text>
      )}
      {mode === 'count' ? (
        <TextField
          label="How many requests"
          value={count}
          onEdit={ignoreEdit}
          isActive={isActive}
        />
      ) : null}
      {state.problem ? (
        <Text color={theme.status.error} wrap="wrap">
          ✗ {state.problem.problem} <Text color={theme.text.muted}>— {state.problem.hint}</Text>
        </Text>
      ) : null}
      {state.mode === 'sending' ? (
        <Spinner
          label={`Sending${state.progress ? ` (${state.progress + 1})` : ''}… esc cancels`}
        />
      ) : null}
      {state.error ? <ErrorPanel error={state.error} /> : null}
      {last ? (
        <Box flexDirection="column" marginTop={1}>
          <Text>
            <Text color={last.status < 300 ? theme.status.success : theme.status.error} bold>
              {last.status}
            </Text>{' '}
            · {Math.round(last.latencyMs)} ms · deployment {last.deployment || '—'}{' '}
            <Text color={theme.text.muted}>· x-request-id {last.requestId ?? '—'}</Text>
          </Text>
          {last.modelError ? (
            <Text color={theme.status.warning}>
              model error: status {last.modelError.statusCode ?? '?'} · reason{' '}
              {last.modelError.reason ?? '?'}
            </Text>
          ) : null}
          {explanation ? (
            <Box flexDirection="column">
              <Text color={theme.status.error}>{explanation.title}</Text>
              <Text wrap="wrap">{explanation.cause}</Text>
              {explanation.next.map((n) => (
                <Text key={n} color={theme.text.muted} wrap="wrap">
                  • {n}
                </Text>
              ))}
              {follow?.kind === 'deployments' ? (
                <Text color={theme.status.info}>
                  → press <Text bold>d</Text> to open Deployments: create one, or give one traffic
                </Text>
              ) : null}
              {follow?.kind === 'logs' ? (
                <Text color={theme.status.info}>
                  → press <Text bold>l</Text> for the logs of {visible(follow.logsOf)}
                </Text>
              ) : null}
            </Box>
          ) : null}
          {lines.slice(top, top + BODY_ROWS).map((l, i) => (
            <Text key={`${top + i}`} wrap="truncate-end">
              {l}
            </Text>
          ))}
          {lines.length > BODY_ROWS ? (
            <Text color={theme.text.muted}>
              lines {top + 1}–{Math.min(lines.length, top + BODY_ROWS)} of {lines.length} (↑↓
              pgup/pgdn)
            </Text>
          ) : null}
        </Box>
      ) : null}
      {summary ? (
        <Box flexDirection="column">
          <Text>
            {summary.count} requests · p50 {Math.round(summary.p50Ms)} ms · p95{' '}
            {Math.round(summary.p95Ms)} ms ·{' '}
            {Object.entries(summary.statuses)
              .map(([s, n]) => `${n}× ${s}`)
              .join(', ')}
          </Text>
          <Text>
            {summary.deployments.map((d) => `${d.name} ${Math.round(d.share * 100)}%`).join(' · ')}
          </Text>
        </Box>
      ) : null}
      {mode === 'confirmSecretCurl' ? (
        <Text color={theme.status.warning}>
          Copy the curl command WITH the secret credential in it? y copy · n cancel
        </Text>
      ) : null}
      {state.mode === 'ready' && state.note ? (
        <Text color={theme.status.info}>{state.note}</Text>
      ) : null}
      {state.mode === 'ready' && state.shown ? (
        <Box flexDirection="column" marginLeft={2}>
          {state.shown.split('\n').map((line, i) => (
            <Text key={i} dimColor>
              {visible(line)}
            </Text>
          ))}
        </Box>
      ) : null}
      <Footer
        keys={
          mode === 'file' || mode === 'count'
            ? ['submit', 'back']
            : ['send', 'file', 'target', 'repeat', 'curl', 'scroll', 'back']
        }
      />
    </Box>
  );
}

/**
 * The fields' edits are applied by the screen's keys hook (see `./keys.ts`), so that keys arriving
 * with the one that opened a field count; the TextField only shows the value.
 */
const ignoreEdit = () => undefined;

function audienceOf(token: string): string | undefined {
  try {
    const aud = decodeJwt(token).claims.aud;
    return Array.isArray(aud) ? aud[0] : aud;
  } catch {
    return undefined;
  }
}
