import {Box, Text, useWindowSize} from 'ink';
import {commandLines, isCommand, wrapText} from '../../lib/wrap';
import {theme} from '../theme';

/**
 * Text wrapped at word and path boundaries for the terminal's width (less `inset` columns of
 * borders and padding), continuation lines indented under the first. A command meant to be
 * copied is laid out as shell continuation lines instead, each argument whole.
 */
export function Wrapped({
  text,
  inset = 0,
  indent = '',
  color,
}: {
  text: string;
  inset?: number;
  /** Before the first line (e.g. `  • `); later lines get as many spaces. */
  indent?: string;
  color?: string;
}) {
  const {columns} = useWindowSize();
  const width = Math.max(20, columns - inset - indent.length);
  // A command's argument longer than the line (a role definition's JSON) is broken after a
  // separator rather than cut short.
  const lines = isCommand(text)
    ? commandLines(text, width).flatMap((line) =>
        line.length > width ? wrapText(line, width) : [line],
      )
    : wrapText(text, width);
  const pad = ' '.repeat(indent.length);
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i} wrap="truncate-end" color={isCommand(text) ? theme.text.accent : color}>
          {i === 0 ? indent : pad}
          {line}
        </Text>
      ))}
    </Box>
  );
}
