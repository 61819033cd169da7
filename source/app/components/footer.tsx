import {Box, Text} from 'ink';
import {type BindingId, hints} from '../keymap';
import {useCompact} from '../hooks/use-compact';
import {theme} from '../theme';

/** The key hints of the focused screen, generated from the keymap, plus help and quit. */
export function Footer({keys}: {keys: BindingId[]}) {
  const compact = useCompact();
  const all = hints(compact ? ['help', ...keys, 'quit'] : [...keys, 'help', 'quit']);
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
