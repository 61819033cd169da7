import {Box, Text} from 'ink';
import {type Binding, helpSections} from '../keymap';
import {theme} from '../theme';

/**
 * Every shortcut, generated from the keymap: the keys of this screen in full (one line each),
 * the other screens' keys on one line per screen, so it fits in 80×24.
 */
export function Help({scopes}: {scopes: Binding['scope'][]}) {
  const sections = helpSections();
  const here = sections.filter((s) => s.scope === 'everywhere' || scopes.includes(s.scope));
  const elsewhere = sections.filter((s) => !here.includes(s));
  return (
    <Box flexDirection="column">
      <Text bold>
        Keys <Text color={theme.text.muted}>(? or esc closes)</Text>
      </Text>
      {here.flatMap((section) =>
        section.bindings.map((b, i) => (
          <Text key={`${section.scope}-${b.label}-${b.hint}`} wrap="truncate-end">
            <Text color={theme.text.accent}>{(i === 0 ? section.scope : '').padEnd(12)}</Text>
            <Text bold>{b.label.padEnd(8)}</Text>
            {b.description}
          </Text>
        )),
      )}
      {elsewhere.length ? <Text color={theme.text.muted}>Elsewhere:</Text> : null}
      {elsewhere.map((section) => (
        <Text key={section.scope} wrap="truncate-end" color={theme.text.muted}>
          {section.scope.padEnd(12)}
          {section.bindings.map((b) => `${b.label} ${b.hint}`).join(' · ')}
        </Text>
      ))}
    </Box>
  );
}
