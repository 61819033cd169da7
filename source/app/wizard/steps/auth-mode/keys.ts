import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {AuthModeAction, AuthModeScreen} from './state';

const CHOOSING = ['back', 'up', 'down', 'keep', 'continue'] as const;
const CONFIRMING = ['confirm', 'deny', 'back'] as const;

/** The auth-mode keys as actions; each acts on the screen the keys before it left. */
export function useAuthModeKeys(options: {
  isActive: boolean;
  task: 'idle' | 'running' | 'error' | 'done';
  dispatch: (action: AuthModeAction) => AuthModeScreen;
  get: () => AuthModeScreen;
  onBack: () => void;
  /** Leave the screen: the mode was kept, or changed and the change is done. */
  onDone: () => void;
  onSubmitted: (screen: Extract<AuthModeScreen, {mode: 'submitted'}>) => void;
  onCancelTask: () => void;
  onDismissError: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      if (options.task === 'running') {
        if (bindingFor(['back'], input, key)) options.onCancelTask();
        return;
      }
      if (options.task === 'error') {
        if (bindingFor(['continue', 'back'], input, key)) options.onDismissError();
        return;
      }
      const act = (action: AuthModeAction) => {
        const next = dispatch(action);
        if (next.mode === 'kept') options.onDone();
        if (next.mode === 'submitted') options.onSubmitted(next);
      };
      switch (bindingFor([...CHOOSING, ...CONFIRMING], input, key)) {
        case 'back':
          // Esc cancels a confirmation first, and only then leaves the screen.
          if (options.get().mode === 'confirming') return act({type: 'cancel'});
          return options.onBack();
        case 'up':
          return act({type: 'move', by: -1});
        case 'down':
          return act({type: 'move', by: 1});
        case 'keep':
          return act({type: 'keep'});
        case 'continue':
          return act({type: 'choose'});
        case 'confirm':
          return act({type: 'confirm'});
        case 'deny':
          return act({type: 'cancel'});
      }
    },
    {isActive: options.isActive},
  );
}
