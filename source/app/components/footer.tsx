import {Box, Text} from 'ink';
import {useContext} from 'react';
import {SignInAgainContext} from '../app-context';
import {type BindingId, hints} from '../keymap';
import {useCompact} from '../hooks/use-compact';
import {theme} from '../theme';

/** The key hints of the focused screen, generated from the keymap, plus help and quit. */
export function Footer({keys}: {keys: BindingId[]}) {
  const compact = useCompact();
  // Under an error that says so, every screen's footer offers signing in again first.
  const {offered} = useContext(SignInAgainContext);
  const own: BindingId[] = offered ? ['signInAgain', ...keys] : keys;
  const all = hints(compact ? ['help', ...own, 'quit'] : [...own, 'help', 'quit']);
  return (
    <Box flexWrap={compact ? 'nowrap' : 'wrap'} columnGap={2} overflowX="hidden">
      {all.map((h) => (
        <Box key={`${h.label}-${h.hint}`} flexShrink={0}>
          <Text color={theme.text.muted} wrap="truncate-end">
            <Text bold>{h.label}</Text> {h.hint}
          </Text>
        </Box>
      ))}
    </Box>
  );
}
