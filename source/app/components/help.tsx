import {Box, Text} from 'ink';
import {helpSections} from '../keymap';
import {theme} from '../theme';

/** Every shortcut, generated from the keymap: one line each, so it fits in 80×24. */
export function Help() {
  return (
    <Box flexDirection="column">
      <Text bold>
        Keys <Text color={theme.text.muted}>(? or esc closes)</Text>
      </Text>
      {helpSections().flatMap((section) =>
        section.bindings.map((b, i) => (
          <Text key={`${section.scope}-${b.label}-${b.hint}`} wrap="truncate-end">
            <Text color={theme.text.accent}>{(i === 0 ? section.scope : '').padEnd(11)}</Text>
            <Text bold>{b.label.padEnd(8)}</Text>
            {b.description}
          </Text>
        )),
      )}
    </Box>
  );
}
