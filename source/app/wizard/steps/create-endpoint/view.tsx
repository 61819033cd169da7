import {Box, Text} from 'ink';
import {useState} from 'react';
import type {Endpoint, OperationProgress, Workspace} from '../../../../domain/types';
import {AUTH_MODES as MODES, describeAuthMode} from '../../../../domain/auth-mode';
import {formatElapsed} from '../../../../lib/time';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useTask} from '../../../hooks/use-task';
import {useStore} from '../../../hooks/use-store';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useCreateEndpointKeys} from './keys';
import {
  createEndpointReducer,
  type CreateEndpointForm,
  IDENTITIES,
  initialForm,
  nameProblem,
} from './state';

export function CreateEndpointStep({
  dispatch,
  isActive,
  workspace,
  taken,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  workspace: Workspace;
  /** Endpoint names the workspace already has, so a duplicate is caught while typing. */
  taken?: string[];
}) {
  const {services} = useEnv();
  const AUTH_MODES = MODES.map((mode) => ({
    mode,
    title: mode,
    summary: describeAuthMode(mode, services.cloud).explanation,
  }));
  const [form, formDispatch, getForm] = useStore(createEndpointReducer, () => initialForm(taken));
  const [progress, setProgress] = useState<OperationProgress | undefined>();
  const create = useTask(
    (signal, f: CreateEndpointForm) =>
      services.createEndpoint(
        {
          subscriptionId: workspace.subscriptionId,
          resourceGroup: workspace.resourceGroup,
          workspace: workspace.name,
          endpoint: f.name,
        },
        {location: workspace.location, authMode: f.authMode, identityType: f.identity},
        setProgress,
        signal,
      ),
    (err) => services.explainError(err, `Create endpoint ${getForm().name}`),
  );
  const {name, authMode, identity, focus} = form;
  const confirming = form.mode === 'confirming';
  const problem = nameProblem(form);
  const state = create.state;
  useTextEntry(isActive && form.mode === 'editing' && state.status === 'idle' && focus === 'name');

  useCreateEndpointKeys({
    isActive,
    task: state.status,
    dispatch: formDispatch,
    get: getForm,
    onBack: () => dispatch({type: 'back'}),
    onCancelTask: () => {
      create.cancel();
      formDispatch({type: 'reopen'});
    },
    onDismissError: () => {
      create.reset();
      formDispatch({type: 'reopen'});
    },
    onSubmitted: (f) =>
      void create
        .run(f)
        .then((e: Endpoint | undefined) => e && dispatch({type: 'endpointCreated', endpoint: e})),
  });

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
        onEdit={(edit) => formDispatch({type: 'edit', edit})}
        isActive={isActive && focus === 'name' && form.mode === 'editing'}
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
