import {Box, Text} from 'ink';
import type {Workspace} from '../../../../domain/types';
import {AUTH_MODES as MODES, describeAuthMode} from '../../../../domain/auth-mode';
import {formatElapsed} from '../../../../lib/time';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {useCreateEndpointKeys} from './keys';
import {createEndpointReducer, IDENTITIES, initialForm, nameProblem} from './state';
import {createEndpointRunner} from './work';

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
  useWork(
    form.mode === 'creating' || form.mode === 'created' ? form.work : undefined,
    createEndpointRunner({
      services,
      workspace,
      dispatch: formDispatch,
      onCreated: (endpoint) => dispatch({type: 'endpointCreated', endpoint}),
    }),
  );
  const {name, authMode, identity, focus} = form;
  const confirming = form.mode === 'confirming';
  const problem = nameProblem(form);
  useTextEntry(isActive && form.mode === 'editing' && focus === 'name');

  useCreateEndpointKeys({
    isActive,
    dispatch: formDispatch,
    get: getForm,
    onBack: () => dispatch({type: 'back'}),
  });

  if (form.mode === 'creating' || form.mode === 'created') {
    const {progress} = form;
    return (
      <Box flexDirection="column">
        <Text bold>Creating {name}</Text>
        <Spinner
          elapsed={false}
          label={`${progress?.provisioningState ?? 'Creating'} · ${formatElapsed(progress?.elapsedMs ?? 0)} elapsed — this usually takes a minute or two in Azure`}
        />
        <Text color={theme.text.muted}>
          Esc stops waiting here; Azure keeps creating the endpoint.
        </Text>
        <Footer keys={['back']} />
      </Box>
    );
  }
  if (form.mode === 'failed') {
    return (
      <Box flexDirection="column">
        <ErrorPanel error={form.error} />
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
