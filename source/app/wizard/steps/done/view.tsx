import {Box, Text, useApp, useInput} from 'ink';
import {useEnv} from '../../../app-context';
import {Footer} from '../../../components/footer';
import {theme} from '../../../theme';
import type {Action, WizardState} from '../../state';

export function DoneStep({
  isActive,
  state,
  dispatch,
}: {
  isActive: boolean;
  state: WizardState;
  dispatch: (a: Action) => void;
}) {
  const {profiles} = useEnv();
  const {exit} = useApp();
  useInput(
    (_input, key) => {
      if (key.return) exit();
      else if (key.escape) dispatch({type: 'back'});
    },
    {isActive},
  );
  const e = state.endpoint;
  return (
    <Box flexDirection="column">
      <Text color={theme.status.success} bold>
        ✓ Saved profile {state.savedProfile}
      </Text>
      {e ? (
        <Text>
          {e.endpoint} in {state.workspace?.name} uses <Text bold>{e.authMode}</Text> auth.
        </Text>
      ) : null}
      {e?.scoringUri ? <Text color={theme.text.muted}>scoring URI {e.scoringUri}</Text> : null}
      <Text color={theme.text.muted}>Profiles live in {profiles.path}.</Text>
      <Text color={theme.text.muted}>
        Run aml-auth again and choose “Resume {state.savedProfile}” to come back here.
      </Text>
      <Footer keys={['continue', 'back']} />
      <Text color={theme.text.muted}>(enter quits)</Text>
    </Box>
  );
}
