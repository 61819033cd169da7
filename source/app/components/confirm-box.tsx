import {Box, Text} from 'ink';
import type {ReactNode} from 'react';
import {theme} from '../theme';

/** The question a destructive or costly action asks first, with its y/n answers spelled out. */
export function ConfirmBox({
  yes,
  no,
  warning,
  children,
}: {
  yes: string;
  no: string;
  warning?: boolean;
  children: ReactNode;
}) {
  return (
    <Box
      borderStyle="round"
      borderColor={warning ? theme.status.warning : theme.border.default}
      paddingX={1}
      flexDirection="column"
    >
      {children}
      <Text color={theme.text.muted}>
        y {yes} · n {no}
      </Text>
    </Box>
  );
}
