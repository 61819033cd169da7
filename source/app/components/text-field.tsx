import {Box, Text} from 'ink';
import {useKeys} from '../hooks/use-keys';
import {useState} from 'react';
import {matches} from '../keymap';
import {theme} from '../theme';

export interface TextFieldProps {
  label: string;
  value: string;
  onChange: (value: string) => void;
  isActive: boolean;
  placeholder?: string;
  /** Masked as • until the user reveals it (ctrl+v). */
  secret?: boolean;
  /** A live validation message, shown under the field. */
  error?: string;
  help?: string;
}

/** A one-line text input. Enter/tab/esc are left to the form around it. */
export function TextField({
  label,
  value,
  onChange,
  isActive,
  placeholder,
  secret,
  error,
  help,
}: TextFieldProps) {
  const [revealed, setRevealed] = useState(false);
  useKeys(
    (input, key) => {
      if (secret && matches('reveal', input, key)) {
        setRevealed((r) => !r);
        return;
      }
      if (key.backspace || key.delete) {
        onChange(value.slice(0, -1));
        return;
      }
      if (key.ctrl && input === 'u') {
        onChange('');
        return;
      }
      if (
        key.return ||
        key.tab ||
        key.escape ||
        key.upArrow ||
        key.downArrow ||
        key.ctrl ||
        key.meta
      )
        return;
      if (input) onChange(value + input.replace(/[\r\n]/g, ''));
    },
    {isActive},
  );
  const shown = secret && !revealed ? '•'.repeat(value.length) : value;
  return (
    <Box flexDirection="column">
      <Text>
        <Text color={isActive ? theme.focus.selected : undefined} bold={isActive}>
          {isActive ? '› ' : '  '}
          {label}:
        </Text>{' '}
        {shown ? <Text>{shown}</Text> : <Text color={theme.text.muted}>{placeholder ?? ''}</Text>}
        {isActive ? <Text inverse> </Text> : null}
        {secret && value ? (
          <Text color={theme.text.muted}> ({revealed ? 'shown' : 'masked'})</Text>
        ) : null}
      </Text>
      {error && value ? (
        <Text color={theme.status.error}>
          {'    '}
          {error}
        </Text>
      ) : help && isActive ? (
        <Text color={theme.text.muted}>
          {'    '}
          {help}
        </Text>
      ) : null}
    </Box>
  );
}
