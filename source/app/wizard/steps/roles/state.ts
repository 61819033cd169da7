import type {
  AppError,
  AssignRoleResult,
  Endpoint,
  Identity,
  PermissionBlock,
  PrincipalRef,
  PrincipalType,
  RoleAssignmentInfo,
  RoleDefinitionResult,
  UnreadableRole,
  Workspace,
} from '../../../../domain/types';
import {allows, ACTIONS, preflight} from '../../../../domain/permissions';
import {adminHandOff, type AdminHandOff, type RoleChoice} from '../../../../domain/roles';
import {guidProblem} from '../../../../domain/validate';
import {applyEdit, type TextEdit} from '../../../components/text-field';

/** The roles screen: the preflight of one principal, and the assignment flow around it. */

export const PRINCIPAL_TYPES: PrincipalType[] = ['User', 'Group', 'ServicePrincipal'];
/** After assigning, Azure can take minutes to apply a role: re-check a few times, a little apart. */
export const RECHECK_DELAYS_MS = [2000, 5000, 10000];

export function meAsPrincipal(identity: Identity): PrincipalRef {
  return {
    objectId: identity.objectId,
    type: identity.kind === 'user' ? 'User' : 'ServicePrincipal',
    label: identity.name,
  };
}

/** What the screen works on; it does not change while the screen is open. */
export interface RolesContext {
  me: PrincipalRef;
  endpoint: Endpoint;
  workspace: Workspace;
}

export const parentScope = (id: string, levels: number) => id.split('/').slice(0, levels).join('/');

export const samePrincipal = (a: PrincipalRef, b: PrincipalRef) =>
  a.objectId.toLowerCase() === b.objectId.toLowerCase();

// --- work (run by useWork, see work.ts) ---------------------------------------------------------

/** After an assignment: which automatic re-check this is, and what shows the role arrived. */
export interface Recheck {
  /** 1…RECHECK_DELAYS_MS.length: the delayed re-check pending or running. */
  attempt: number;
  /** The role's own permission patterns: granted once one of them is among the effective ones. */
  patterns: string[];
  /** Whether this work is one of the delayed re-checks (the first check runs at once). */
  delayed: boolean;
}

/** Read a principal's effective permissions at the endpoint, after `delayMs`. */
export interface CheckWork {
  id: number;
  kind: 'check';
  who: PrincipalRef;
  delayMs: number;
  recheck?: Recheck;
}
/** The signed-in identity's own permissions, while the screen shows someone else's. */
export interface MineWork {
  id: number;
  kind: 'mine';
}
/** What is assigned: a role, to whom, where, and (custom roles) where it may be assigned. */
export interface Plan {
  choice: RoleChoice;
  assignee: PrincipalRef;
  scope: string;
  assignable: string;
}
export interface AssignWork {
  id: number;
  kind: 'assign';
  plan: Plan;
}
export interface ListWork {
  id: number;
  kind: 'list';
  scope: string;
}
export interface CopyWork {
  id: number;
  kind: 'copy';
  text: string;
}
/** Read and check a custom role file (the JSON of `az role definition create`). */
export interface LoadRoleWork {
  id: number;
  kind: 'loadRole';
  path: string;
}
/** The work a mode runs (at most one; it ends with the mode). */
export type ModeWork = AssignWork | ListWork | CopyWork | LoadRoleWork;

// --- state --------------------------------------------------------------------------------------

/** The preflight of the principal on screen. */
export type Preflight =
  | {status: 'loading'; work: CheckWork}
  /** `work`: a delayed re-check after an assignment, pending or running. */
  | {status: 'done'; blocks: PermissionBlock[]; unreadable?: UnreadableRole[]; work?: CheckWork}
  | {status: 'error'; error: AppError; work?: undefined};

export type MyPermissions =
  | {status: 'idle'}
  | {status: 'loading'; work: MineWork}
  | {status: 'done'; blocks: PermissionBlock[]}
  | {status: 'error'; error: AppError};

export type Listing =
  | {status: 'loading'}
  | {status: 'done'; assignments: RoleAssignmentInfo[]}
  | {status: 'error'; error: AppError};

export interface PrincipalDraft {
  objectId: string;
  type: PrincipalType;
}

/** The screen's modes. Each message (a note, an error) belongs to the mode it was made in. */
export type RolesMode =
  /** The preflight checklist (and the hand-off commands when the user cannot assign). */
  | {mode: 'checklist'; note?: string; error?: AppError; work?: CopyWork}
  /** The object-ID form: to check someone else, or to choose whom to assign a role. */
  | {
      mode: 'principal';
      draft: PrincipalDraft;
      purpose: {for: 'check'} | {for: 'assign'; choice: RoleChoice};
    }
  | {mode: 'role'}
  /** A custom role from a file: its path, being typed or read. */
  | {mode: 'roleFile'; path: string; error?: string; work?: LoadRoleWork}
  | {mode: 'assignee'; choice: RoleChoice}
  | {mode: 'scope'; choice: RoleChoice; assignee: PrincipalRef}
  /** A custom role: where it may be assigned (its assignable scope). */
  | {mode: 'assignable'; choice: RoleChoice; assignee: PrincipalRef; scope: string}
  | {mode: 'confirm'; plan: Plan}
  | {mode: 'assigning'; plan: Plan; work: AssignWork}
  | {mode: 'assignments'; scope: string; listing: Listing; work?: ListWork};

export interface RolesState {
  /** The principal whose permissions are shown. */
  subject: PrincipalRef;
  check: Preflight;
  /** The signed-in identity's permissions (what it may grant), when the subject is someone else. */
  mine: MyPermissions;
  /** The last picks, for the hand-off commands; `choice` is unset until a role is picked. */
  picks: {choice?: RoleChoice; assignee: PrincipalRef; scope: string; assignable: string};
  /** Azure refused an assignment (or a custom role) the signed-in identity tried to make. */
  denied?: {assign?: boolean; define?: boolean};
  /** The id of the last work issued: every new piece of work gets the next one. */
  seq: number;
  screen: RolesMode;
}

export type RolesAction =
  | {type: 'recheck'}
  | {type: 'openPrincipal'}
  | {type: 'openAssign'}
  | {type: 'openAssignments'}
  | {type: 'copyCommands'}
  | {type: 'edit'; edit: TextEdit}
  | {type: 'cycleType'; by: 1 | -1}
  | {type: 'submitPrincipal'}
  | {type: 'pickRole'; choice: RoleChoice}
  /** "from a role file…" in the role picker. */
  | {type: 'openRoleFile'}
  | {type: 'submitRoleFile'}
  | {type: 'roleLoaded'; id: number; choice: RoleChoice}
  | {type: 'roleFileFailed'; id: number; message: string}
  /** `who` undefined: "another principal…", the object-ID form. */
  | {type: 'pickAssignee'; who?: PrincipalRef}
  | {type: 'pickScope'; scope: string}
  | {type: 'pickAssignable'; scope: string}
  | {type: 'confirm'}
  | {type: 'cancel'}
  | {type: 'back'}
  | {type: 'checked'; id: number; blocks: PermissionBlock[]; unreadable?: UnreadableRole[]}
  | {type: 'checkFailed'; id: number; error: AppError}
  | {type: 'mineChecked'; id: number; blocks: PermissionBlock[]}
  | {type: 'mineFailed'; id: number; error: AppError}
  | {
      type: 'assigned';
      id: number;
      role: RoleDefinitionResult;
      result: AssignRoleResult;
    }
  | {type: 'assignFailed'; id: number; error: AppError}
  | {type: 'listed'; id: number; assignments: RoleAssignmentInfo[]}
  | {type: 'listFailed'; id: number; error: AppError}
  | {type: 'copied'; id: number; note: string};

/** The screen opens on the preflight of the signed-in identity: its work is in the first state. */
export function initialRoles(context: RolesContext): RolesState {
  const {me, workspace} = context;
  return {
    subject: me,
    check: {status: 'loading', work: {id: 1, kind: 'check', who: me, delayMs: 0}},
    mine: {status: 'idle'},
    picks: {assignee: me, scope: workspace.id, assignable: parentScope(workspace.id, 5)},
    seq: 1,
    screen: {mode: 'checklist'},
  };
}

// --- derived ------------------------------------------------------------------------------------

/** The signed-in identity's permission blocks, once known. */
export function myBlocks(context: RolesContext, state: RolesState): PermissionBlock[] | undefined {
  if (samePrincipal(state.subject, context.me))
    return state.check.status === 'done' ? state.check.blocks : undefined;
  return state.mine.status === 'done' ? state.mine.blocks : undefined;
}

/** The work the current mode runs, if any. */
export const modeWork = (screen: RolesMode): ModeWork | undefined =>
  'work' in screen ? screen.work : undefined;

/** What the signed-in identity may do: undefined while unknown. */
export function abilities(context: RolesContext, state: RolesState) {
  const blocks = myBlocks(context, state);
  return {
    canAssign: state.denied?.assign
      ? false
      : blocks
        ? allows(blocks, ACTIONS.assignRoles)
        : undefined,
    canDefine: state.denied?.define
      ? false
      : blocks
        ? allows(blocks, ACTIONS.defineRoles)
        : undefined,
  };
}

/** The signed-in identity cannot grant this itself: the screen shows the commands for an admin. */
export function handsOff(context: RolesContext, state: RolesState): boolean {
  const {canAssign, canDefine} = abilities(context, state);
  const choice = state.picks.choice;
  return canAssign === false || (!!choice && !choice.template.builtInId && canDefine === false);
}

/** What the assignee lacks for the endpoint's auth mode, when the checklist on screen is theirs. */
export function missingActions(context: RolesContext, state: RolesState): string[] {
  const {check, subject, picks} = state;
  if (check.status !== 'done' || !samePrincipal(subject, picks.assignee)) return [];
  return preflight(check.blocks, context.endpoint.authMode)
    .filter((c) => c.need === 'required' && !c.ok)
    .map((c) => c.action);
}

/** What an admin is handed to grant the last picks (a role that grants what is missing). */
export function handOff(context: RolesContext, state: RolesState): AdminHandOff {
  const {choice, assignee, scope, assignable} = state.picks;
  return adminHandOff({
    ...(choice ? {picked: choice} : {}),
    missing: missingActions(context, state),
    principalId: assignee.objectId,
    principalType: assignee.type,
    scope,
    assignableScope: assignable,
  });
}

/** The commands an admin runs: the role's, then the built-in alternative's. */
export function handOffCommands(context: RolesContext, state: RolesState): string[] {
  const hand = handOff(context, state);
  return [...hand.commands, ...(hand.builtIn?.commands ?? [])];
}

export const principalProblem = (draft: PrincipalDraft) =>
  guidProblem(draft.objectId.trim(), 'object ID');

/** Granted once one of the role's own permission patterns is among the effective ones. */
const granted = (blocks: PermissionBlock[], patterns: string[]) =>
  blocks.some((b) => b.actions.some((a) => patterns.includes(a)));

// --- reducer ------------------------------------------------------------------------------------

const checklist = (state: RolesState, screen: RolesMode = {mode: 'checklist'}): RolesState => ({
  ...state,
  screen,
});

/** Show `who`'s preflight: a new check, and the signed-in identity's own if not known yet. */
function showPrincipal(
  context: RolesContext,
  state: RolesState,
  who: PrincipalRef,
  recheck?: Omit<Recheck, 'delayed' | 'attempt'>,
): RolesState {
  let seq = state.seq + 1;
  const check: Preflight = {
    status: 'loading',
    work: {
      id: seq,
      kind: 'check',
      who,
      delayMs: 0,
      ...(recheck ? {recheck: {...recheck, attempt: 1, delayed: false}} : {}),
    },
  };
  let mine = state.mine;
  if (!samePrincipal(who, context.me) && (mine.status === 'idle' || mine.status === 'error')) {
    seq += 1;
    mine = {status: 'loading', work: {id: seq, kind: 'mine'}};
  }
  return {...state, subject: who, check, mine, seq};
}

export function rolesReducer(
  context: RolesContext,
  state: RolesState,
  action: RolesAction,
): RolesState {
  const {me} = context;
  const screen = state.screen;
  switch (action.type) {
    case 'recheck':
      if (screen.mode !== 'checklist') return state;
      return {
        ...state,
        seq: state.seq + 1,
        check: {
          status: 'loading',
          work: {id: state.seq + 1, kind: 'check', who: state.subject, delayMs: 0},
        },
      };
    case 'openPrincipal':
      return screen.mode === 'checklist'
        ? {
            ...state,
            screen: {
              mode: 'principal',
              draft: {objectId: '', type: 'User'},
              purpose: {for: 'check'},
            },
          }
        : state;
    case 'openAssign':
      return screen.mode === 'checklist' ? {...state, screen: {mode: 'role'}} : state;
    case 'openAssignments': {
      if (screen.mode !== 'checklist') return state;
      const id = state.seq + 1;
      const scope = state.picks.scope;
      return {
        ...state,
        seq: id,
        screen: {
          mode: 'assignments',
          scope,
          listing: {status: 'loading'},
          work: {id, kind: 'list', scope},
        },
      };
    }
    case 'copyCommands': {
      if (screen.mode !== 'checklist' || !handsOff(context, state)) return state;
      const id = state.seq + 1;
      return {
        ...state,
        seq: id,
        screen: {
          ...screen,
          work: {id, kind: 'copy', text: handOffCommands(context, state).join('\n')},
        },
      };
    }
    case 'copied':
      return screen.mode === 'checklist' && screen.work?.id === action.id
        ? {...state, screen: {mode: 'checklist', note: action.note, error: screen.error}}
        : state;

    case 'edit':
      if (screen.mode === 'roleFile')
        return screen.work
          ? state
          : {
              ...state,
              screen: {mode: 'roleFile', path: applyEdit(screen.path, action.edit)},
            };
      return screen.mode === 'principal'
        ? {
            ...state,
            screen: {
              ...screen,
              draft: {...screen.draft, objectId: applyEdit(screen.draft.objectId, action.edit)},
            },
          }
        : state;
    case 'cycleType': {
      if (screen.mode !== 'principal') return state;
      const n = PRINCIPAL_TYPES.length;
      const i = PRINCIPAL_TYPES.indexOf(screen.draft.type);
      const type = PRINCIPAL_TYPES[(i + action.by + n) % n]!;
      return {...state, screen: {...screen, draft: {...screen.draft, type}}};
    }
    case 'submitPrincipal': {
      if (screen.mode !== 'principal' || principalProblem(screen.draft)) return state;
      const who: PrincipalRef = {objectId: screen.draft.objectId.trim(), type: screen.draft.type};
      const picks = {...state.picks, assignee: who};
      if (screen.purpose.for === 'assign')
        return {
          ...state,
          picks,
          screen: {mode: 'scope', choice: screen.purpose.choice, assignee: who},
        };
      return checklist(showPrincipal(context, {...state, picks}, who));
    }

    case 'pickRole':
      return screen.mode === 'role'
        ? {
            ...state,
            picks: {...state.picks, choice: action.choice},
            screen: {mode: 'assignee', choice: action.choice},
          }
        : state;
    case 'openRoleFile':
      return screen.mode === 'role' ? {...state, screen: {mode: 'roleFile', path: ''}} : state;
    case 'submitRoleFile': {
      if (screen.mode !== 'roleFile' || screen.work) return state;
      const path = screen.path.trim();
      if (!path)
        return {...state, screen: {...screen, error: 'Give the path of a custom role JSON file.'}};
      const id = state.seq + 1;
      return {
        ...state,
        seq: id,
        screen: {mode: 'roleFile', path, work: {id, kind: 'loadRole', path}},
      };
    }
    case 'roleLoaded': {
      if (screen.mode !== 'roleFile' || screen.work?.id !== action.id) return state;
      const assignable =
        action.choice.fromFile?.definition.assignableScopes[0] ?? state.picks.assignable;
      return {
        ...state,
        picks: {...state.picks, choice: action.choice, assignable},
        screen: {mode: 'assignee', choice: action.choice},
      };
    }
    case 'roleFileFailed':
      return screen.mode === 'roleFile' && screen.work?.id === action.id
        ? {...state, screen: {mode: 'roleFile', path: screen.path, error: action.message}}
        : state;
    case 'pickAssignee':
      if (screen.mode !== 'assignee') return state;
      if (!action.who)
        return {
          ...state,
          screen: {
            mode: 'principal',
            draft: {objectId: '', type: 'User'},
            purpose: {for: 'assign', choice: screen.choice},
          },
        };
      return {
        ...state,
        picks: {...state.picks, assignee: action.who},
        screen: {mode: 'scope', choice: screen.choice, assignee: action.who},
      };
    case 'pickScope': {
      if (screen.mode !== 'scope') return state;
      const picks = {...state.picks, scope: action.scope};
      const {choice, assignee} = screen;
      // A role from a file is assignable where the file says: nothing to ask.
      const fromFile = choice.fromFile?.definition.assignableScopes[0];
      if (fromFile)
        return {
          ...state,
          picks: {...picks, assignable: fromFile},
          screen: {
            mode: 'confirm',
            plan: {choice, assignee, scope: action.scope, assignable: fromFile},
          },
        };
      return {
        ...state,
        picks,
        screen: choice.template.builtInId
          ? {
              mode: 'confirm',
              plan: {choice, assignee, scope: action.scope, assignable: picks.assignable},
            }
          : {mode: 'assignable', choice, assignee, scope: action.scope},
      };
    }
    case 'pickAssignable': {
      if (screen.mode !== 'assignable') return state;
      const {choice, assignee, scope} = screen;
      return {
        ...state,
        picks: {...state.picks, assignable: action.scope},
        screen: {mode: 'confirm', plan: {choice, assignee, scope, assignable: action.scope}},
      };
    }
    case 'confirm': {
      if (screen.mode !== 'confirm') return state;
      const id = state.seq + 1;
      return {
        ...state,
        seq: id,
        screen: {
          mode: 'assigning',
          plan: screen.plan,
          work: {id, kind: 'assign', plan: screen.plan},
        },
      };
    }
    case 'cancel':
      return screen.mode === 'confirm' ? checklist(state) : state;
    case 'back':
      switch (screen.mode) {
        case 'principal':
          return screen.purpose.for === 'assign'
            ? {...state, screen: {mode: 'assignee', choice: screen.purpose.choice}}
            : checklist(state);
        case 'role':
        case 'confirm':
        case 'assignments':
          return checklist(state);
        case 'roleFile':
          return screen.work ? state : {...state, screen: {mode: 'role'}};
        case 'assignee':
          return {...state, screen: {mode: 'role'}};
        case 'scope':
          return {...state, screen: {mode: 'assignee', choice: screen.choice}};
        case 'assignable':
          return {
            ...state,
            screen: {mode: 'scope', choice: screen.choice, assignee: screen.assignee},
          };
        // The checklist's back leaves the screen (the wizard's), and an assignment runs to its end.
        case 'checklist':
        case 'assigning':
          return state;
      }
      return state;

    case 'assigned': {
      if (screen.mode !== 'assigning' || screen.work.id !== action.id) return state;
      const {assignee, choice} = screen.plan;
      const {role, result} = action;
      const note = result.existed
        ? `${assignee.label ?? assignee.objectId} already has ${role.roleName} at this scope: nothing was created.`
        : `Assigned ${role.roleName}${role.created ? ' (custom role created)' : ''}. Azure can take a few minutes to apply it; re-checking…`;
      // A new assignment: re-check a few times, Azure takes a while to apply it.
      const recheck = result.existed
        ? undefined
        : {patterns: choice.template.permissions.flatMap((p) => p.actions)};
      return checklist(showPrincipal(context, state, assignee, recheck), {mode: 'checklist', note});
    }
    case 'assignFailed': {
      if (screen.mode !== 'assigning' || screen.work.id !== action.id) return state;
      // Azure said no to the assignment itself: the commands for an admin are shown with it.
      const said = action.error.kind === 'permission' ? action.error.detail : '';
      const denied = {
        ...state.denied,
        ...(/roleAssignments\/write/i.test(said) ? {assign: true} : {}),
        ...(/roleDefinitions\/write/i.test(said) ? {define: true} : {}),
      };
      return checklist({...state, denied}, {mode: 'checklist', error: action.error});
    }

    case 'listed':
      return screen.mode === 'assignments' && screen.work?.id === action.id
        ? {
            ...state,
            screen: {
              ...screen,
              listing: {status: 'done', assignments: action.assignments},
              work: undefined,
            },
          }
        : state;
    case 'listFailed':
      return screen.mode === 'assignments' && screen.work?.id === action.id
        ? {
            ...state,
            screen: {...screen, listing: {status: 'error', error: action.error}, work: undefined},
          }
        : state;

    case 'checked': {
      const work = state.check.work;
      if (!work || work.id !== action.id) return state;
      const {blocks} = action;
      const unreadable = action.unreadable ?? [];
      // What the signed-in identity may do is known now too.
      const mine: MyPermissions = samePrincipal(work.who, me)
        ? {status: 'done', blocks}
        : state.mine;
      const recheck = work.recheck;
      const last = !recheck || (recheck.delayed && recheck.attempt >= RECHECK_DELAYS_MS.length);
      if (!recheck || last || granted(blocks, recheck.patterns))
        return {...state, mine, check: {status: 'done', blocks, unreadable}};
      // Not there yet: the next re-check, after a pause.
      const attempt = recheck.delayed ? recheck.attempt + 1 : recheck.attempt;
      const id = state.seq + 1;
      return {
        ...state,
        mine,
        seq: id,
        check: {
          status: 'done',
          blocks,
          unreadable,
          work: {
            id,
            kind: 'check',
            who: work.who,
            delayMs: RECHECK_DELAYS_MS[attempt - 1]!,
            recheck: {...recheck, attempt, delayed: true},
          },
        },
      };
    }
    case 'checkFailed':
      return state.check.work?.id === action.id
        ? {...state, check: {status: 'error', error: action.error}}
        : state;
    case 'mineChecked':
      return state.mine.status === 'loading' && state.mine.work.id === action.id
        ? {...state, mine: {status: 'done', blocks: action.blocks}}
        : state;
    case 'mineFailed':
      return state.mine.status === 'loading' && state.mine.work.id === action.id
        ? {...state, mine: {status: 'error', error: action.error}}
        : state;
  }
}
