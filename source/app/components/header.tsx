import {Box, type DOMElement, Text} from 'ink';
import type {Ref} from 'react';
import type {
  AccessTokenInfo,
  Endpoint,
  Identity,
  Subscription,
  Workspace,
} from '../../domain/types';
import {useCompact} from '../hooks/use-compact';
import {theme} from '../theme';
import {Countdown} from './countdown';

export interface HeaderProps {
  cloud: string;
  step: string;
  subscription?: Subscription;
  workspace?: Workspace;
  endpoint?: Endpoint;
  identity?: Identity;
  token?: AccessTokenInfo;
  /** The token was refused and no fresh one could be had: no countdown of time it does not have. */
  tokenRefused?: boolean;
  banner?: string;
  /** The banner is kept but not shown (no room for it: see useBannerRoom). */
  bannerHidden?: boolean;
  /** The banner's box, for what measures the layout. */
  bannerRef?: Ref<DOMElement>;
}

/** Always visible: cloud › subscription › workspace › endpoint (auth mode), who, and token life. */
export function Header({
  cloud,
  step,
  subscription,
  workspace,
  endpoint,
  identity,
  token,
  tokenRefused,
  banner,
  bannerHidden,
  bannerRef,
}: HeaderProps) {
  const compact = useCompact();
  const crumbs = [
    cloud,
    subscription?.displayName,
    workspace?.name,
    endpoint ? `${endpoint.endpoint} (${endpoint.authMode})` : undefined,
  ].filter(Boolean);
  return (
    <Box flexDirection="column" marginBottom={compact ? 0 : 1} flexShrink={0}>
      <Text wrap="truncate-end">
        <Text bold color={theme.text.accent}>
          aml-auth
        </Text>
        <Text color={theme.text.muted}> · {step} · </Text>
        {crumbs.join(' › ')}
      </Text>
      {identity ? (
        <Text wrap="truncate-end">
          <Text color={theme.text.muted}>signed in as </Text>
          {identity.name}
          {token && tokenRefused ? (
            <>
              <Text color={theme.text.muted}> · management token </Text>
              <Text color={theme.status.error}>refused — sign in again</Text>
            </>
          ) : token ? (
            <>
              <Text color={theme.text.muted}> · management token </Text>
              <Countdown target={token.expiresOn} precision="minutes" />
            </>
          ) : null}
        </Text>
      ) : (
        <Text color={theme.text.muted}>not signed in</Text>
      )}
      {banner && !compact ? (
        <Box ref={bannerRef} display={bannerHidden ? 'none' : 'flex'}>
          <Text color={theme.status.warning}>{banner}</Text>
        </Box>
      ) : null}
    </Box>
  );
}
