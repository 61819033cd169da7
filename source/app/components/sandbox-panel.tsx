import {Box, Text} from 'ink';
import {mask} from '../../domain/credentials';
import {shellQuote} from '../../lib/shell';
import type {SandboxPanelInfo, SandboxPanelPrincipal} from '../app-context';
import {theme} from '../theme';
import {Footer} from './footer';

const KIND: Record<SandboxPanelPrincipal['kind'], string> = {
  user: 'user',
  servicePrincipal: 'service principal',
  managedIdentity: 'managed identity',
};

/**
 * The embedded sandbox (`--sandbox`, ctrl+s): its cloud file and principals, client secrets masked
 * until revealed (v), so the secret, certificate and environment sign-in methods can be tried.
 */
export function SandboxPanel({info, revealed}: {info: SandboxPanelInfo; revealed: boolean}) {
  const show = (secret: string) => (revealed ? secret : mask(secret));
  const withSecret = info.principals.find((p) => p.clientId && p.clientSecret);
  return (
    <Box flexDirection="column">
      <Text bold>
        Sandbox cloud <Text color={theme.text.muted}>at {info.url} — not Azure</Text>
      </Text>
      <Text>
        {'  cloud file  '}
        {info.cloudFile}
      </Text>
      <Text>
        {'  CA cert     '}
        {info.caCertFile}
      </Text>
      <Text>
        {'  tenant      '}
        {info.tenantId}
      </Text>
      {info.principals.map((p) => (
        <Box key={p.objectId} flexDirection="column">
          <Text>
            {'  '}
            <Text bold>{p.name}</Text>{' '}
            <Text color={theme.text.muted}>
              ({KIND[p.kind]}, object ID {p.objectId})
            </Text>
          </Text>
          {p.clientId ? <Text>{`    client ID    ${p.clientId}`}</Text> : null}
          {p.clientSecret ? <Text>{`    secret       ${show(p.clientSecret)}`}</Text> : null}
          {p.certificateFile ? <Text>{`    certificate  ${p.certificateFile}`}</Text> : null}
        </Box>
      ))}
      {withSecret ? (
        <Box flexDirection="column">
          <Text color={theme.text.muted} wrap="wrap">
            Environment sign-in: in another terminal while this one runs, then choose Environment
            variables:
          </Text>
          <Text wrap="wrap">
            {`  AZURE_TENANT_ID=${info.tenantId} AZURE_CLIENT_ID=${withSecret.clientId} AZURE_CLIENT_SECRET=${revealed ? shellQuote(withSecret.clientSecret!) : mask(withSecret.clientSecret!)} aml-auth --cloud ${shellQuote(info.cloudFile)}`}
          </Text>
        </Box>
      ) : null}
      <Text color={theme.text.muted}>
        {revealed ? 'Secrets shown: v masks them.' : 'Secrets masked: v reveals them.'}
      </Text>
      <Footer keys={['sandboxReveal', 'sandboxPanel', 'back']} />
    </Box>
  );
}
