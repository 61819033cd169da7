import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {SaveAction, SaveScreen} from './state';

const EDITING = ['back', 'submit'] as const;
const OVERWRITING = ['confirm', 'deny', 'back'] as const;

/** The save screen's keys as actions, each on the name the keys before it left. */
export function useSaveKeys(options: {
  isActive: boolean;
  dispatch: (action: SaveAction) => SaveScreen;
  get: () => SaveScreen;
  /** Whether another profile already has this name. */
  isTaken: (name: string) => boolean;
  onBack: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      const screen = options.get();
      if (screen.mode === 'overwriting') {
        const b = bindingFor(OVERWRITING, input, key);
        if (b === 'confirm') dispatch({type: 'confirm'});
        else if (b) dispatch({type: 'cancel'});
        return;
      }
      if (screen.mode !== 'editing') return;
      const b = bindingFor(EDITING, input, key);
      if (b === 'back') options.onBack();
      else if (b === 'submit') dispatch({type: 'submit', taken: options.isTaken(screen.name)});
    },
    {isActive: options.isActive},
  );
}
