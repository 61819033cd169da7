import {Box, Text, useWindowSize} from 'ink';
import {useStore} from '../hooks/use-store';
import {useKeys} from '../hooks/use-keys';
import {type Binding, bindingFor, helpSections} from '../keymap';
import {wrapText} from '../../lib/wrap';
import {theme} from '../theme';

/** One line of the help: a scope label, a key label, and text (muted for other screens). */
interface HelpLine {
  scope: string;
  label: string;
  text: string;
  muted?: boolean;
}

const SCOPE = 12;
const LABEL = 10;

/** The help as lines for `columns`: this screen's keys in full, wrapped; the others one line each. */
export function helpLines(scopes: Binding['scope'][], columns: number): HelpLine[] {
  const sections = helpSections();
  const here = sections.filter((s) => s.scope === 'everywhere' || scopes.includes(s.scope));
  const elsewhere = sections.filter((s) => !here.includes(s));
  const lines: HelpLine[] = [];
  for (const section of here)
    section.bindings.forEach((b, i) =>
      wrapText(b.description, columns - SCOPE - LABEL).forEach((text, j) =>
        lines.push({
          scope: i === 0 && j === 0 ? section.scope : '',
          label: j === 0 ? b.label : '',
          text,
        }),
      ),
    );
  if (elsewhere.length) lines.push({scope: 'Elsewhere:', label: '', text: '', muted: true});
  for (const section of elsewhere)
    wrapText(
      section.bindings.map((b) => `${b.label} ${b.hint}`).join(' · '),
      columns - SCOPE,
    ).forEach((text, j) =>
      lines.push({scope: j === 0 ? section.scope : '', label: '', text, muted: true}),
    );
  return lines;
}

const scroll = (top: number, action: {by: number; max: number}) =>
  Math.max(0, Math.min(action.max, top + action.by));

/**
 * Every shortcut, generated from the keymap. Taller than the terminal, it scrolls (↑↓, pgup/pgdn)
 * instead of cutting lines short.
 */
export function Help({scopes}: {scopes: Binding['scope'][]}) {
  const {columns, rows} = useWindowSize();
  const lines = helpLines(scopes, columns);
  const height = Math.max(4, rows - 3);
  const max = Math.max(0, lines.length - height);
  const [top, dispatch] = useStore(scroll, 0);
  useKeys((input, key) => {
    const page = height - 1;
    const steps = {up: -1, down: 1, pageUp: -page, pageDown: page} as const;
    const b = bindingFor(['up', 'down', 'pageUp', 'pageDown'] as const, input, key);
    if (b) dispatch({by: steps[b], max});
  });
  const first = Math.min(top, max);
  const shown = lines.slice(first, first + height);
  return (
    <Box flexDirection="column">
      <Text bold>
        Keys{' '}
        <Text color={theme.text.muted}>
          (? or esc closes
          {max > 0
            ? `; ↑↓ pgup/pgdn scroll, ${first + 1}–${first + shown.length} of ${lines.length}`
            : ''}
          )
        </Text>
      </Text>
      {shown.map((line, i) => (
        <Text
          key={`${first + i}`}
          wrap="truncate-end"
          color={line.muted ? theme.text.muted : undefined}
        >
          <Text color={line.muted ? undefined : theme.text.accent}>{line.scope.padEnd(SCOPE)}</Text>
          {line.muted ? null : <Text bold>{line.label.padEnd(LABEL)}</Text>}
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
