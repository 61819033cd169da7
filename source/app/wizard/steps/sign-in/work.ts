import type {Services} from '../../../../domain/services';
import {toParams} from './methods';
import type {SignInAction, SignInScreen, SignInWork} from './state';

/**
 * Runs a sign-in the screen's state asked for: one `services.signIn`, with the device code or the
 * browser page (if any) reported as it arrives; the outcome is dispatched with the work's id.
 */
export function signInRunner(deps: {
  services: Services;
  /** A resumed profile's AuthenticationRecord, so an interactive sign-in can be silent. */
  authenticationRecord?: string;
  dispatch: (action: SignInAction) => SignInScreen;
  onFinished: (screen: Extract<SignInScreen, {mode: 'finished'}>) => void;
}) {
  return async (work: SignInWork, signal: AbortSignal): Promise<void> => {
    const {services, dispatch, authenticationRecord} = deps;
    const {id} = work;
    try {
      const result = await services.signIn(
        work.method,
        {...toParams(work.values), ...(authenticationRecord ? {authenticationRecord} : {})},
        {
          onDeviceCode: (prompt) => {
            if (!signal.aborted) dispatch({type: 'prompt', id, prompt});
          },
          onBrowser: (prompt) => {
            if (!signal.aborted) dispatch({type: 'browser', id, prompt, at: Date.now()});
          },
        },
        signal,
      );
      if (signal.aborted) return;
      const next = dispatch({type: 'signedIn', id, result});
      if (next.mode === 'finished') deps.onFinished(next);
    } catch (err) {
      if (!signal.aborted)
        dispatch({type: 'failed', id, error: services.explainError(err, 'Sign in')});
    }
  };
}
