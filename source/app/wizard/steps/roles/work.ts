import type {AppError, Endpoint, PermissionBlock, PrincipalRef} from '../../../../domain/types';
import {RoleFileError, parseRoleFile} from '../../../../domain/role-file';
import {roleChoiceFromFile, type RoleChoice} from '../../../../domain/roles';
import {readTextFile} from '../../../../lib/text-file';
import type {Services} from '../../../../domain/services';
import type {CopyOutcome} from '../../../../lib/clipboard';
import {copiedMessage} from '../../../copied';
import {
  type CheckWork,
  type MineWork,
  type ModeWork,
  type RolesAction,
  samePrincipal,
} from './state';

/** What the runners need: the Services, the screen's dispatch, and who is signed in. */
export interface RolesWorkDeps {
  services: Services;
  copy: (text: string) => Promise<CopyOutcome>;
  endpoint: Endpoint;
  me: PrincipalRef;
  dispatch: (action: RolesAction) => unknown;
  /** The signed-in identity's permissions were read (the wizard keeps them). */
  onMyPermissions: (blocks: PermissionBlock[]) => void;
}

/** Resolves after `ms`, or at once when the work is replaced or the screen closes. */
const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      {once: true},
    );
  });

/** The preflight: a principal's effective permissions at the endpoint (after a pause, for re-checks). */
export const runCheck =
  (deps: RolesWorkDeps) =>
  async (work: CheckWork, signal: AbortSignal): Promise<void> => {
    const {services, endpoint, dispatch} = deps;
    await pause(work.delayMs, signal);
    if (signal.aborted) return;
    const isMe = samePrincipal(work.who, deps.me);
    try {
      const {blocks, unreadable} = isMe
        ? {blocks: await services.myPermissions(endpoint, signal), unreadable: []}
        : await services.principalPermissions(work.who, endpoint, signal);
      if (signal.aborted) return;
      if (isMe) deps.onMyPermissions(blocks);
      dispatch({type: 'checked', id: work.id, blocks, unreadable});
    } catch (err) {
      if (!signal.aborted)
        dispatch({
          type: 'checkFailed',
          id: work.id,
          error: services.explainError(err, 'Check permissions'),
        });
    }
  };

/** The signed-in identity's own permissions, while the screen shows someone else's. */
export const runMine =
  (deps: RolesWorkDeps) =>
  async (work: MineWork, signal: AbortSignal): Promise<void> => {
    const {services, endpoint, dispatch} = deps;
    try {
      const blocks = await services.myPermissions(endpoint, signal);
      if (signal.aborted) return;
      deps.onMyPermissions(blocks);
      dispatch({type: 'mineChecked', id: work.id, blocks});
    } catch (err) {
      if (!signal.aborted)
        dispatch({
          type: 'mineFailed',
          id: work.id,
          error: services.explainError(err, 'Check your permissions'),
        });
    }
  };

/**
 * The work of a mode: assign a role (make sure its definition exists, then assign it), list the
 * assignments at a scope, or copy the hand-off commands.
 */
export const runModeWork =
  (deps: RolesWorkDeps) =>
  async (work: ModeWork, signal: AbortSignal): Promise<void> => {
    const {services, dispatch} = deps;
    switch (work.kind) {
      case 'assign': {
        const {choice, assignee, scope, assignable} = work.plan;
        if (choice.fromFile) {
          await assignFromFile(deps, work.id, choice.fromFile, assignee, scope, signal);
          return;
        }
        try {
          // The definition first (a built-in looked up, a custom one created or reused by name),
          // then the assignment, idempotently — the same Service call as everywhere else.
          const {role, result} = await services.assignRoleTemplate(
            choice.template,
            assignee,
            scope,
            {assignableScope: assignable},
            signal,
          );
          if (!signal.aborted) dispatch({type: 'assigned', id: work.id, role, result});
        } catch (err) {
          if (!signal.aborted)
            dispatch({
              type: 'assignFailed',
              id: work.id,
              error: services.explainError(err, 'Assign the role'),
            });
        }
        return;
      }
      case 'list':
        try {
          const assignments = await services.listRoleAssignments(work.scope, signal);
          if (!signal.aborted) dispatch({type: 'listed', id: work.id, assignments});
        } catch (err) {
          if (!signal.aborted)
            dispatch({
              type: 'listFailed',
              id: work.id,
              error: services.explainError(err, 'List role assignments'),
            });
        }
        return;
      case 'loadRole': {
        const {endpoint} = deps;
        try {
          const text = await readTextFile(work.path);
          const definition = parseRoleFile(
            text,
            {
              subscriptionId: endpoint.subscriptionId,
              resourceGroup: endpoint.resourceGroup,
              workspace: endpoint.workspace,
            },
            work.path,
          );
          if (!signal.aborted)
            dispatch({
              type: 'roleLoaded',
              id: work.id,
              choice: roleChoiceFromFile(work.path, definition),
            });
        } catch (err) {
          const message =
            err instanceof RoleFileError
              ? `${err.message}: ${err.hint}`
              : err instanceof Error
                ? err.message
                : String(err);
          if (!signal.aborted) dispatch({type: 'roleFileFailed', id: work.id, message});
        }
        return;
      }
      case 'copy': {
        const outcome = await deps.copy(work.text);
        // Dropped by the reducer if the user has moved on meanwhile.
        dispatch({type: 'copied', id: work.id, note: copiedMessage('The commands', outcome)});
        return;
      }
    }
  };

/**
 * A role from a file: defined as written (reused when an identical one exists; one that differs
 * is not changed from here — that is `roles define --update`), then assigned, idempotently.
 */
async function assignFromFile(
  deps: RolesWorkDeps,
  id: number,
  fromFile: NonNullable<RoleChoice['fromFile']>,
  assignee: PrincipalRef,
  scope: string,
  signal: AbortSignal,
): Promise<void> {
  const {services, dispatch} = deps;
  try {
    const defined = await services.defineRole(fromFile.definition, {}, signal);
    if (signal.aborted) return;
    if (defined.outcome === 'differs') {
      const error: AppError = {
        kind: 'conflict',
        title: `The custom role "${defined.role.roleName}" exists and differs from ${fromFile.path}`,
        detail: defined.differences.join('; '),
        nextSteps: [
          `To make it match the file: aml-auth roles define --file ${fromFile.path} --update`,
          'Or choose the existing role by name with aml-auth roles assign.',
        ],
      };
      dispatch({type: 'assignFailed', id, error});
      return;
    }
    const result = await services.assignRole(defined.role.id, assignee, scope, signal);
    if (signal.aborted) return;
    dispatch({
      type: 'assigned',
      id,
      role: {
        id: defined.role.id,
        roleName: defined.role.roleName,
        created: defined.outcome === 'created',
      },
      result,
    });
  } catch (err) {
    if (!signal.aborted)
      dispatch({type: 'assignFailed', id, error: services.explainError(err, 'Assign the role')});
  }
}
