import {Box, Text} from 'ink';
import {useState} from 'react';
import {theme} from '../../theme';
import {useTextFieldKeys} from './keys';
import type {TextEdit} from './state';

export interface TextFieldProps {
  label: string;
  value: string;
  /** Apply it to the latest value: `setValue((v) => applyEdit(v, edit))` or a reducer action. */
  onEdit: (edit: TextEdit) => void;
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
  onEdit,
  isActive,
  placeholder,
  secret,
  error,
  help,
}: TextFieldProps) {
  const [revealed, setRevealed] = useState(false);
  useTextFieldKeys({
    isActive,
    onEdit,
    onToggleReveal: secret ? () => setRevealed((r) => !r) : undefined,
  });
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
