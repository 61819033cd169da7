import {applyEdit, type TextEdit} from '../../../components/text-field';

/** The save screen: the profile name being edited, an overwrite being confirmed, or saving. */
export interface SaveWork {
  id: number;
  kind: 'save';
  name: string;
}

interface Base {
  name: string;
  /** Why the last save failed. */
  error?: string;
  /** The last save asked for (kept, so its id is never reused). */
  work?: SaveWork;
}

export type SaveScreen =
  | (Base & {mode: 'editing'})
  | (Base & {mode: 'overwriting'})
  | (Base & {mode: 'saving'; work: SaveWork});

export type SaveAction =
  | {type: 'edit'; edit: TextEdit}
  /** Enter: `taken` when another profile already has the name. */
  | {type: 'submit'; taken: boolean}
  | {type: 'confirm'}
  | {type: 'cancel'}
  /** The save failed (with why), or had nothing to save. */
  | {type: 'failed'; id: number; error?: string};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function profileNameProblem(name: string): string | undefined {
  return NAME.test(name)
    ? undefined
    : '1–64 letters, digits, dots, hyphens or underscores, starting with a letter or digit.';
}

export const initialSave = (name: string): SaveScreen => ({mode: 'editing', name});

const save = (s: Base): SaveScreen => ({
  ...s,
  mode: 'saving',
  work: {id: (s.work?.id ?? 0) + 1, kind: 'save', name: s.name},
});

export function saveReducer(state: SaveScreen, action: SaveAction): SaveScreen {
  switch (action.type) {
    case 'edit':
      return state.mode === 'editing'
        ? {...state, name: applyEdit(state.name, action.edit)}
        : state;
    case 'submit':
      if (state.mode !== 'editing' || profileNameProblem(state.name)) return state;
      return action.taken ? {...state, mode: 'overwriting'} : save(state);
    case 'confirm':
      return state.mode === 'overwriting' ? save(state) : state;
    case 'cancel':
      return state.mode === 'overwriting' ? {...state, mode: 'editing'} : state;
    case 'failed':
      if (state.mode !== 'saving' || state.work.id !== action.id) return state;
      return {...state, mode: 'editing', error: action.error ?? state.error};
  }
}
