import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {AuthModeAction, AuthModeScreen} from './state';

const CHOOSING = ['back', 'up', 'down', 'keep', 'continue'] as const;
const CONFIRMING = ['confirm', 'deny', 'back'] as const;

/** The auth-mode keys as actions; each acts on the screen the keys before it left. */
export function useAuthModeKeys(options: {
  isActive: boolean;
  dispatch: (action: AuthModeAction) => AuthModeScreen;
  get: () => AuthModeScreen;
  onBack: () => void;
  /** Leave the screen: the mode was kept, or changed and the change is done. */
  onDone: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      const screen = options.get();
      if (screen.mode === 'changing') {
        // Esc stops waiting: the work is dropped (and aborted).
        if (bindingFor(['back'], input, key)) dispatch({type: 'cancel'});
        return;
      }
      if (screen.mode === 'failed') {
        if (bindingFor(['continue', 'back'], input, key)) dispatch({type: 'cancel'});
        return;
      }
      if (screen.mode === 'confirming') {
        if (bindingFor(CONFIRMING, input, key) === 'confirm') dispatch({type: 'confirm'});
        else if (bindingFor(CONFIRMING, input, key)) dispatch({type: 'cancel'});
        return;
      }
      if (screen.mode !== 'choosing') return;
      const act = (action: AuthModeAction) => {
        if (dispatch(action).mode === 'kept') options.onDone();
      };
      switch (bindingFor(CHOOSING, input, key)) {
        case 'back':
          return options.onBack();
        case 'up':
          return act({type: 'move', by: -1});
        case 'down':
          return act({type: 'move', by: 1});
        case 'keep':
          return act({type: 'keep'});
        case 'continue':
          return act({type: 'choose'});
      }
    },
    {isActive: options.isActive},
  );
}
