import {Box, Text} from 'ink';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {Wrapped} from '../../../components/wrapped';
import {theme} from '../../../theme';
import type {Listing} from './state';

/** The role assignments at a scope and above it, like `az role assignment list --include-inherited`. */
export function Assignments({where, listing}: {where: string; listing: Listing}) {
  return (
    <Box flexDirection="column">
      <Text bold>Role assignments at {where} (and inherited)</Text>
      {listing.status === 'loading' ? <Spinner label="Loading role assignments…" /> : null}
      {listing.status === 'error' ? <ErrorPanel error={listing.error} /> : null}
      {listing.status === 'done'
        ? listing.assignments.map((a) => (
            // Object IDs and scopes are shown whole (they are copied into az commands).
            <Box key={a.id} flexDirection="column">
              <Text>
                {a.roleName.padEnd(28)} {a.principalType.padEnd(16)} {a.principalId}
              </Text>
              <Wrapped
                text={a.inherited ? `inherited from ${a.scope}` : 'at this scope'}
                indent="    "
                color={theme.text.muted}
              />
            </Box>
          ))
        : null}
      <Footer keys={['back']} />
    </Box>
  );
}
