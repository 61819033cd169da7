import {Box, Text} from 'ink';
import type {AuthMode, Endpoint} from '../../../../domain/types';
import {AUTH_MODES as MODES, describeAuthMode} from '../../../../domain/auth-mode';
import {formatElapsed} from '../../../../lib/time';
import {useEnv} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useAuthModeKeys} from './keys';
import {authModeReducer, type AuthModeAction, type AuthModeScreen, initialAuthMode} from './state';
import {changeAuthModeRunner} from './work';

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
  const cursor = screen.cursor;
  const confirming = screen.mode === 'confirming' ? screen.to : undefined;
  useWork(
    screen.mode === 'changing' ? screen.work : undefined,
    changeAuthModeRunner({
      services,
      endpoint,
      dispatch: screenDispatch,
      onChanged: (e) => dispatch({type: 'endpointUpdated', endpoint: e}),
    }),
  );

  useAuthModeKeys({
    isActive,
    dispatch: screenDispatch,
    get: getScreen,
    onBack: () => dispatch({type: 'back'}),
    onDone: () => dispatch({type: 'authModeDone'}),
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
      {screen.mode === 'changing' ? (
        <Spinner
          elapsed={false}
          label={`Updating ${endpoint.endpoint}: ${screen.progress?.provisioningState ?? 'Updating'} · ${formatElapsed(screen.progress?.elapsedMs ?? 0)}`}
        />
      ) : null}
      {screen.changed && screen.mode !== 'changing' ? (
        <Text color={theme.status.success}>✓ Auth mode is now {screen.changed}.</Text>
      ) : null}
      {screen.mode === 'failed' ? <ErrorPanel error={screen.error} /> : null}
      <Footer
        keys={
          confirming
            ? ['confirm', 'deny']
            : screen.mode === 'changing'
              ? ['back']
              : ['continue', 'move', 'keep', 'back']
        }
      />
    </Box>
  );
}
