import type {DeviceCodePrompt} from '../../../../domain/types';
import {useKeys} from '../../../hooks/use-keys';
import {bindingFor} from '../../../keymap';
import type {SignInAction, SignInScreen} from './state';

const FORM = ['back', 'nextField', 'prevField', 'submit'] as const;
const RUNNING = ['back', 'copyCode', 'openBrowser'] as const;
const BROWSER = ['back', 'copyUrl', 'useDeviceCode'] as const;
const FAILED = ['back', 'continue'] as const;
const SIGNED_IN = ['inspect', 'continue', 'back'] as const;

/**
 * The sign-in keys (the method list has its own) as actions. Each key acts on the screen the keys
 * before it left (`get`), so Enter Enter in one write moves two fields.
 */
export function useSignInKeys(options: {
  isActive: boolean;
  dispatch: (action: SignInAction) => SignInScreen;
  get: () => SignInScreen;
  onCopyCode: (prompt: DeviceCodePrompt) => void;
  onOpenBrowser: (prompt: DeviceCodePrompt) => void;
  /** The browser sign-in's URL to the clipboard. */
  onCopyUrl: (url: string) => void;
  /** The screen turned `finished`: tell the wizard. */
  onFinished: (screen: Extract<SignInScreen, {mode: 'finished'}>) => void;
  /** Signing in again: Esc leaves (the step under it comes back as it was). */
  onLeave: () => void;
}): void {
  useKeys(
    (input, key) => {
      const {dispatch} = options;
      const screen = options.get();
      if (screen.again && bindingFor(['back'], input, key)) return options.onLeave();
      switch (screen.mode) {
        case 'form':
          switch (bindingFor(FORM, input, key)) {
            case 'back':
              return void dispatch({type: 'back'});
            case 'nextField':
              return void dispatch({type: 'focus', by: 1});
            case 'prevField':
              return void dispatch({type: 'focus', by: -1});
            case 'submit':
              return void dispatch({type: 'submit'});
          }
          return;
        case 'running': {
          if (screen.browser) {
            const b = bindingFor(BROWSER, input, key);
            if (b === 'back') dispatch({type: 'back'});
            else if (b === 'useDeviceCode') dispatch({type: 'useDeviceCode'});
            else if (b === 'copyUrl') options.onCopyUrl(screen.browser.url);
            return;
          }
          const b = bindingFor(RUNNING, input, key);
          if (b === 'back') dispatch({type: 'back'});
          else if (b === 'copyCode' && screen.prompt) options.onCopyCode(screen.prompt);
          else if (b === 'openBrowser' && screen.prompt) options.onOpenBrowser(screen.prompt);
          return;
        }
        case 'failed': {
          const b = bindingFor(FAILED, input, key);
          if (b) dispatch({type: b});
          return;
        }
        case 'signedIn': {
          const b = bindingFor(SIGNED_IN, input, key);
          if (!b) return;
          const next = dispatch({type: b});
          if (next.mode === 'finished') options.onFinished(next);
          return;
        }
      }
    },
    {isActive: options.isActive},
  );
}
