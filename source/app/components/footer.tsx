import {Box, Text} from 'ink';
import {type BindingId, hints} from '../keymap';
import {theme} from '../theme';

/** The key hints of the focused screen, generated from the keymap, plus help and quit. */
export function Footer({keys}: {keys: BindingId[]}) {
  const all = hints([...keys, 'help', 'quit']);
  return (
    <Box flexWrap="wrap" columnGap={2}>
      {all.map((h) => (
        <Text key={`${h.label}-${h.hint}`} color={theme.text.muted}>
          <Text bold>{h.label}</Text> {h.hint}
        </Text>
      ))}
    </Box>
  );
}
