import type {Key} from 'ink';
import {useKeys} from '../../hooks/use-keys';
import {bindingFor, matches, typedText} from '../../keymap';
import type {FilterListAction, FilterListState} from './state';

const LIST_KEYS = [
  'select',
  'back',
  'up',
  'down',
  'pageUp',
  'pageDown',
  'first',
  'last',
  'erase',
] as const;

/**
 * The list's keys as actions. `onKey` sees each key first (a screen's own shortcuts); Enter and
 * Esc act on the state the keys before them left (`get`), never on the last frame's.
 */
export function useFilterListKeys(options: {
  isActive: boolean;
  rows: number;
  dispatch: (action: FilterListAction) => FilterListState;
  get: () => FilterListState;
  onSelect: () => void;
  onBack?: () => void;
  onKey?: (input: string, key: Key) => boolean;
}): void {
  useKeys(
    (input, key) => {
      if (options.onKey?.(input, key)) return;
      const {dispatch, rows} = options;
      switch (bindingFor(LIST_KEYS, input, key)) {
        case 'select':
          return options.onSelect();
        case 'back':
          if (options.get().filter) dispatch({type: 'clearFilter'});
          else options.onBack?.();
          return;
        case 'up':
          return void dispatch({type: 'move', by: -1});
        case 'down':
          return void dispatch({type: 'move', by: 1});
        case 'pageUp':
          return void dispatch({type: 'move', by: -rows});
        case 'pageDown':
          return void dispatch({type: 'move', by: rows});
        case 'first':
          return void dispatch({type: 'moveTo', to: 'first'});
        case 'last':
          return void dispatch({type: 'moveTo', to: 'last'});
        case 'erase':
          return void dispatch({type: 'erase'});
        case undefined:
          if (matches('filter', input, key)) dispatch({type: 'type', text: typedText(input, key)!});
      }
    },
    {isActive: options.isActive},
  );
}
