import {Box, Text} from 'ink';
import {Wrapped} from '../../../components/wrapped';
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
      {/* Laid out as shell continuation lines, each argument whole where it fits. */}
      {commands.map((c) => (
        <Wrapped key={c} text={c} inset={4} />
      ))}
      <Text color={theme.text.muted}>c copies them</Text>
    </Box>
  );
}
