import {Box, Text} from 'ink';
import {visible} from '../../../../lib/visible';
import type {Endpoint, Identity, PrincipalRef, Workspace} from '../../../../domain/types';
import {ROLE_CHOICES, type RoleChoice} from '../../../../domain/roles';
import {useEnv, useTextEntry} from '../../../app-context';
import {ConfirmBox} from '../../../components/confirm-box';
import {ErrorPanel} from '../../../components/error-panel';
import {Footer} from '../../../components/footer';
import {Spinner} from '../../../components/spinner';
import {TextField} from '../../../components/text-field';
import {useStore} from '../../../hooks/use-store';
import {useWork} from '../../../hooks/use-work';
import {theme} from '../../../theme';
import type {Action} from '../../state';
import {Assignments} from './assignments';
import {Checklist} from './checklist';
import {AdminHandOff} from './hand-off';
import {useRolesKeys} from './keys';
import {Picker} from './picker';
import {PrincipalForm} from './principal-form';
import {
  abilities,
  handOff,
  handsOff,
  initialRoles,
  meAsPrincipal,
  modeWork,
  parentScope,
  RECHECK_DELAYS_MS,
  type RolesAction,
  type RolesContext,
  rolesReducer,
  type RolesState,
  samePrincipal,
} from './state';
import {runCheck, runMine, runModeWork, type RolesWorkDeps} from './work';

const PICKERS = ['role', 'assignee', 'scope', 'assignable'];

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
  const context: RolesContext = {me: meAsPrincipal(identity), endpoint, workspace};
  const {me} = context;
  const [state, screenDispatch, get] = useStore<RolesState, RolesAction>(
    (s, a) => rolesReducer(context, s, a),
    () => initialRoles(context),
  );
  const deps: RolesWorkDeps = {
    services,
    copy,
    endpoint,
    me,
    dispatch: screenDispatch,
    onMyPermissions: (permissions) => dispatch({type: 'permissionsChecked', permissions}),
  };
  useWork(state.check.work, runCheck(deps));
  useWork(state.mine.status === 'loading' ? state.mine.work : undefined, runMine(deps));
  useWork(modeWork(state.screen), runModeWork(deps));

  const screen = state.screen;
  useTextEntry(isActive && (screen.mode === 'principal' || screen.mode === 'roleFile'));
  useRolesKeys({
    isActive: isActive && !PICKERS.includes(screen.mode),
    dispatch: screenDispatch,
    get,
    onBack: () => dispatch({type: 'back'}),
  });

  const back = () => void screenDispatch({type: 'back'});
  const where = (scope: string) =>
    scope === endpoint.id ? `endpoint ${endpoint.endpoint}` : `workspace ${workspace.name}`;

  switch (screen.mode) {
    case 'principal':
      return (
        <PrincipalForm
          draft={screen.draft}
          onEdit={(edit) => screenDispatch({type: 'edit', edit})}
          isActive={isActive}
        />
      );
    case 'role':
      return (
        <Picker<RoleChoice | undefined>
          key="role"
          title="Which role?"
          items={[
            ...ROLE_CHOICES.map((c) => ({
              key: c.id,
              label: c.template.roleName,
              detail: c.summary,
              value: c as RoleChoice | undefined,
            })),
            {
              key: 'file',
              label: 'from a role file…',
              detail: 'a custom role JSON, as az role definition create takes it',
              value: undefined,
            },
          ]}
          onPick={(choice) =>
            screenDispatch(choice ? {type: 'pickRole', choice} : {type: 'openRoleFile'})
          }
          onBack={back}
          isActive={isActive}
        />
      );
    case 'roleFile':
      return (
        <Box flexDirection="column">
          <Text bold>Custom role from a file</Text>
          <TextField
            label="Role file"
            value={screen.path}
            onEdit={(edit) => screenDispatch({type: 'edit', edit})}
            isActive={isActive && !screen.work}
            placeholder="./custom-role-for-scoring.json"
            {...(screen.error ? {error: visible(screen.error)} : {})}
            help="<subscriptionId>, <resourceGroupName> and <workspaceName> in AssignableScopes are filled from this endpoint"
          />
          {screen.work ? <Spinner label="Reading the role file…" /> : null}
          <Footer keys={['submit', 'back']} />
        </Box>
      );
    case 'assignee': {
      const subject = state.subject;
      const options = [
        {key: 'me', label: `me (${me.label})`, value: me as PrincipalRef | undefined},
      ];
      if (!samePrincipal(subject, me))
        options.push({
          key: subject.objectId,
          label: `${subject.objectId} (${subject.type})`,
          value: subject,
        });
      return (
        <Picker<PrincipalRef | undefined>
          key="assignee"
          title="Assign to whom?"
          items={[
            ...options,
            {key: 'other', label: 'another principal…', detail: 'by object ID', value: undefined},
          ]}
          onPick={(who) => screenDispatch({type: 'pickAssignee', who})}
          onBack={back}
          isActive={isActive}
        />
      );
    }
    case 'scope':
      return (
        <Picker<string>
          key="scope"
          title="At which scope?"
          items={[
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
          ]}
          onPick={(scope) => screenDispatch({type: 'pickScope', scope})}
          onBack={back}
          isActive={isActive}
        />
      );
    case 'assignable':
      return (
        <Picker<string>
          key="assignable"
          title={`Where may “${screen.choice.template.roleName}” be assigned? (its assignable scope)`}
          items={[
            {
              key: 'rg',
              label: `resource group ${workspace.resourceGroup}`,
              value: parentScope(workspace.id, 5),
            },
            {key: 'sub', label: 'the whole subscription', value: parentScope(workspace.id, 3)},
          ]}
          onPick={(scope) => screenDispatch({type: 'pickAssignable', scope})}
          onBack={back}
          isActive={isActive}
        />
      );
    case 'assignments':
      return <Assignments where={where(screen.scope)} listing={screen.listing} />;
  }

  // The checklist, with the confirmation or the running assignment under it.
  const {subject, check} = state;
  const {canAssign} = abilities(context, state);
  const handsOffNow = handsOff(context, state);
  const plan = screen.mode === 'confirm' || screen.mode === 'assigning' ? screen.plan : undefined;
  const recheck = check.work?.recheck;
  return (
    <Box flexDirection="column">
      <Text bold>
        Roles for {subject.label ?? subject.objectId}{' '}
        <Text color={theme.text.muted}>
          ({subject.type}) on {endpoint.endpoint}
        </Text>
      </Text>
      {check.status === 'loading' ? <Spinner label="Reading effective permissions…" /> : null}
      {check.status === 'error' ? <ErrorPanel error={check.error} /> : null}
      {check.status === 'done' ? (
        <Checklist
          blocks={check.blocks}
          authMode={endpoint.authMode}
          unreadable={check.unreadable ?? []}
        />
      ) : null}
      {screen.mode === 'confirm' && plan ? (
        <ConfirmBox yes="assign" no="cancel">
          <Text wrap="wrap">
            Assign <Text bold>{plan.choice.template.roleName}</Text> to{' '}
            {plan.assignee.label ?? plan.assignee.objectId} ({plan.assignee.type}) at{' '}
            {where(plan.scope)}?
          </Text>
          {plan.choice.fromFile ? (
            <Text color={theme.text.muted} wrap="wrap">
              The custom role is defined as written in {plan.choice.fromFile.path} (reused when an
              identical one exists), assignable at {plan.assignable}.
            </Text>
          ) : plan.choice.template.builtInId ? null : (
            <Text color={theme.text.muted}>
              The custom role is created (or reused by name) with assignable scope {plan.assignable}
              .
            </Text>
          )}
          {plan.choice.id === 'scoring' ? (
            <Text color={theme.status.warning}>
              Note: onlineEndpoints/*/action also grants listKeys and token, not only score.
            </Text>
          ) : null}
        </ConfirmBox>
      ) : null}
      {screen.mode === 'assigning' ? <Spinner label="Assigning…" /> : null}
      {screen.mode === 'checklist' && screen.error ? <ErrorPanel error={screen.error} /> : null}
      {recheck ? (
        <Spinner
          label={`Re-checking (${recheck.attempt}/${RECHECK_DELAYS_MS.length}) — a delay of a few minutes is normal in Azure…`}
        />
      ) : null}
      {screen.mode === 'checklist' && screen.note ? (
        <Text color={theme.status.info} wrap="wrap">
          {screen.note}
        </Text>
      ) : null}
      {handsOffNow ? <AdminHandOff hand={handOff(context, state)} canAssign={canAssign} /> : null}
      <Footer
        keys={
          screen.mode === 'confirm'
            ? ['confirm', 'deny']
            : screen.mode === 'assigning'
              ? []
              : [
                  'recheck',
                  'assign',
                  'principal',
                  'assignments',
                  ...(handsOffNow ? (['copyCommands'] as const) : []),
                  'back',
                ]
        }
      />
    </Box>
  );
}
