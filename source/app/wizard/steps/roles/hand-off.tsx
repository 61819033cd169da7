import {Box, Text} from 'ink';
import {theme} from '../../../theme';

/** The signed-in identity cannot grant the role: the exact commands to hand to an admin. */
export function AdminHandOff({commands, canAssign}: {commands: string[]; canAssign?: boolean}) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.status.warning} paddingX={1}>
      <Text color={theme.status.warning} wrap="wrap">
        {canAssign === false
          ? 'You cannot assign roles here (no Microsoft.Authorization/roleAssignments/write). Hand these commands to an admin:'
          : 'You cannot create custom roles here (no roleDefinitions/write). Hand these commands to an admin:'}
      </Text>
      {commands.map((c) => (
        <Text key={c} wrap="wrap">
          {c}
        </Text>
      ))}
      <Text color={theme.text.muted}>c copies them</Text>
    </Box>
  );
}
