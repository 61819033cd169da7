import type {Key} from 'ink';
import type {ScoringCredential} from '../../../../domain/types';
import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import {currentCredential, type CredentialsAction, type CredentialsState} from './state';

const CONFIRMING = ['confirm', 'deny', 'back'] as const;
const COMMON = ['back', 'reveal2', 'exportView', 'copy', 'copyUri', 'copyCurl'] as const;
const KEY_MODE = [...COMMON, 'up', 'down', 'regenerate', 'refresh'] as const;
const TOKEN_MODE = [...COMMON, 'refresh', 'autoRefresh'] as const;

/**
 * The credentials screen's keys as actions. Each key acts on the state the keys before it left
 * (`get()`), so `g y` typed together regenerates, and ↓↓ comes back to the primary key.
 */
export function useCredentialsKeys(options: {
  isActive: boolean;
  dispatch: (action: CredentialsAction) => CredentialsState;
  get: () => CredentialsState;
  onBack: () => void;
  /** Copy a text to the clipboard; `what` names it in the note. */
  onCopy: (what: string, text: string) => void;
  /** Copy the curl command that scores with $DATA_PLANE_TOKEN. */
  onCopyCurl: () => void;
  scoringUri?: string;
  /** ↑/↓ changed the key shown: the wizard uses that one from now on. */
  onCredential: (credential: ScoringCredential) => void;
}): void {
  const handle = (input: string, key: Key) => {
    const {dispatch} = options;
    const state = options.get();
    if (state.mode === 'confirmingRegen') {
      const b = bindingFor(CONFIRMING, input, key);
      if (b === 'confirm') dispatch({type: 'confirm'});
      else if (b) dispatch({type: 'cancel'});
      return;
    }
    const b = bindingFor(state.authMode === 'key' ? KEY_MODE : TOKEN_MODE, input, key);
    switch (b) {
      case 'back':
        return options.onBack();
      case 'reveal2':
        return void dispatch({type: 'toggleReveal'});
      case 'exportView':
        return void dispatch({type: 'toggleExport'});
      case 'copy': {
        const current = currentCredential(state);
        if (current) options.onCopy('The credential', current.value);
        return;
      }
      case 'copyUri':
        if (options.scoringUri) options.onCopy('The scoring URI', options.scoringUri);
        return;
      case 'copyCurl':
        return options.onCopyCurl();
      case 'up':
      case 'down': {
        const shown = currentCredential(dispatch({type: 'otherKey'}));
        if (shown) options.onCredential(shown);
        return;
      }
      case 'regenerate':
        return void dispatch({type: 'askRegenerate'});
      case 'refresh':
        return void dispatch({type: 'refresh'});
      case 'autoRefresh':
        return void dispatch({type: 'toggleAutoRefresh'});
    }
  };
  useKeys(handle, {isActive: options.isActive});
}
