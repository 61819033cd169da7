import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useState} from 'react';
import type {
  AuthMode,
  CreateEndpointInput,
  Endpoint,
  OperationProgress,
  Workspace,
} from '../../../../domain/types';
import {AUTH_MODES as MODES, describeAuthMode} from '../../../../domain/auth-mode';
import {formatElapsed} from '../../../../lib/time';
import {endpointNameProblem} from '../../../../domain/validate';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useTask} from '../../../hooks/use-task';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action} from '../../state';

type Field = 'name' | 'authMode' | 'identity';
const FIELDS: Field[] = ['name', 'authMode', 'identity'];
const IDENTITIES: CreateEndpointInput['identityType'][] = ['SystemAssigned', 'None'];

export function CreateEndpointStep({
  dispatch,
  isActive,
  workspace,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  workspace: Workspace;
}) {
  const {services} = useEnv();
  const AUTH_MODES = MODES.map((mode) => ({
    mode,
    title: mode,
    summary: describeAuthMode(mode, services.cloud).explanation,
  }));
  const [name, setName] = useState('');
  const [authMode, setAuthMode] = useState<AuthMode>('key');
  const [identity, setIdentity] = useState<CreateEndpointInput['identityType']>('SystemAssigned');
  const [focus, setFocus] = useState<Field>('name');
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<OperationProgress | undefined>();
  const create = useTask(
    (signal) =>
      services.createEndpoint(
        {
          subscriptionId: workspace.subscriptionId,
          resourceGroup: workspace.resourceGroup,
          workspace: workspace.name,
          endpoint: name,
        },
        {location: workspace.location, authMode, identityType: identity},
        setProgress,
        signal,
      ),
    (err) => services.explainError(err, `Create endpoint ${name}`),
  );
  const problem = endpointNameProblem(name);
  const state = create.state;
  const editing = state.status === 'idle' && !confirming;
  useTextEntry(isActive && editing && focus === 'name');

  useKeys(
    (input, key) => {
      if (state.status === 'running') {
        if (key.escape) create.cancel();
        return;
      }
      if (state.status === 'error') {
        if (key.return || key.escape) create.reset();
        return;
      }
      if (confirming) {
        if (matches('confirm', input, key) || key.return) {
          setConfirming(false);
          void create
            .run()
            .then(
              (e: Endpoint | undefined) => e && dispatch({type: 'endpointCreated', endpoint: e}),
            );
        } else if (matches('deny', input, key) || key.escape) setConfirming(false);
        return;
      }
      const i = FIELDS.indexOf(focus);
      if (key.escape) return dispatch({type: 'back'});
      if (key.tab)
        return setFocus(FIELDS[(i + (key.shift ? FIELDS.length - 1 : 1)) % FIELDS.length]!);
      if (
        focus === 'authMode' &&
        (key.leftArrow || key.rightArrow || key.upArrow || key.downArrow)
      ) {
        const j = AUTH_MODES.findIndex((m) => m.mode === authMode);
        const step = key.leftArrow || key.upArrow ? -1 : 1;
        setAuthMode(AUTH_MODES[(j + step + AUTH_MODES.length) % AUTH_MODES.length]!.mode);
        return;
      }
      if (
        focus === 'identity' &&
        (key.leftArrow || key.rightArrow || key.upArrow || key.downArrow)
      ) {
        setIdentity(identity === 'SystemAssigned' ? 'None' : 'SystemAssigned');
        return;
      }
      if (key.return) {
        if (focus !== 'identity') return setFocus(FIELDS[i + 1]!);
        if (problem) return setFocus('name');
        setConfirming(true);
      }
    },
    {isActive},
  );

  if (state.status === 'running' || state.status === 'done') {
    return (
      <Box flexDirection="column">
        <Text bold>Creating {name}</Text>
        <Spinner
          label={`${progress?.provisioningState ?? 'Creating'} · ${formatElapsed(progress?.elapsedMs ?? 0)} elapsed — this usually takes a minute or two in Azure`}
        />
        <Text color={theme.text.muted}>
          Esc stops waiting here; Azure keeps creating the endpoint.
        </Text>
        <Footer keys={['back']} />
      </Box>
    );
  }
  if (state.status === 'error') {
    return (
      <Box flexDirection="column">
        <ErrorPanel error={state.error} />
        <Footer keys={['continue']} />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      <Text bold>New online endpoint in {workspace.name}</Text>
      <TextField
        label="Name"
        value={name}
        onChange={setName}
        isActive={isActive && focus === 'name' && !confirming}
        placeholder="3–32 letters, digits, hyphens"
        error={problem}
        help={`Unique per region (${workspace.location}); starts with a letter; no trailing hyphen.`}
      />
      <Box flexDirection="column">
        <Text
          color={focus === 'authMode' ? theme.focus.selected : undefined}
          bold={focus === 'authMode'}
        >
          {focus === 'authMode' ? '› ' : '  '}Auth mode:{' '}
          {AUTH_MODES.map((m) => (m.mode === authMode ? `[${m.title}]` : ` ${m.title} `)).join(' ')}
        </Text>
        <Text color={theme.text.muted} wrap="wrap">
          {'    '}
          {AUTH_MODES.find((m) => m.mode === authMode)!.summary}
        </Text>
      </Box>
      <Text
        color={focus === 'identity' ? theme.focus.selected : undefined}
        bold={focus === 'identity'}
      >
        {focus === 'identity' ? '› ' : '  '}Identity:{' '}
        {IDENTITIES.map((t) => (t === identity ? `[${t}]` : ` ${t} `)).join(' ')}
      </Text>
      {confirming ? (
        <ConfirmBox yes="create" no="edit">
          <Text>
            Create <Text bold>{name}</Text> in {workspace.name} ({workspace.location}) with{' '}
            {authMode} auth and a{' '}
            {identity === 'SystemAssigned' ? 'system-assigned identity' : 'no identity'}?
          </Text>
        </ConfirmBox>
      ) : null}
      <Footer keys={confirming ? ['confirm', 'deny'] : ['submit', 'nextField', 'back']} />
    </Box>
  );
}
