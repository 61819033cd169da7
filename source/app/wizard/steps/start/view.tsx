import {Box, Text} from 'ink';
import {useState} from 'react';
import {relative} from '../../../../lib/time';
import {useEnv, useTextEntry} from '../../../app-context';
import {FilterList, type ListItem} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import type {Profile} from '../../../profiles-port';
import {theme} from '../../../theme';
import type {Action, ResumeTarget} from '../../state';
import {useStartKeys} from './keys';
import {initialStart, startReducer} from './state';
import {startRunner} from './work';

const NEW = '+ new';

export function resumeTarget(p: Profile): ResumeTarget {
  return {
    profileName: p.name,
    method: p.signIn.method,
    params: {
      tenantId: p.tenantId || undefined,
      clientId: p.signIn.clientId,
      certificatePath: p.signIn.certificatePath,
      authenticationRecord: p.signIn.authenticationRecord,
    },
    subscription: p.subscription,
    resourceGroup: p.resourceGroup,
    workspace: p.workspace,
    endpoint: p.endpoint,
    deployment: p.deployment,
    lastRequestFile: p.lastRequestFile,
  };
}

/** Resume a saved profile (most recent first) or start a new setup; rename and delete in place. */
export function StartStep({
  dispatch,
  isActive,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
}) {
  const {profiles, notices, services, cloudRef} = useEnv();
  const [screen, screenDispatch, getScreen] = useStore(startReducer, () =>
    initialStart(profiles.list()),
  );
  const [now] = useState(() => Date.now());
  const {message} = screen;
  const renaming = screen.mode === 'renaming' ? screen : undefined;
  const deleting = screen.mode === 'deleting' ? screen.name : undefined;
  useTextEntry(isActive && renaming !== undefined);
  useWork(screen.work, startRunner({profiles, dispatch: screenDispatch}));
  const {onListKey} = useStartKeys({
    isActive: isActive && screen.mode !== 'list',
    dispatch: screenDispatch,
    get: getScreen,
  });

  const items: ListItem<Profile | typeof NEW>[] = [
    ...screen.profiles.map((p) => ({
      key: p.name,
      label: `Resume ${p.name}`,
      detail: `${p.endpoint} · ${p.authMode} · ${p.cloud.includes('/') ? 'custom cloud' : p.cloud} · ${relative(Date.parse(p.lastUsedAt), now)}`,
      keywords: `${p.workspace} ${p.subscription.name}`,
      value: p as Profile | typeof NEW,
    })),
    {key: NEW, label: '+ New setup', detail: 'sign in and choose an endpoint', value: NEW},
  ];

  return (
    <Box flexDirection="column">
      {(notices ?? []).map((n) => (
        <Text key={n} color={theme.status.warning} wrap="wrap">
          {n}
        </Text>
      ))}
      <Text bold>Resume a saved setup, or start a new one</Text>
      <Text color={theme.text.muted}>
        Cloud: {services.cloud.name} · profiles in {profiles.path}
      </Text>
      <FilterList
        items={items}
        isActive={isActive && screen.mode === 'list'}
        onSelect={(item) => {
          if (item.value === NEW) dispatch({type: 'newSetup'});
          else if (item.value.cloud !== cloudRef) {
            const flag =
              item.value.cloud === 'sandbox' ? '--sandbox' : `--cloud ${item.value.cloud}`;
            screenDispatch({
              type: 'message',
              message: `${item.value.name} uses the cloud ${item.value.cloud}; this run uses ${cloudRef}. Start aml-auth ${flag} to resume it.`,
            });
          } else dispatch({type: 'resume', target: resumeTarget(item.value)});
        }}
        onKey={(input, key, highlighted) =>
          onListKey(
            input,
            key,
            !highlighted || highlighted.value === NEW ? undefined : highlighted.value.name,
          )
        }
      />
      {renaming ? (
        <TextField
          label={`Rename ${renaming.from} to`}
          value={renaming.to}
          onEdit={(edit) => screenDispatch({type: 'edit', edit})}
          isActive={isActive}
        />
      ) : null}
      {deleting ? (
        <Text color={theme.status.warning}>
          Delete profile {deleting}? It holds no secrets; the endpoint itself is not touched. y
          delete · n keep
        </Text>
      ) : null}
      {message ? <Text color={theme.status.info}>{message}</Text> : null}
      <Footer
        keys={
          renaming
            ? ['submit', 'back']
            : deleting
              ? ['confirm', 'deny']
              : ['select', 'move', 'filter', 'rename', 'remove']
        }
      />
    </Box>
  );
}
