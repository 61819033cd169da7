import {Box, Text} from 'ink';
import {useState} from 'react';
import type {AuthMode, Endpoint, OperationProgress} from '../../../../domain/types';
import {AUTH_MODES as MODES, describeAuthMode} from '../../../../domain/auth-mode';
import {formatElapsed} from '../../../../lib/time';
import {useEnv} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {useTask} from '../../../hooks/use-task';
import {useStore} from '../../../hooks/use-store';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useAuthModeKeys} from './keys';
import {authModeReducer, type AuthModeAction, type AuthModeScreen, initialAuthMode} from './state';

/** What callers lose when the mode changes: said before the user confirms. */
function consequence(from: AuthMode, to: AuthMode): string {
  const lose = {
    key: 'clients that send a key will get 401',
    aml_token: 'clients that send Azure ML tokens will get 401',
    aad_token: 'clients that send Entra tokens will get 401',
  }[from];
  const need = {
    key: 'callers will need one of the endpoint keys',
    aml_token: 'callers will need Azure ML tokens (and refresh them)',
    aad_token: 'callers will need Entra tokens for the ML audience and the score permission',
  }[to];
  return `${lose}; ${need}.`;
}

export function AuthModeStep({
  dispatch,
  isActive,
  endpoint,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
}) {
  const {services} = useEnv();
  const AUTH_MODES = MODES.map((mode) => ({
    mode,
    title: mode,
    summary: describeAuthMode(mode, services.cloud).explanation,
  }));
  const managed = (endpoint.kind ?? 'Managed').toLowerCase() === 'managed';
  const [screen, screenDispatch, getScreen] = useStore<AuthModeScreen, AuthModeAction>(
    (s, a) => authModeReducer({current: endpoint.authMode, managed}, s, a),
    () => initialAuthMode(endpoint.authMode),
  );
  const [progress, setProgress] = useState<OperationProgress | undefined>();
  const change = useTask(
    (signal, mode: AuthMode) => services.setAuthMode(endpoint, mode, setProgress, signal),
    (err) => services.explainError(err, `Change the auth mode of ${endpoint.endpoint}`),
  );
  const state = change.state;
  const cursor = screen.cursor;
  const confirming = screen.mode === 'confirming' ? screen.to : undefined;

  useAuthModeKeys({
    isActive,
    task: state.status,
    dispatch: screenDispatch,
    get: getScreen,
    onBack: () => dispatch({type: 'back'}),
    onDone: () => dispatch({type: 'authModeDone'}),
    onSubmitted: (s) =>
      void change.run(s.to).then((e: Endpoint | undefined) => {
        screenDispatch({type: 'reopen'});
        if (e) dispatch({type: 'endpointUpdated', endpoint: e});
      }),
    onCancelTask: () => {
      change.cancel();
      screenDispatch({type: 'reopen'});
    },
    onDismissError: () => {
      change.reset();
      screenDispatch({type: 'reopen'});
    },
  });

  return (
    <Box flexDirection="column">
      <Text bold>
        Auth mode of {endpoint.endpoint}: <Text color={theme.text.accent}>{endpoint.authMode}</Text>
      </Text>
      <Text color={theme.text.muted}>How clients authenticate when they call the scoring URI.</Text>
      <Box flexDirection="column" marginTop={1}>
        {AUTH_MODES.map((m, i) => {
          const selected = i === cursor;
          const disabled = m.mode === 'aad_token' && !managed;
          return (
            <Box key={m.mode} flexDirection="column">
              <Text
                color={selected ? theme.focus.selected : disabled ? theme.text.muted : undefined}
                bold={selected}
              >
                {selected ? '› ' : '  '}
                {m.title.padEnd(10)}
                {m.mode === endpoint.authMode ? ' (current)' : ''}
                {disabled ? ' (Kubernetes endpoints cannot use it)' : ''}
              </Text>
              <Text color={theme.text.muted} wrap="wrap">
                {'    '}
                {m.summary}
              </Text>
            </Box>
          );
        })}
      </Box>
      {confirming ? (
        <ConfirmBox yes="switch" no="keep" warning>
          <Text>
            Switch {endpoint.endpoint} from <Text bold>{endpoint.authMode}</Text> to{' '}
            <Text bold>{confirming}</Text>?
          </Text>
          <Text wrap="wrap">
            This is a full update (PUT) of the endpoint:{' '}
            {consequence(endpoint.authMode, confirming)}
          </Text>
        </ConfirmBox>
      ) : null}
      {state.status === 'running' ? (
        <Spinner
          label={`Updating ${endpoint.endpoint}: ${progress?.provisioningState ?? 'Updating'} · ${formatElapsed(progress?.elapsedMs ?? 0)}`}
        />
      ) : null}
      {state.status === 'done' ? (
        <Text color={theme.status.success}>✓ Auth mode is now {state.value.authMode}.</Text>
      ) : null}
      {state.status === 'error' ? <ErrorPanel error={state.error} /> : null}
      <Footer
        keys={
          confirming
            ? ['confirm', 'deny']
            : state.status === 'running'
              ? ['back']
              : ['continue', 'move', 'keep', 'back']
        }
      />
    </Box>
  );
}
