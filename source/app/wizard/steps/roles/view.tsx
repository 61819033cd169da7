import {Box, Text} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {useEffect, useState} from 'react';
import type {
  Endpoint,
  Identity,
  PermissionBlock,
  PrincipalRef,
  PrincipalType,
  RoleAssignmentInfo,
  Workspace,
} from '../../../../domain/types';
import {allows, ACTIONS, preflight} from '../../../../domain/permissions';
import {adminCommands, ROLE_CHOICES, type RoleChoice} from '../../../../domain/roles';
import {guidProblem} from '../../../../domain/validate';
import {copiedMessage} from '../../../copied';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {FilterList} from '../../../components/filter-list';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {applyEdit, TextField} from '../../../components/text-field';
import {useTask} from '../../../hooks/use-task';
import {matches} from '../../../keymap';
import {theme} from '../../../theme';
import type {Action} from '../../state';

type Mode =
  | 'checklist'
  | 'principal'
  | 'role'
  | 'assignee'
  | 'scope'
  | 'assignable'
  | 'confirm'
  | 'assigning'
  | 'assignments';
const TYPES: PrincipalType[] = ['User', 'Group', 'ServicePrincipal'];
/** After assigning, Azure can take minutes to apply a role: re-check a few times, a little apart. */
const RECHECK_DELAYS_MS = [2000, 5000, 10000];

export function meAsPrincipal(identity: Identity): PrincipalRef {
  return {
    objectId: identity.objectId,
    type: identity.kind === 'user' ? 'User' : 'ServicePrincipal',
    label: identity.name,
  };
}

const parentScope = (id: string, levels: number) => id.split('/').slice(0, levels).join('/');

export function RolesStep({
  dispatch,
  isActive,
  endpoint,
  workspace,
  identity,
}: {
  dispatch: (a: Action) => void;
  isActive: boolean;
  endpoint: Endpoint;
  workspace: Workspace;
  identity: Identity;
}) {
  const {services, copy} = useEnv();
  const me = meAsPrincipal(identity);
  const [subject, setSubject] = useState<PrincipalRef>(me);
  const [mode, setMode] = useState<Mode>('checklist');
  const [draft, setDraft] = useState({objectId: '', type: 'User' as PrincipalType});
  const [choice, setChoice] = useState<RoleChoice | undefined>();
  const [assignee, setAssignee] = useState<PrincipalRef>(me);
  const [scope, setScope] = useState(workspace.id);
  const [assignable, setAssignable] = useState(parentScope(workspace.id, 5));
  const [note, setNote] = useState<string | undefined>();
  const [attempt, setAttempt] = useState(0);
  /** Whether the principal form was opened to check someone or while choosing whom to assign. */
  const [principalFor, setPrincipalFor] = useState<'check' | 'assign'>('check');

  const isMe = (p: PrincipalRef) => p.objectId.toLowerCase() === me.objectId.toLowerCase();
  const check = useTask(
    (signal, who: PrincipalRef) =>
      isMe(who)
        ? services.myPermissions(endpoint, signal)
        : services.principalPermissions(who, endpoint, signal),
    (err) => services.explainError(err, 'Check permissions'),
  );
  const mine = useTask(
    (signal) => services.myPermissions(endpoint, signal),
    (err) => services.explainError(err, 'Check your permissions'),
  );
  const assign = useTask(
    async (signal, c: RoleChoice, who: PrincipalRef, at: string, defScope: string) => {
      const role = await services.ensureRoleDefinition(c.template, defScope, signal);
      const result = await services.assignRole(role.id, who, at, signal);
      return {role, result};
    },
    (err) => services.explainError(err, 'Assign the role'),
  );
  const list = useTask(
    (signal, at: string) => services.listRoleAssignments(at, signal),
    (err) => services.explainError(err, 'List role assignments'),
  );

  const runCheck = (who: PrincipalRef) =>
    check.run(who).then((blocks: PermissionBlock[] | undefined) => {
      if (blocks && isMe(who)) dispatch({type: 'permissionsChecked', permissions: blocks});
      return blocks;
    });

  useEffect(() => {
    void runCheck(me);
    if (!isMe(subject)) void mine.run();
    // The first preflight, for the signed-in identity.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // After an assignment, re-check with a short automatic retry: propagation takes a while.
  useEffect(() => {
    if (attempt === 0 || attempt > RECHECK_DELAYS_MS.length) return;
    const t = setTimeout(
      () => {
        void runCheck(assignee).then((blocks) => {
          // Granted once the role's own permission patterns show up among the effective ones.
          const patterns = choice?.template.permissions.flatMap((p) => p.actions) ?? [];
          const granted = !!blocks?.some((b) => b.actions.some((a) => patterns.includes(a)));
          setAttempt((n) => (granted || n >= RECHECK_DELAYS_MS.length ? 0 : n + 1));
        });
      },
      RECHECK_DELAYS_MS[attempt - 1],
    );
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [attempt]);

  const myBlocks = isMe(subject) ? check.state : mine.state;
  const canAssign =
    myBlocks.status === 'done' ? allows(myBlocks.value, ACTIONS.assignRoles) : undefined;
  const canDefine =
    myBlocks.status === 'done' ? allows(myBlocks.value, ACTIONS.defineRoles) : undefined;

  /** The signed-in identity cannot grant this itself: show the commands for an admin. */
  const handOff =
    canAssign === false || (!!choice && !choice.template.builtInId && canDefine === false);
  useTextEntry(isActive && mode === 'principal');

  useKeys(
    (input, key) => {
      if (mode === 'checklist') {
        if (key.escape) return dispatch({type: 'back'});
        if (matches('recheck', input, key)) return void runCheck(subject);
        if (matches('principal', input, key)) {
          setPrincipalFor('check');
          return setMode('principal');
        }
        if (matches('assign', input, key)) return setMode('role');
        if (matches('assignments', input, key)) {
          setMode('assignments');
          void list.run(scope);
          return;
        }
        if (matches('copy', input, key) && handOff) {
          void copy(
            adminCommands({
              choice: choice ?? ROLE_CHOICES[0]!,
              principalId: assignee.objectId,
              principalType: assignee.type,
              scope,
              assignableScope: assignable,
            }).join('\n'),
          ).then((ch) => setNote(copiedMessage('The commands', ch)));
        }
        return;
      }
      if (mode === 'principal') {
        if (key.escape) return setMode(principalFor === 'assign' ? 'assignee' : 'checklist');
        if (key.tab || key.upArrow || key.downArrow) {
          const i = TYPES.indexOf(draft.type);
          setDraft({
            ...draft,
            type: TYPES[(i + (key.upArrow ? TYPES.length - 1 : 1)) % TYPES.length]!,
          });
          return;
        }
        if (key.return && !guidProblem(draft.objectId.trim(), 'object ID')) {
          const who = {objectId: draft.objectId.trim(), type: draft.type};
          setAssignee(who);
          if (principalFor === 'assign') return setMode('scope');
          setSubject(who);
          setMode('checklist');
          void runCheck(who);
          if (mine.state.status === 'idle') void mine.run();
        }
        return;
      }
      if (mode === 'confirm') {
        if (matches('confirm', input, key)) {
          setMode('assigning');
          void assign
            .run(choice!, assignee, scope, choice!.template.builtInId ? scope : assignable)
            .then((r) => {
              setMode('checklist');
              if (!r) return;
              setSubject(assignee);
              setNote(
                r.result.existed
                  ? `${assignee.label ?? assignee.objectId} already has ${r.role.roleName} at this scope: nothing was created.`
                  : `Assigned ${r.role.roleName}${r.role.created ? ' (custom role created)' : ''}. Azure can take a few minutes to apply it; re-checking…`,
              );
              void runCheck(assignee);
              if (!r.result.existed) setAttempt(1);
            });
        } else if (matches('deny', input, key) || key.escape) setMode('checklist');
        return;
      }
      if (mode === 'assigning') return;
      if (mode === 'assignments' && key.escape) setMode('checklist');
    },
    {isActive: isActive && !['role', 'assignee', 'scope', 'assignable'].includes(mode)},
  );

  const header = (
    <Text bold>
      Roles for {subject.label ?? subject.objectId}{' '}
      <Text color={theme.text.muted}>
        ({subject.type}) on {endpoint.endpoint}
      </Text>
    </Text>
  );

  if (mode === 'principal') {
    return (
      <Box flexDirection="column">
        <Text bold>Check another principal</Text>
        <TextField
          label="Object ID"
          value={draft.objectId}
          onEdit={(e) => setDraft((d) => ({...d, objectId: applyEdit(d.objectId, e)}))}
          isActive={isActive}
          error={guidProblem(draft.objectId.trim(), 'object ID')}
        />
        <Text>
          {'  '}Type: {TYPES.map((t) => (t === draft.type ? `[${t}]` : ` ${t} `)).join(' ')}{' '}
          <Text color={theme.text.muted}>(tab changes)</Text>
        </Text>
        <Footer keys={['submit', 'nextField', 'back']} />
      </Box>
    );
  }

  const pick = <T,>(
    title: string,
    items: {key: string; label: string; detail?: string; value: T}[],
    onPick: (v: T) => void,
    back: Mode,
  ) => (
    <Box flexDirection="column">
      <Text bold>{title}</Text>
      <FilterList
        isActive={isActive}
        items={items}
        onSelect={(i) => onPick(i.value)}
        onBack={() => setMode(back)}
      />
      <Footer keys={['select', 'move', 'back']} />
    </Box>
  );

  if (mode === 'role') {
    return pick(
      'Which role?',
      ROLE_CHOICES.map((c) => ({
        key: c.id,
        label: c.template.roleName,
        detail: c.summary,
        value: c,
      })),
      (c) => {
        setChoice(c);
        setMode('assignee');
      },
      'checklist',
    );
  }
  if (mode === 'assignee') {
    const options = [{key: 'me', label: `me (${me.label})`, value: me}];
    if (!isMe(subject))
      options.push({
        key: subject.objectId,
        label: `${subject.objectId} (${subject.type})`,
        value: subject,
      });
    return pick(
      'Assign to whom?',
      [
        ...options,
        {
          key: 'other',
          label: 'another principal…',
          detail: 'by object ID',
          value: undefined as unknown as PrincipalRef,
        },
      ],
      (p) => {
        if (!p) {
          setPrincipalFor('assign');
          setMode('principal');
          return;
        }
        setAssignee(p);
        setMode('scope');
      },
      'role',
    );
  }
  if (mode === 'scope') {
    return pick(
      'At which scope?',
      [
        {
          key: 'ws',
          label: `workspace ${workspace.name}`,
          detail: 'every endpoint in the workspace',
          value: workspace.id,
        },
        {
          key: 'ep',
          label: `endpoint ${endpoint.endpoint}`,
          detail: 'this endpoint only (least privilege)',
          value: endpoint.id,
        },
      ],
      (s) => {
        setScope(s);
        setMode(choice?.template.builtInId ? 'confirm' : 'assignable');
      },
      'assignee',
    );
  }
  if (mode === 'assignable') {
    return pick(
      `Where may “${choice?.template.roleName}” be assigned? (its assignable scope)`,
      [
        {
          key: 'rg',
          label: `resource group ${workspace.resourceGroup}`,
          value: parentScope(workspace.id, 5),
        },
        {key: 'sub', label: 'the whole subscription', value: parentScope(workspace.id, 3)},
      ],
      (s) => {
        setAssignable(s);
        setMode('confirm');
      },
      'scope',
    );
  }

  if (mode === 'assignments') {
    return (
      <Box flexDirection="column">
        <Text bold>
          Role assignments at{' '}
          {scope === workspace.id ? `workspace ${workspace.name}` : `endpoint ${endpoint.endpoint}`}{' '}
          (and inherited)
        </Text>
        {list.state.status === 'running' ? <Spinner label="Loading role assignments…" /> : null}
        {list.state.status === 'error' ? <ErrorPanel error={list.state.error} /> : null}
        {list.state.status === 'done'
          ? list.state.value.map((a: RoleAssignmentInfo) => (
              <Text key={a.id} wrap="truncate-end">
                {a.roleName.padEnd(28)} {a.principalType.padEnd(16)} {a.principalId}{' '}
                <Text color={theme.text.muted}>
                  {a.inherited ? `inherited from ${a.scope}` : 'at this scope'}
                </Text>
              </Text>
            ))
          : null}
        <Footer keys={['back']} />
      </Box>
    );
  }

  const items =
    check.state.status === 'done' ? preflight(check.state.value, endpoint.authMode) : [];
  return (
    <Box flexDirection="column">
      {header}
      {check.state.status === 'running' ? <Spinner label="Reading effective permissions…" /> : null}
      {check.state.status === 'error' ? <ErrorPanel error={check.state.error} /> : null}
      {items.map((item) => (
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
      {mode === 'confirm' && choice ? (
        <ConfirmBox yes="assign" no="cancel">
          <Text wrap="wrap">
            Assign <Text bold>{choice.template.roleName}</Text> to{' '}
            {assignee.label ?? assignee.objectId} ({assignee.type}) at{' '}
            {scope === endpoint.id
              ? `endpoint ${endpoint.endpoint}`
              : `workspace ${workspace.name}`}
            ?
          </Text>
          {choice.template.builtInId ? null : (
            <Text color={theme.text.muted}>
              The custom role is created (or reused by name) with assignable scope {assignable}.
            </Text>
          )}
          {choice.id === 'scoring' ? (
            <Text color={theme.status.warning}>
              Note: onlineEndpoints/*/action also grants listKeys and token, not only score.
            </Text>
          ) : null}
        </ConfirmBox>
      ) : null}
      {mode === 'assigning' ? <Spinner label="Assigning…" /> : null}
      {assign.state.status === 'error' ? <ErrorPanel error={assign.state.error} /> : null}
      {attempt > 0 ? (
        <Spinner
          label={`Re-checking (${attempt}/${RECHECK_DELAYS_MS.length}) — a delay of a few minutes is normal in Azure…`}
        />
      ) : null}
      {note ? (
        <Text color={theme.status.info} wrap="wrap">
          {note}
        </Text>
      ) : null}
      {handOff ? (
        <AdminHandOff
          choice={choice ?? ROLE_CHOICES[0]!}
          principal={assignee}
          scope={scope}
          assignable={assignable}
          canAssign={canAssign}
        />
      ) : null}
      <Footer
        keys={
          mode === 'confirm'
            ? ['confirm', 'deny']
            : [
                'recheck',
                'assign',
                'principal',
                'assignments',
                ...(handOff ? (['copy'] as const) : []),
                'back',
              ]
        }
      />
    </Box>
  );
}

function AdminHandOff({
  choice,
  principal,
  scope,
  assignable,
  canAssign,
}: {
  choice: RoleChoice;
  principal: PrincipalRef;
  scope: string;
  assignable: string;
  canAssign?: boolean;
}) {
  const commands = adminCommands({
    choice,
    principalId: principal.objectId,
    principalType: principal.type,
    scope,
    assignableScope: assignable,
  });
  return (
    <Box flexDirection="column" borderStyle="round" borderColor={theme.status.warning} paddingX={1}>
      <Text color={theme.status.warning} wrap="wrap">
        {canAssign === false
          ? 'You cannot assign roles here (no Microsoft.Authorization/roleAssignments/write). Hand these commands to an admin:'
          : 'You cannot create custom roles here (no roleDefinitions/write). Hand these commands to an admin:'}
      </Text>
      {commands.map((c) => (
        <Text key={c} wrap="wrap">
          {c}
        </Text>
      ))}
      <Text color={theme.text.muted}>c copies them</Text>
    </Box>
  );
}
