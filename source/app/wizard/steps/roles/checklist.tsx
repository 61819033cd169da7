import {Box, Text, useWindowSize} from 'ink';
import type {AuthMode, PermissionBlock, UnreadableRole} from '../../../../domain/types';
import {preflight} from '../../../../domain/permissions';
import {theme} from '../../../theme';

/** The preflight checklist: each permission the auth mode needs (or could use), ✓ or ✗. */
export function Checklist({
  blocks,
  authMode,
  unreadable = [],
}: {
  blocks: PermissionBlock[];
  authMode: AuthMode;
  /** Role definitions the check could not read: what they grant is not counted. */
  unreadable?: UnreadableRole[];
}) {
  const {columns} = useWindowSize();
  return (
    <>
      {preflight(blocks, authMode).map((item) => {
        const action = item.action.replace('Microsoft.MachineLearningServices/workspaces/', '…/');
        // The action is shown whole: beside the label where it fits, else on its own line.
        const beside = 2 + 32 + 9 + action.length <= columns;
        const status = (
          <Text
            color={
              item.ok
                ? theme.status.success
                : item.need === 'required'
                  ? theme.status.error
                  : theme.status.warning
            }
          >
            {item.ok ? '✓' : '✗'}
          </Text>
        );
        const need = item.need === 'required' ? 'needed  ' : 'optional';
        return (
          <Box key={item.id} flexDirection="column">
            <Text>
              {status} {item.label.padEnd(32)}
              <Text color={theme.text.muted}>
                {need}
                {beside ? ` ${action}` : ''}
              </Text>
            </Text>
            {beside ? null : (
              <Text color={theme.text.muted}>
                {'    '}
                {action}
              </Text>
            )}
          </Box>
        );
      })}
      {unreadable.map((u) => (
        <Text key={u.roleDefinitionId} color={theme.status.warning} wrap="wrap">
          ? could not read role definition {u.roleDefinitionId} (assigned at {u.scope}): what it
          grants is not counted. {u.reason}
        </Text>
      ))}
    </>
  );
}
