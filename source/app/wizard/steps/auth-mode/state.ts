import type {AppError, AuthMode, OperationProgress} from '../../../../domain/types';
import {AUTH_MODES} from '../../../../domain/auth-mode';

/** The change of mode the screen asks for; `useWork` runs it (see `./work.ts`). */
export interface AuthModeWork {
  id: number;
  to: AuthMode;
}

interface Shared {
  cursor: number;
  /** The mode this screen changed the endpoint to ("✓ Auth mode is now …" until the next change). */
  changed?: AuthMode;
  /** The last work id, so the next change is new work even after one finished. */
  lastId: number;
}

/** The auth-mode screen: which mode is highlighted, and where a change of mode is. */
export type AuthModeScreen = Shared &
  (
    | {mode: 'choosing'}
    | {mode: 'confirming'; to: AuthMode}
    /** The full update of the endpoint is running; Esc stops waiting for it. */
    | {mode: 'changing'; to: AuthMode; work: AuthModeWork; progress?: OperationProgress}
    /** The change failed: Enter or Esc dismisses the error. */
    | {mode: 'failed'; error: AppError}
    /** Enter on the current mode, or `k`: nothing changes, the wizard moves on. */
    | {mode: 'kept'}
  );

export type AuthModeAction =
  | {type: 'move'; by: 1 | -1}
  | {type: 'choose'}
  | {type: 'keep'}
  | {type: 'confirm'}
  /** No to the confirmation, Esc while changing (the work is dropped), or dismiss the error. */
  | {type: 'cancel'}
  | {type: 'progress'; id: number; progress: OperationProgress}
  | {type: 'changed'; id: number; authMode: AuthMode}
  | {type: 'failed'; id: number; error: AppError};

export function initialAuthMode(current: AuthMode): AuthModeScreen {
  return {mode: 'choosing', cursor: Math.max(0, AUTH_MODES.indexOf(current)), lastId: 0};
}

const choosing = ({cursor, changed, lastId}: AuthModeScreen): AuthModeScreen => ({
  mode: 'choosing',
  cursor,
  lastId,
  ...(changed ? {changed} : {}),
});

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
      return screen.mode === 'choosing' ? {...choosing(screen), mode: 'kept'} : screen;
    case 'choose': {
      if (screen.mode !== 'choosing') return screen;
      const to = AUTH_MODES[screen.cursor]!;
      // A change made here is the current mode, even before the wizard passes the new endpoint.
      if (to === (screen.changed ?? context.current)) return {...choosing(screen), mode: 'kept'};
      // Kubernetes endpoints cannot use Entra tokens: the choice is shown, but not taken.
      if (to === 'aad_token' && !context.managed) return screen;
      return {...choosing(screen), mode: 'confirming', to};
    }
    case 'confirm': {
      if (screen.mode !== 'confirming') return screen;
      const id = screen.lastId + 1;
      return {
        mode: 'changing',
        cursor: screen.cursor,
        lastId: id,
        to: screen.to,
        work: {id, to: screen.to},
      };
    }
    case 'cancel':
      return screen.mode === 'confirming' || screen.mode === 'changing' || screen.mode === 'failed'
        ? choosing(screen)
        : screen;
    case 'progress':
      return screen.mode === 'changing' && screen.work.id === action.id
        ? {...screen, progress: action.progress}
        : screen;
    case 'changed':
      return screen.mode === 'changing' && screen.work.id === action.id
        ? {...choosing(screen), changed: action.authMode}
        : screen;
    case 'failed':
      return screen.mode === 'changing' && screen.work.id === action.id
        ? {mode: 'failed', cursor: screen.cursor, lastId: screen.lastId, error: action.error}
        : screen;
  }
}
