import {Box, Text} from 'ink';
import type {AppError} from '../../domain/types';
import {useSignInAgainOffer} from '../app-context';
import {keymap} from '../keymap';
import {theme} from '../theme';
import {Wrapped} from './wrapped';

/** The border and padding of the panel, in columns. */
const INSET = 4;

/** What failed, Azure's code and words, the request ID, and what to do next. */
export function ErrorPanel({error}: {error: AppError}) {
  const again = useSignInAgainOffer(error.signInAgain === true);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.border.error} paddingX={1}>
      <Text color={theme.status.error} bold>
        ✗ {error.title}
      </Text>
      <Wrapped text={error.detail} inset={INSET} />
      {error.code || error.status ? (
        <Text color={theme.text.muted}>
          {[error.status ? `HTTP ${error.status}` : '', error.code ?? '']
            .filter(Boolean)
            .join(' · ')}
          {error.requestId ? ` · request ${error.requestId}` : ''}
        </Text>
      ) : null}
      {error.hint ? (
        <Text wrap="wrap">
          <Text color={theme.status.info}>hint </Text>
          {error.hint}
        </Text>
      ) : null}
      {error.nextSteps.length > 0 ? (
        <Box flexDirection="column" marginTop={1}>
          <Text bold>Next steps</Text>
          {/* Wrapped at word and path boundaries: IDs and az commands stay whole to be copied. */}
          {error.nextSteps.map((s) => (
            <Wrapped key={s} text={s} indent="  • " inset={INSET} />
          ))}
        </Box>
      ) : null}
      {error.signInAgain && again.available ? (
        <Text>
          <Text bold color={theme.status.info}>
            {keymap.signInAgain.label}
          </Text>{' '}
          sign in again here — you come back to this step, your choices kept.
        </Text>
      ) : null}
    </Box>
  );
}
