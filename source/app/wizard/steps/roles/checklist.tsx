import {Text} from 'ink';
import type {AuthMode, PermissionBlock} from '../../../../domain/types';
import {preflight} from '../../../../domain/permissions';
import {theme} from '../../../theme';

/** The preflight checklist: each permission the auth mode needs (or could use), ✓ or ✗. */
export function Checklist({blocks, authMode}: {blocks: PermissionBlock[]; authMode: AuthMode}) {
  return (
    <>
      {preflight(blocks, authMode).map((item) => (
        <Text key={item.id} wrap="truncate-end">
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
          </Text>{' '}
          {item.label.padEnd(32)}
          <Text color={theme.text.muted}>
            {item.need === 'required' ? 'needed  ' : 'optional'}{' '}
            {item.action.replace('Microsoft.MachineLearningServices/workspaces/', '…/')}
          </Text>
        </Text>
      ))}
    </>
  );
}
