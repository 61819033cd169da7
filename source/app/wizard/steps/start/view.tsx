import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useState} from 'react';
import {relative} from '../../../../lib/time';
import {useEnv, useTextEntry} from '../../../app-context';
import {FilterList, type ListItem} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {applyEdit, TextField} from '../../../components/text-field';
import {matches} from '../../../keymap';
import type {Profile} from '../../../profiles-port';
import {theme} from '../../../theme';
import type {Action, ResumeTarget} from '../../state';

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
  const [list, setList] = useState(() => profiles.list());
  const [renaming, setRenaming] = useState<{from: string; to: string} | undefined>();
  const [deleting, setDeleting] = useState<string | undefined>();
  const [message, setMessage] = useState<string | undefined>();
  const [now] = useState(() => Date.now());
  useTextEntry(isActive && renaming !== undefined);

  const items: ListItem<Profile | typeof NEW>[] = [
    ...list.map((p) => ({
      key: p.name,
      label: `Resume ${p.name}`,
      detail: `${p.endpoint} · ${p.authMode} · ${p.cloud.includes('/') ? 'custom cloud' : p.cloud} · ${relative(Date.parse(p.lastUsedAt), now)}`,
      keywords: `${p.workspace} ${p.subscription.name}`,
      value: p as Profile | typeof NEW,
    })),
    {key: NEW, label: '+ New setup', detail: 'sign in and choose an endpoint', value: NEW},
  ];

  const attempt = (fn: () => void, done: string) => {
    try {
      fn();
      setList(profiles.list());
      setMessage(done);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };

  useKeys(
    (input, key) => {
      if (renaming) {
        if (key.escape) setRenaming(undefined);
        else if (key.return) {
          const {from, to} = renaming;
          setRenaming(undefined);
          attempt(() => profiles.rename(from, to.trim()), `Renamed ${from} to ${to.trim()}.`);
        }
        return;
      }
      if (deleting) {
        if (matches('confirm', input, key)) {
          const name = deleting;
          setDeleting(undefined);
          attempt(() => profiles.remove(name), `Deleted profile ${name}.`);
        } else if (matches('deny', input, key) || key.escape) setDeleting(undefined);
      }
    },
    {isActive: isActive && (renaming !== undefined || deleting !== undefined)},
  );

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
        isActive={isActive && !renaming && !deleting}
        onSelect={(item) => {
          if (item.value === NEW) dispatch({type: 'newSetup'});
          else if (item.value.cloud !== cloudRef) {
            const flag =
              item.value.cloud === 'sandbox' ? '--sandbox' : `--cloud ${item.value.cloud}`;
            setMessage(
              `${item.value.name} uses the cloud ${item.value.cloud}; this run uses ${cloudRef}. Start aml-auth ${flag} to resume it.`,
            );
          } else dispatch({type: 'resume', target: resumeTarget(item.value)});
        }}
        onKey={(input, key, highlighted) => {
          if (!highlighted || highlighted.value === NEW) return false;
          if (matches('rename', input, key)) {
            setRenaming({from: highlighted.value.name, to: highlighted.value.name});
            return true;
          }
          if (matches('remove', input, key)) {
            setDeleting(highlighted.value.name);
            return true;
          }
          return false;
        }}
      />
      {renaming ? (
        <TextField
          label={`Rename ${renaming.from} to`}
          value={renaming.to}
          onEdit={(e) => setRenaming((r) => r && {...r, to: applyEdit(r.to, e)})}
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
