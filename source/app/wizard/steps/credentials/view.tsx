import {Box, Text} from 'ink';
import {useState} from 'react';
import {inspectToken} from '../../../../domain/token';
import {TokenView} from '../sign-in/token-view';
import type {Endpoint, ScoringCredential} from '../../../../domain/types';
import {exportLines, mask} from '../../../../domain/credentials';
import {curlCommand} from '../../../../domain/scoring';
import {visible} from '../../../../lib/visible';
import {formatElapsed, localTime} from '../../../../lib/time';
import {copiedMessage} from '../../../copied';
import {useEnv} from '../../../app-context';
import {Countdown} from '../../../components/countdown';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {WhenDue} from '../../../components/when-due';
import {Spinner} from '../../../components/spinner';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useCredentialsKeys} from './keys';
import {
  autoRefreshAt,
  credentialsReducer,
  currentCredential,
  fetching,
  initialCredentials,
} from './state';
import {credentialsRunner} from './work';

export function CredentialsStep({
  dispatch,
  isActive,
  endpoint,
  cached,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
  cached?: ScoringCredential;
}) {
  const {services, copy, sampleRequest} = useEnv();
  // Reference for local wall-clock times; countdowns and the refresh check tick on their own.
  const [now] = useState(() => Date.now());
  const [state, screenDispatch, get] = useStore(credentialsReducer, () =>
    initialCredentials({authMode: endpoint.authMode, cached, now: Date.now()}),
  );
  const onCredential = (credential: ScoringCredential) =>
    dispatch({type: 'credentialFetched', credential});
  useWork(
    state.work,
    credentialsRunner({services, endpoint, dispatch: screenDispatch, onCredential}),
  );
  useCredentialsKeys({
    isActive,
    dispatch: screenDispatch,
    get,
    onBack: () => dispatch({type: 'back'}),
    onCopy: (what, text) =>
      void copy(text).then((ch) => screenDispatch({type: 'noted', note: copiedMessage(what, ch)})),
    onCopyCurl: () => {
      // The token stays out: $DATA_PLANE_TOKEN, as the export lines (e) set it.
      const command = curlCommand({
        scoringUri: endpoint.scoringUri ?? '',
        requestFile: sampleRequest ?? 'request.json',
        caCertFile: services.cloud.caCertFile,
      });
      void copy(command).then((outcome) =>
        screenDispatch({
          type: 'noted',
          note: copiedMessage('The curl command (with $DATA_PLANE_TOKEN)', outcome),
          shown: command,
        }),
      );
    },
    scoringUri: endpoint.scoringUri,
    onCredential,
  });

  const current = currentCredential(state);
  const due = autoRefreshAt(state);
  const {revealed, which, keys, issuedAt} = state;
  const confirmRegen = state.mode === 'confirmingRegen';
  const show = (secret: string) => (revealed ? secret : mask(secret));
  return (
    <Box flexDirection="column">
      <Text bold>
        Credentials for {endpoint.endpoint}{' '}
        <Text color={theme.text.muted}>({endpoint.authMode})</Text>
      </Text>
      {fetching(state) && !current ? <Spinner label="Fetching…" /> : null}
      {state.error ? <ErrorPanel error={state.error} /> : null}
      {endpoint.authMode === 'key' && keys
        ? (['primary', 'secondary'] as const).map((w) => (
            <Text key={w}>
              <Text color={which === w ? theme.focus.selected : undefined} bold={which === w}>
                {which === w ? '› ' : '  '}
                {w.padEnd(10)}
              </Text>
              {show(w === 'primary' ? keys.primaryKey : keys.secondaryKey)}
              {state.changed === w ? <Text color={theme.status.success}> (new)</Text> : null}
            </Text>
          ))
        : null}
      {endpoint.authMode === 'key' ? (
        <Text color={theme.text.muted}>
          Keys never expire. To rotate: move clients to the other key, regenerate this one, move
          them back.
        </Text>
      ) : null}
      {state.regenerating ? (
        <Spinner
          elapsed={false}
          label={`Regenerating the ${state.regenerating.which} key… ${formatElapsed(state.regenerating.elapsedMs)}`}
        />
      ) : null}
      {state.regenError ? <ErrorPanel error={state.regenError} /> : null}
      {confirmRegen ? (
        <ConfirmBox yes="regenerate" no="keep" warning>
          <Text>
            Regenerate the {which} key of {endpoint.endpoint}?
          </Text>
          <Text wrap="wrap">
            Clients still sending it will get 401 at once. Rotation: move clients to the{' '}
            {which === 'primary' ? 'secondary' : 'primary'} key first.
          </Text>
        </ConfirmBox>
      ) : null}
      {current && current.kind !== 'key' ? (
        <TokenDetails
          credential={current}
          now={now}
          reveal={revealed}
          mlScope={services.cloud.mlScope}
          autoRefresh={state.autoRefresh}
          lifetimeMs={issuedAt && current.expiresOn ? current.expiresOn - issuedAt : undefined}
        />
      ) : null}
      {state.showExport && current && endpoint.scoringUri ? (
        <Box flexDirection="column" marginTop={1}>
          {exportLines(endpoint.scoringUri, revealed ? current.value : mask(current.value)).map(
            (l) => (
              <Text key={l} wrap="truncate-end">
                {l}
              </Text>
            ),
          )}
          {revealed ? null : <Text color={theme.text.muted}>(masked: v reveals)</Text>}
        </Box>
      ) : null}
      {due !== undefined ? (
        <WhenDue at={due} onDue={() => screenDispatch({type: 'due', at: Date.now()})} />
      ) : null}
      {state.mode === 'viewing' && state.note ? (
        <Text color={theme.status.info}>{state.note}</Text>
      ) : null}
      {state.mode === 'viewing' && state.shown ? (
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
          confirmRegen
            ? ['confirm', 'deny']
            : endpoint.authMode === 'key'
              ? [
                  'move',
                  'reveal2',
                  'copy',
                  'copyUri',
                  'copyCurl',
                  'regenerate',
                  'refresh',
                  'exportView',
                  'back',
                ]
              : [
                  'reveal2',
                  'copy',
                  'copyUri',
                  'copyCurl',
                  'refresh',
                  'autoRefresh',
                  'exportView',
                  'back',
                ]
        }
      />
    </Box>
  );
}

function TokenDetails({
  credential,
  now,
  reveal,
  mlScope,
  autoRefresh,
  lifetimeMs,
}: {
  credential: ScoringCredential;
  now: number;
  reveal: boolean;
  mlScope: string;
  autoRefresh: boolean;
  /** The token's whole lifetime, when known: countdown colours scale to it. */
  lifetimeMs?: number;
}) {
  let audience: string | undefined;
  let audienceOk: boolean | undefined;
  if (credential.kind === 'aad_token') {
    try {
      const inspection = inspectToken(credential.value, mlScope);
      audience = String(inspection.audience);
      audienceOk = inspection.audienceOk;
    } catch {
      audienceOk = undefined;
    }
  }
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={theme.text.muted}>token </Text>
        {reveal ? credential.value : mask(credential.value)}
      </Text>
      {credential.expiresOn ? (
        <Text>
          <Text color={theme.text.muted}>expires </Text>
          {localTime(credential.expiresOn, now)} ·{' '}
          <Countdown target={credential.expiresOn} lifetimeMs={lifetimeMs} />
        </Text>
      ) : null}
      {credential.refreshAfter ? (
        <Text>
          <Text color={theme.text.muted}>refresh after </Text>
          {localTime(credential.refreshAfter, now)} ·{' '}
          <Countdown target={credential.refreshAfter} lifetimeMs={lifetimeMs && lifetimeMs / 2} />{' '}
          <Text color={theme.text.muted}>(auto-refresh {autoRefresh ? 'on' : 'off'})</Text>
        </Text>
      ) : (
        <Text color={theme.text.muted}>
          auto-refresh {autoRefresh ? 'on' : 'off'} (5 minutes before expiry)
        </Text>
      )}
      {credential.kind === 'aad_token' ? (
        <TokenView
          token={credential.value}
          scope={mlScope}
          now={now}
          title="Entra token for scoring"
          claims={['aud', 'oid', 'upn', 'appid', 'scp']}
          audienceName="ML"
        />
      ) : null}
      {credential.kind === 'aad_token' &&
      audienceOk === false &&
      /management/.test(audience ?? '') ? (
        <Text color={theme.status.error}>
          A management-audience token must not be used for scoring: the endpoint answers 401.
        </Text>
      ) : null}
    </Box>
  );
}
