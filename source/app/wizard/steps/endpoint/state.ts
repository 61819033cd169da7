import type {AppError, Endpoint, OperationProgress} from '../../../../domain/types';

/** Waiting for an endpoint that is still Creating/Updating; `useWork` runs it (see `./work.ts`). */
export interface EndpointWaitWork {
  id: number;
  endpoint: Endpoint;
}

interface Shared {
  /** The endpoint highlighted in the list (its scoring URI is shown below it). */
  highlighted?: Endpoint;
  /** The last work id, so the next wait is new work even after one finished. */
  lastId: number;
}

/** The endpoint screen: the list (RemoteList's own state), or waiting for a busy endpoint. */
export type EndpointScreen = Shared &
  (
    | {mode: 'list'}
    /** Esc stops waiting (the work is dropped). */
    | {mode: 'waiting'; work: EndpointWaitWork; progress: OperationProgress}
    /** The wait failed: Enter or Esc goes back to the list. */
    | {mode: 'waitFailed'; error: AppError}
  );

export type EndpointAction =
  | {type: 'highlight'; endpoint?: Endpoint}
  /** Enter on an endpoint that is still Creating/Updating: wait for it first. */
  | {type: 'wait'; endpoint: Endpoint}
  | {type: 'progress'; id: number; progress: OperationProgress}
  | {type: 'waited'; id: number}
  | {type: 'failed'; id: number; error: AppError}
  /** Esc while waiting, or Enter/Esc on the error: back to the list. */
  | {type: 'cancel'};

export const initialEndpointScreen = (): EndpointScreen => ({mode: 'list', lastId: 0});

export const isBusy = (e: Endpoint): boolean =>
  e.provisioningState === 'Creating' || e.provisioningState === 'Updating';

const list = ({highlighted, lastId}: EndpointScreen): EndpointScreen => ({
  mode: 'list',
  lastId,
  ...(highlighted ? {highlighted} : {}),
});

export function endpointReducer(screen: EndpointScreen, action: EndpointAction): EndpointScreen {
  switch (action.type) {
    case 'highlight': {
      if (screen.highlighted === action.endpoint) return screen;
      const {highlighted: _old, ...rest} = screen;
      return action.endpoint ? {...rest, highlighted: action.endpoint} : rest;
    }
    case 'wait': {
      if (screen.mode !== 'list') return screen;
      const id = screen.lastId + 1;
      const {endpoint} = action;
      return {
        ...list(screen),
        mode: 'waiting',
        lastId: id,
        work: {id, endpoint},
        progress: {provisioningState: endpoint.provisioningState, elapsedMs: 0},
      };
    }
    case 'progress':
      return screen.mode === 'waiting' && screen.work.id === action.id
        ? {...screen, progress: action.progress}
        : screen;
    case 'waited':
      return screen.mode === 'waiting' && screen.work.id === action.id ? list(screen) : screen;
    case 'failed':
      return screen.mode === 'waiting' && screen.work.id === action.id
        ? {...list(screen), mode: 'waitFailed', error: action.error}
        : screen;
    case 'cancel':
      return screen.mode === 'list' ? screen : list(screen);
  }
}
