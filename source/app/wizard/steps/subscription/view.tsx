import {Box, Text} from 'ink';
import type {Identity, Subscription} from '../../../../domain/types';
import {useEnv} from '../../../app-context';
import {RemoteList, useRemoteList} from '../../../components/remote-list';
import {listKeys} from '../../../list-cache';
import {theme} from '../../../theme';
import type {Action} from '../../state';

export function SubscriptionStep({
  dispatch,
  isActive,
  identity,
  current,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  identity?: Identity;
  current?: Subscription;
}) {
  const {services} = useEnv();
  const list = useRemoteList<Subscription>(
    (signal, onPage) => services.listSubscriptions(signal, onPage),
    (err) => services.explainError(err, 'List subscriptions'),
    listKeys.subscriptions,
  );
  return (
    <RemoteList<Subscription, Subscription>
      title="Choose a subscription"
      loadingLabel="Loading subscriptions…"
      list={list}
      isActive={isActive}
      initialKey={current?.subscriptionId}
      toItems={(subs) =>
        [...subs]
          .sort((a, b) => a.displayName.localeCompare(b.displayName))
          .map((s) => ({
            key: s.subscriptionId,
            label: s.displayName,
            detail: `${s.subscriptionId}${s.state !== 'Enabled' ? ` · ${s.state}` : ''}`,
            value: s,
          }))
      }
      onSelect={(item) => dispatch({type: 'subscriptionChosen', subscription: item.value})}
      onBack={() => dispatch({type: 'back'})}
      empty={
        <Box flexDirection="column">
          <Text color={theme.status.warning}>
            No subscriptions for {identity?.name ?? 'this identity'} in tenant{' '}
            {identity?.tenantId ?? '(unknown)'}.
          </Text>
          <Text color={theme.text.muted}>
            • Your subscriptions may live in another tenant: esc, and sign in with that tenant.
          </Text>
          <Text color={theme.text.muted}>
            • Or ask an owner for a role (e.g. Reader) on the subscription or a workspace in it.
          </Text>
        </Box>
      }
    />
  );
}
