import type {AuthMode} from '../../../../domain/types';
import {AUTH_MODES} from '../../../../domain/auth-mode';

/** The auth-mode screen: which mode is highlighted, and whether a change is being confirmed. */
export type AuthModeScreen =
  | {mode: 'choosing'; cursor: number}
  | {mode: 'confirming'; cursor: number; to: AuthMode}
  | {mode: 'submitted'; cursor: number; to: AuthMode}
  /** Enter on the current mode, or `k`: nothing changes, the wizard moves on. */
  | {mode: 'kept'; cursor: number};

export type AuthModeAction =
  | {type: 'move'; by: 1 | -1}
  | {type: 'choose'}
  | {type: 'keep'}
  | {type: 'confirm'}
  | {type: 'cancel'}
  | {type: 'reopen'};

export function initialAuthMode(current: AuthMode): AuthModeScreen {
  return {mode: 'choosing', cursor: Math.max(0, AUTH_MODES.indexOf(current))};
}

export function authModeReducer(
  context: {current: AuthMode; managed: boolean},
  screen: AuthModeScreen,
  action: AuthModeAction,
): AuthModeScreen {
  switch (action.type) {
    case 'move':
      if (screen.mode !== 'choosing') return screen;
      return {
        ...screen,
        cursor: (screen.cursor + action.by + AUTH_MODES.length) % AUTH_MODES.length,
      };
    case 'keep':
      return screen.mode === 'choosing' ? {mode: 'kept', cursor: screen.cursor} : screen;
    case 'choose': {
      if (screen.mode !== 'choosing') return screen;
      const to = AUTH_MODES[screen.cursor]!;
      if (to === context.current) return {mode: 'kept', cursor: screen.cursor};
      // Kubernetes endpoints cannot use Entra tokens: the choice is shown, but not taken.
      if (to === 'aad_token' && !context.managed) return screen;
      return {mode: 'confirming', cursor: screen.cursor, to};
    }
    case 'confirm':
      return screen.mode === 'confirming' ? {...screen, mode: 'submitted'} : screen;
    case 'cancel':
      return screen.mode === 'confirming' ? {mode: 'choosing', cursor: screen.cursor} : screen;
    case 'reopen':
      return {mode: 'choosing', cursor: screen.cursor};
  }
}
