import {Box, Text} from 'ink';
import type {AdminHandOff as HandOff} from '../../../../domain/roles';
import {Wrapped} from '../../../components/wrapped';
import {theme} from '../../../theme';

/** The signed-in identity cannot grant the role: the exact commands to hand to an admin. */
export function AdminHandOff({hand, canAssign}: {hand: HandOff; canAssign?: boolean}) {
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.status.warning} paddingX={1}>
      <Text color={theme.status.warning} wrap="wrap">
        {canAssign === false
          ? 'You cannot assign roles here (no Microsoft.Authorization/roleAssignments/write).'
          : 'You cannot create custom roles here (no roleDefinitions/write).'}{' '}
        Hand these commands to an admin (an Owner or User Access Administrator of {hand.scope}) —
        they assign {hand.choice.template.roleName}:
      </Text>
      {/* Laid out as shell continuation lines, each argument whole where it fits. */}
      {hand.commands.map((c) => (
        <Wrapped key={c} text={c} inset={4} />
      ))}
      {hand.builtIn ? (
        <>
          <Text color={theme.text.muted} wrap="wrap">
            Or, with no custom role to create, the built-in {hand.builtIn.choice.template.roleName}{' '}
            (grants more):
          </Text>
          {hand.builtIn.commands.map((c) => (
            <Wrapped key={c} text={c} inset={4} />
          ))}
        </>
      ) : null}
      <Text color={theme.text.muted}>c copies them</Text>
    </Box>
  );
}
