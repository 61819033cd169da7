import {applyEdit, type TextEdit} from '../../../components/text-field';
import type {Profile} from '../../../profiles-port';

/** A change to the profile store a key asked for. */
export type StartWork =
  | {id: number; kind: 'rename'; from: string; to: string}
  | {id: number; kind: 'remove'; name: string};

interface Base {
  profiles: Profile[];
  /** What the last action did (renamed, deleted, a profile of another cloud…). */
  message?: string;
  /** The last change asked for (kept, so its id is never reused). */
  work?: StartWork;
}

/** The start screen: the profile list, renaming one, or confirming a delete. */
export type StartScreen =
  | (Base & {mode: 'list'})
  | (Base & {mode: 'renaming'; from: string; to: string})
  | (Base & {mode: 'deleting'; name: string});

export type StartAction =
  | {type: 'rename'; name: string}
  | {type: 'remove'; name: string}
  | {type: 'edit'; edit: TextEdit}
  /** Enter while renaming. */
  | {type: 'submit'}
  /** y while confirming a delete. */
  | {type: 'confirm'}
  /** Esc while renaming, n or Esc while confirming. */
  | {type: 'cancel'}
  | {type: 'message'; message: string}
  /** A change finished: the list as it is now (unless it failed), and what to say. */
  | {type: 'done'; id: number; profiles?: Profile[]; message: string};

export const initialStart = (profiles: Profile[]): StartScreen => ({mode: 'list', profiles});

const base = ({profiles, message, work}: StartScreen): Base => ({profiles, message, work});

/** One more than the last change's id, so a reducer stays pure. */
const nextId = (s: Base) => (s.work?.id ?? 0) + 1;

export function startReducer(state: StartScreen, action: StartAction): StartScreen {
  switch (action.type) {
    case 'rename':
      return state.mode === 'list'
        ? {...base(state), mode: 'renaming', from: action.name, to: action.name}
        : state;
    case 'remove':
      return state.mode === 'list' ? {...base(state), mode: 'deleting', name: action.name} : state;
    case 'edit':
      return state.mode === 'renaming' ? {...state, to: applyEdit(state.to, action.edit)} : state;
    case 'submit':
      if (state.mode !== 'renaming') return state;
      return {
        ...base(state),
        mode: 'list',
        work: {id: nextId(state), kind: 'rename', from: state.from, to: state.to.trim()},
      };
    case 'confirm':
      if (state.mode !== 'deleting') return state;
      return {
        ...base(state),
        mode: 'list',
        work: {id: nextId(state), kind: 'remove', name: state.name},
      };
    case 'cancel':
      return state.mode === 'list' ? state : {...base(state), mode: 'list'};
    case 'message':
      return {...state, message: action.message};
    case 'done':
      if (action.id !== state.work?.id) return state;
      return {...state, profiles: action.profiles ?? state.profiles, message: action.message};
  }
}
