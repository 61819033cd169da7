import {Box, Text} from 'ink';
import {Footer} from '../../../components/footer';
import {TextField, type TextEdit} from '../../../components/text-field';
import {theme} from '../../../theme';
import {PRINCIPAL_TYPES, principalProblem, type PrincipalDraft} from './state';

/** Another principal by object ID and type (tab changes the type). */
export function PrincipalForm({
  draft,
  onEdit,
  isActive,
}: {
  draft: PrincipalDraft;
  onEdit: (edit: TextEdit) => void;
  isActive: boolean;
}) {
  return (
    <Box flexDirection="column">
      <Text bold>Check another principal</Text>
      <TextField
        label="Object ID"
        value={draft.objectId}
        onEdit={onEdit}
        isActive={isActive}
        error={principalProblem(draft)}
      />
      <Text>
        {'  '}Type: {PRINCIPAL_TYPES.map((t) => (t === draft.type ? `[${t}]` : ` ${t} `)).join(' ')}{' '}
        <Text color={theme.text.muted}>(tab changes)</Text>
      </Text>
      <Footer keys={['submit', 'nextField', 'back']} />
    </Box>
  );
}
