import {Box, Text} from 'ink';
import {useEnv} from '../../../app-context';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import type {Action, ResumeTarget} from '../../state';
import {useResumeKeys} from './keys';
import {initialResume, resumeReducer} from './state';
import {resumeRunner} from './work';

/** After a resumed sign-in: load the profile's workspace and endpoint, then land on the endpoint. */
export function ResumeStep({
  dispatch,
  isActive,
  target,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  target: ResumeTarget;
}) {
  const {services, profiles} = useEnv();
  const [screen, screenDispatch] = useStore(resumeReducer, initialResume);
  useWork(
    screen.work,
    resumeRunner({
      services,
      profiles,
      target,
      dispatch: screenDispatch,
      onResumed: ({workspace, endpoint}) =>
        dispatch({
          type: 'resumed',
          subscription: {
            subscriptionId: target.subscription.id,
            displayName: target.subscription.name,
            state: 'Enabled',
          },
          workspace,
          endpoint,
        }),
    }),
  );
  useResumeKeys({
    isActive: isActive && screen.mode === 'failed',
    onNewSetup: () => dispatch({type: 'newSetup'}),
  });
  return (
    <Box flexDirection="column">
      <Text bold>Resuming {target.profileName}</Text>
      {screen.mode === 'failed' ? (
        <>
          <ErrorPanel error={screen.error} />
          <Footer keys={['continue']} />
          <Text>Enter starts a new setup instead.</Text>
        </>
      ) : (
        <Spinner label={`Loading ${target.workspace} › ${target.endpoint}…`} />
      )}
    </Box>
  );
}
