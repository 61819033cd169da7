import type {Key} from 'ink';
import {useKeys} from '../../../hooks/use-keys';
import {bindingFor, typedText} from '../../../keymap';
import type {StartAction, StartScreen} from './state';

const LIST = ['rename', 'remove'] as const;
const RENAMING = ['back', 'submit', 'erase', 'clearField'] as const;
const DELETING = ['confirm', 'deny', 'back'] as const;

/**
 * The start screen's keys. The list's own keys go to the filter list; `onListKey` is its `onKey`.
 * Keys that arrive in the same write as ctrl+e or ctrl+d still reach the list's handler (the
 * field and the question are not drawn yet): they act on the latest mode (`get`), so
 * "ctrl+e, new name, Enter" in one write renames.
 */
export function useStartKeys(options: {
  isActive: boolean;
  dispatch: (action: StartAction) => StartScreen;
  get: () => StartScreen;
}): {onListKey: (input: string, key: Key, highlighted: string | undefined) => boolean} {
  const {dispatch, get} = options;
  /** A key of the renaming or deleting mode; `edits` when no text field takes the typing. */
  const modeKey = (input: string, key: Key, edits: boolean) => {
    const mode = get().mode;
    if (mode === 'renaming') {
      switch (bindingFor(RENAMING, input, key)) {
        case 'back':
          return void dispatch({type: 'cancel'});
        case 'submit':
          return void dispatch({type: 'submit'});
        case 'erase':
          if (edits) dispatch({type: 'edit', edit: {type: 'erase'}});
          return;
        case 'clearField':
          if (edits) dispatch({type: 'edit', edit: {type: 'clear'}});
          return;
        case undefined: {
          const text = typedText(input, key);
          if (edits && text) dispatch({type: 'edit', edit: {type: 'insert', text}});
        }
      }
    } else if (mode === 'deleting') {
      const b = bindingFor(DELETING, input, key);
      if (b === 'confirm') dispatch({type: 'confirm'});
      else if (b) dispatch({type: 'cancel'});
    }
  };
  useKeys((input, key) => modeKey(input, key, false), {isActive: options.isActive});
  return {
    onListKey: (input, key, highlighted) => {
      if (get().mode !== 'list') {
        modeKey(input, key, true);
        return true;
      }
      if (highlighted === undefined) return false;
      const b = bindingFor(LIST, input, key);
      if (b) dispatch({type: b, name: highlighted});
      return b !== undefined;
    },
  };
}
