import type {AuthMode, CreateEndpointInput} from '../../../../domain/types';
import {AUTH_MODES} from '../../../../domain/auth-mode';
import {endpointNameProblem} from '../../../../domain/validate';
import {applyEdit, type TextEdit} from '../../../components/text-field';

/** The new-endpoint form: its fields, the focused one, and whether it is being confirmed. */
export type Field = 'name' | 'authMode' | 'identity';
export const FIELDS: Field[] = ['name', 'authMode', 'identity'];
export const IDENTITIES: CreateEndpointInput['identityType'][] = ['SystemAssigned', 'None'];

export interface CreateEndpointForm {
  mode: 'editing' | 'confirming' | 'submitted';
  name: string;
  authMode: AuthMode;
  identity: CreateEndpointInput['identityType'];
  focus: Field;
  /** Names already taken in the workspace (from the endpoint list), lower-cased. */
  taken: string[];
}

export type CreateEndpointAction =
  | {type: 'edit'; edit: TextEdit}
  | {type: 'focus'; by: 1 | -1}
  | {type: 'choose'; by: 1 | -1}
  | {type: 'submit'}
  | {type: 'confirm'}
  | {type: 'cancel'}
  /** The create finished or failed: the form is editable again. */
  | {type: 'reopen'};

export function initialForm(taken: string[] = []): CreateEndpointForm {
  return {
    mode: 'editing',
    name: '',
    authMode: 'key',
    identity: 'SystemAssigned',
    focus: 'name',
    taken: taken.map((t) => t.toLowerCase()),
  };
}

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
    case 'confirm':
      return form.mode === 'confirming' ? {...form, mode: 'submitted'} : form;
    case 'cancel':
      return form.mode === 'confirming' ? {...form, mode: 'editing'} : form;
    case 'reopen':
      return {...form, mode: 'editing'};
  }
}
