import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useEffect, useState} from 'react';
import {inspectToken} from '../../../../domain/token';
import {TokenView} from '../sign-in/token-view';
import type {Endpoint, EndpointKeys, ScoringCredential} from '../../../../domain/types';
import {exportLines, isUsable, mask, refreshDueAt} from '../../../../domain/credentials';
import {formatElapsed, localTime} from '../../../../lib/time';
import {copiedMessage} from '../../../copied';
import {useEnv} from '../../../app-context';
import {Countdown} from '../../../components/countdown';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {WhenDue} from '../../../components/when-due';
import {Spinner} from '../../../components/spinner';
import {useTask} from '../../../hooks/use-task';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action} from '../../state';

type Which = 'primary' | 'secondary';

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
  const {services, copy} = useEnv();
  // Reference for local wall-clock times; countdowns and the refresh check tick on their own.
  const [now] = useState(() => Date.now());
  const [revealed, setRevealed] = useState(false);
  const [which, setWhich] = useState<Which>('primary');
  const [confirmRegen, setConfirmRegen] = useState(false);
  const [changed, setChanged] = useState<Which | undefined>();
  const [autoRefresh, setAutoRefresh] = useState(true);
  const [showExport, setShowExport] = useState(false);
  const [note, setNote] = useState<string | undefined>();
  const [issuedAt, setIssuedAt] = useState<number | undefined>();

  const keys = useTask(
    (signal) => services.listKeys(endpoint, signal),
    (err) => services.explainError(err, 'List keys'),
  );
  const token = useTask(
    (signal) =>
      endpoint.authMode === 'aml_token'
        ? services.amlToken(endpoint, signal)
        : services.aadToken(signal),
    (err) =>
      services.explainError(
        err,
        endpoint.authMode === 'aml_token' ? 'Get an Azure ML token' : 'Get an Entra token',
      ),
  );
  const [regenProgress, setRegenProgress] = useState(0);
  const regen = useTask(
    async (signal, w: Which) => {
      await services.regenerateKey(endpoint, w, (p) => setRegenProgress(p.elapsedMs), signal);
      return true;
    },
    (err) => services.explainError(err, 'Regenerate the key'),
  );

  const fetchToken = (reason?: string) =>
    token.run().then((c) => {
      if (!c) return;
      if (reason) setNote(reason);
      setIssuedAt(Date.now());
      dispatch({type: 'credentialFetched', credential: c});
    });

  useEffect(() => {
    if (endpoint.authMode === 'key') {
      void keys.run().then(
        (k: EndpointKeys | undefined) =>
          k &&
          dispatch({
            type: 'credentialFetched',
            credential: {kind: 'key', value: k.primaryKey, which: 'primary'},
          }),
      );
    } else if (isUsable(cached, Date.now()) && cached.kind === endpoint.authMode) {
      // Reuse the credential already fetched in this session; the countdown shows what is left.
    } else void fetchToken();
    // Fetch once when the screen opens.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const current: ScoringCredential | undefined =
    endpoint.authMode === 'key'
      ? keys.state.status === 'done'
        ? {
            kind: 'key',
            value:
              which === 'primary' ? keys.state.value.primaryKey : keys.state.value.secondaryKey,
            which,
          }
        : undefined
      : token.state.status === 'done'
        ? token.state.value
        : cached?.kind === endpoint.authMode
          ? cached
          : undefined;

  const due = current ? refreshDueAt(current, issuedAt) : undefined;
  const refreshNow = () => {
    if (token.state.status !== 'running') {
      void fetchToken(
        `Refreshed automatically at ${localTime(Date.now(), Date.now())} (refresh-after passed).`,
      );
    }
  };

  useKeys(
    (input, key) => {
      if (confirmRegen) {
        if (matches('confirm', input, key)) {
          setConfirmRegen(false);
          void regen.run(which).then((regenerated) =>
            !regenerated
              ? undefined
              : keys.run().then((k) => {
                  if (!k) return;
                  setChanged(which);
                  dispatch({
                    type: 'credentialFetched',
                    credential: {
                      kind: 'key',
                      value: which === 'primary' ? k.primaryKey : k.secondaryKey,
                      which,
                    },
                  });
                }),
          );
        } else if (matches('deny', input, key) || key.escape) setConfirmRegen(false);
        return;
      }
      if (key.escape) return dispatch({type: 'back'});
      if (matches('reveal2', input, key)) return setRevealed((r) => !r);
      if (matches('exportView', input, key)) return setShowExport((x) => !x);
      if (matches('copy', input, key) && current) {
        void copy(current.value).then((ch) => setNote(copiedMessage('The credential', ch)));
        return;
      }
      if (matches('copyUri', input, key) && endpoint.scoringUri) {
        void copy(endpoint.scoringUri).then((ch) => setNote(copiedMessage('The scoring URI', ch)));
        return;
      }
      if (endpoint.authMode === 'key') {
        if (key.upArrow || key.downArrow) {
          const next = which === 'primary' ? 'secondary' : 'primary';
          setWhich(next);
          if (keys.state.status === 'done') {
            dispatch({
              type: 'credentialFetched',
              credential: {
                kind: 'key',
                value:
                  next === 'primary' ? keys.state.value.primaryKey : keys.state.value.secondaryKey,
                which: next,
              },
            });
          }
        }
        if (matches('regenerate', input, key)) setConfirmRegen(true);
        return;
      }
      if (matches('refresh', input, key)) void fetchToken('Refreshed.');
      if (matches('autoRefresh', input, key)) setAutoRefresh((a) => !a);
    },
    {isActive},
  );

  const show = (secret: string) => (revealed ? secret : mask(secret));
  const failed = endpoint.authMode === 'key' ? keys.state : token.state;
  return (
    <Box flexDirection="column">
      <Text bold>
        Credentials for {endpoint.endpoint}{' '}
        <Text color={theme.text.muted}>({endpoint.authMode})</Text>
      </Text>
      {failed.status === 'running' && !current ? <Spinner label="Fetching…" /> : null}
      {failed.status === 'error' ? <ErrorPanel error={failed.error} /> : null}
      {endpoint.authMode === 'key' && keys.state.status === 'done'
        ? (['primary', 'secondary'] as const).map((w) => {
            const value =
              w === 'primary'
                ? keys.state.status === 'done' && keys.state.value.primaryKey
                : keys.state.status === 'done' && keys.state.value.secondaryKey;
            return (
              <Text key={w}>
                <Text color={which === w ? theme.focus.selected : undefined} bold={which === w}>
                  {which === w ? '› ' : '  '}
                  {w.padEnd(10)}
                </Text>
                {show(value || '')}
                {changed === w ? <Text color={theme.status.success}> (new)</Text> : null}
              </Text>
            );
          })
        : null}
      {endpoint.authMode === 'key' ? (
        <Text color={theme.text.muted}>
          Keys never expire. To rotate: move clients to the other key, regenerate this one, move
          them back.
        </Text>
      ) : null}
      {regen.state.status === 'running' ? (
        <Spinner label={`Regenerating the ${which} key… ${formatElapsed(regenProgress)}`} />
      ) : null}
      {regen.state.status === 'error' ? <ErrorPanel error={regen.state.error} /> : null}
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
          autoRefresh={autoRefresh}
          lifetimeMs={issuedAt && current.expiresOn ? current.expiresOn - issuedAt : undefined}
        />
      ) : null}
      {showExport && current && endpoint.scoringUri ? (
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
      {autoRefresh && due !== undefined ? <WhenDue at={due} onDue={refreshNow} /> : null}
      {note ? <Text color={theme.status.info}>{note}</Text> : null}
      <Footer
        keys={
          confirmRegen
            ? ['confirm', 'deny']
            : endpoint.authMode === 'key'
              ? ['move', 'reveal2', 'copy', 'copyUri', 'regenerate', 'exportView', 'back']
              : ['reveal2', 'copy', 'copyUri', 'refresh', 'autoRefresh', 'exportView', 'back']
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
