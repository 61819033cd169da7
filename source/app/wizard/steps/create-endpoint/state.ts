import type {
  AppError,
  AuthMode,
  CreateEndpointInput,
  OperationProgress,
} from '../../../../domain/types';
import {AUTH_MODES} from '../../../../domain/auth-mode';
import {endpointNameProblem} from '../../../../domain/validate';
import {applyEdit, type TextEdit} from '../../../components/text-field';

/** The new-endpoint form: its fields, the focused one, and whether it is being confirmed. */
export type Field = 'name' | 'authMode' | 'identity';
export const FIELDS: Field[] = ['name', 'authMode', 'identity'];
export const IDENTITIES: CreateEndpointInput['identityType'][] = ['SystemAssigned', 'None'];

interface Fields {
  name: string;
  authMode: AuthMode;
  identity: CreateEndpointInput['identityType'];
  focus: Field;
  /** Names already taken in the workspace (from the endpoint list), lower-cased. */
  taken: string[];
  /** The last work id, so a create after a failed one is new work. */
  lastId: number;
}

/** The create the form asks for; `useWork` runs it (see `./work.ts`). */
export interface CreateEndpointWork {
  id: number;
  name: string;
  authMode: AuthMode;
  identity: CreateEndpointInput['identityType'];
}

export type CreateEndpointForm = Fields &
  (
    | {mode: 'editing'}
    | {mode: 'confirming'}
    /** Azure is creating the endpoint; Esc stops waiting (the work is dropped). */
    | {mode: 'creating'; work: CreateEndpointWork; progress?: OperationProgress}
    /** Created: the wizard was told and moves on. */
    | {mode: 'created'; work: CreateEndpointWork; progress?: OperationProgress}
    /** The create failed: Enter or Esc goes back to the form. */
    | {mode: 'failed'; error: AppError}
  );

export type CreateEndpointAction =
  | {type: 'edit'; edit: TextEdit}
  | {type: 'focus'; by: 1 | -1}
  | {type: 'choose'; by: 1 | -1}
  | {type: 'submit'}
  | {type: 'confirm'}
  /** No to the confirmation, Esc while creating, or dismiss the error: the form is editable. */
  | {type: 'cancel'}
  | {type: 'progress'; id: number; progress: OperationProgress}
  | {type: 'created'; id: number}
  | {type: 'failed'; id: number; error: AppError};

export function initialForm(taken: string[] = []): CreateEndpointForm {
  return {
    mode: 'editing',
    name: '',
    authMode: 'key',
    identity: 'SystemAssigned',
    focus: 'name',
    taken: taken.map((t) => t.toLowerCase()),
    lastId: 0,
  };
}

const fields = ({name, authMode, identity, focus, taken, lastId}: CreateEndpointForm): Fields => ({
  name,
  authMode,
  identity,
  focus,
  taken,
  lastId,
});

/** What is wrong with the name: Azure's rules, then "already taken here" from the known list. */
export function nameProblem(form: CreateEndpointForm): string | undefined {
  const rule = endpointNameProblem(form.name);
  if (rule) return rule;
  return form.taken.includes(form.name.toLowerCase())
    ? `An endpoint named ${form.name} already exists in this workspace.`
    : undefined;
}

const cycle = <T>(list: readonly T[], current: T, by: number): T =>
  list[(list.indexOf(current) + by + list.length) % list.length]!;

export function createEndpointReducer(
  form: CreateEndpointForm,
  action: CreateEndpointAction,
): CreateEndpointForm {
  switch (action.type) {
    case 'edit':
      return form.mode === 'editing' && form.focus === 'name'
        ? {...form, name: applyEdit(form.name, action.edit)}
        : form;
    case 'focus':
      return form.mode === 'editing'
        ? {...form, focus: cycle(FIELDS, form.focus, action.by)}
        : form;
    case 'choose':
      if (form.mode !== 'editing') return form;
      if (form.focus === 'authMode')
        return {...form, authMode: cycle(AUTH_MODES, form.authMode, action.by)};
      if (form.focus === 'identity')
        return {...form, identity: cycle(IDENTITIES, form.identity, action.by)};
      return form;
    case 'submit':
      if (form.mode !== 'editing') return form;
      if (form.focus !== 'identity') return {...form, focus: cycle(FIELDS, form.focus, 1)};
      return nameProblem(form) ? {...form, focus: 'name'} : {...form, mode: 'confirming'};
    case 'confirm': {
      if (form.mode !== 'confirming') return form;
      const id = form.lastId + 1;
      const {name, authMode, identity} = form;
      return {
        ...fields(form),
        lastId: id,
        mode: 'creating',
        work: {id, name, authMode, identity},
      };
    }
    case 'cancel':
      return form.mode === 'confirming' || form.mode === 'creating' || form.mode === 'failed'
        ? {...fields(form), mode: 'editing'}
        : form;
    case 'progress':
      return form.mode === 'creating' && form.work.id === action.id
        ? {...form, progress: action.progress}
        : form;
    case 'created':
      return form.mode === 'creating' && form.work.id === action.id
        ? {...form, mode: 'created'}
        : form;
    case 'failed':
      return form.mode === 'creating' && form.work.id === action.id
        ? {...fields(form), mode: 'failed', error: action.error}
        : form;
  }
}
