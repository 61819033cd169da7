import {Box, Text} from 'ink';
import {useEnv, useTextEntry} from '../../../app-context';
import {Footer} from '../../../components/footer';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action, EndpointContext, Session} from '../../state';
import {useSaveKeys} from './keys';
import {initialSave, profileNameProblem, saveReducer} from './state';
import {saveRunner} from './work';

/** The end of a first setup: remember it as a profile (no secrets are stored). */
export function SaveStep({
  dispatch,
  isActive,
  ctx,
  session,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  ctx: EndpointContext;
  session: Session;
}) {
  const {profiles, cloudRef} = useEnv();
  const [screen, screenDispatch, getScreen] = useStore(saveReducer, () =>
    initialSave(ctx.profile ?? ctx.endpoint.endpoint),
  );
  const {name, error} = screen;
  const overwrite = screen.mode === 'overwriting';
  useTextEntry(isActive && screen.mode === 'editing');
  useWork(
    screen.mode === 'saving' ? screen.work : undefined,
    saveRunner({
      profiles,
      cloudRef,
      ctx,
      session,
      dispatch: screenDispatch,
      onSaved: (saved) => dispatch({type: 'profileSaved', name: saved}),
    }),
  );
  useSaveKeys({
    isActive,
    dispatch: screenDispatch,
    get: getScreen,
    // Saving over this setup's own profile needs no question; over another one, it does.
    isTaken: (n) => profiles.has(n) && ctx.profile !== n,
    onBack: () => dispatch({type: 'back'}),
  });

  return (
    <Box flexDirection="column">
      <Text bold>Save this setup as a profile</Text>
      <Text color={theme.text.muted} wrap="wrap">
        Next time, resume it from the first screen. A profile keeps the cloud, tenant, sign-in
        method, subscription, workspace, endpoint and auth mode — never a key, token or secret.
      </Text>
      <TextField
        label="Profile name"
        value={name}
        onEdit={(edit) => screenDispatch({type: 'edit', edit})}
        isActive={isActive && !overwrite}
        error={profileNameProblem(name)}
      />
      {overwrite ? (
        <Text color={theme.status.warning}>
          A profile named {name} exists. Overwrite it? y overwrite · n keep
        </Text>
      ) : null}
      {error ? <Text color={theme.status.error}>{error}</Text> : null}
      <Footer keys={overwrite ? ['confirm', 'deny'] : ['submit', 'back']} />
    </Box>
  );
}
