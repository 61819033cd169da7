import {useEffect} from 'react';
import type {AccessTokenInfo} from '../../domain/types';
import type {Services} from '../../domain/services';
import {useEnv} from '../app-context';
import {useStore} from '../hooks/use-store';
import {useWork} from '../hooks/use-work';
import type {Action, WizardState} from './state';

/** How long a failed or unchanged refresh waits before it tries again. */
export const RETRY_MS = 60_000;

/** Asking the credential for a new management token; `useWork` runs it. */
export interface TokenRefreshWork {
  id: number;
  /** The expiry of the token being replaced: a token with the same one is no new token. */
  expiresOn: number;
}

/** The header token's refresh: the refresh running, or when to try again after one that did not help. */
export interface TokenRefreshState {
  work?: TokenRefreshWork;
  /** The last refresh of this token failed or brought the same token back: try again `at`. */
  retry?: {expiresOn: number; at: number};
  lastId: number;
}

export type TokenRefreshAction =
  /** The refresh time of the token (`expiresOn`) came. */
  | {type: 'due'; expiresOn: number}
  /** A new token arrived (the wizard was told). */
  | {type: 'refreshed'; id: number}
  /** The refresh failed or brought the same token: try again a minute after `at`. */
  | {type: 'retry'; id: number; at: number};

export const initialTokenRefresh = (): TokenRefreshState => ({lastId: 0});

export function tokenRefreshReducer(
  state: TokenRefreshState,
  action: TokenRefreshAction,
): TokenRefreshState {
  switch (action.type) {
    case 'due': {
      if (state.work) return state;
      const id = state.lastId + 1;
      return {...state, lastId: id, work: {id, expiresOn: action.expiresOn}};
    }
    case 'refreshed':
      return state.work?.id === action.id ? {lastId: state.lastId} : state;
    case 'retry':
      return state.work?.id === action.id
        ? {lastId: state.lastId, retry: {expiresOn: state.work.expiresOn, at: action.at + RETRY_MS}}
        : state;
  }
}

/**
 * When the token is due for a refresh: its refresh-after time (or five minutes before expiry),
 * or a minute after the last try that did not bring a new one.
 */
export function refreshDueAt(state: TokenRefreshState, token: AccessTokenInfo): number {
  if (state.retry?.expiresOn === token.expiresOn) return state.retry.at;
  return token.refreshAfter ?? token.expiresOn - 5 * 60_000;
}

/** Asks for a fresh token; a new one goes to the wizard, anything else is tried again later. */
export function tokenRefreshRunner(deps: {
  services: Services;
  dispatch: (action: TokenRefreshAction) => TokenRefreshState;
  onToken: (token: AccessTokenInfo) => void;
  /** No token can be had without signing in again: the header stops counting down. */
  onRefused?: () => void;
}) {
  return async ({id, expiresOn}: TokenRefreshWork, signal: AbortSignal): Promise<void> => {
    let token: AccessTokenInfo | undefined;
    try {
      token = await deps.services.managementToken(signal);
    } catch (err) {
      // The refresh is tried again; the header keeps the old token's countdown, unless only
      // signing in again can bring a new one.
      if (
        !signal.aborted &&
        deps.services.explainError(err, 'refresh the management token').signInAgain
      )
        deps.onRefused?.();
    }
    if (signal.aborted) return;
    if (token && token.expiresOn !== expiresOn) {
      deps.dispatch({type: 'refreshed', id});
      deps.onToken(token);
    } else deps.dispatch({type: 'retry', id, at: Date.now()});
  };
}

/**
 * Keeps the header's management token fresh: when it is due, the timer only says so ('due'), and
 * the refresh runs as work (MSAL serves the token from its cache or refreshes it).
 */
export function useManagementTokenRefresh(
  wizard: Pick<WizardState, 'managementToken' | 'session'>,
  dispatch: (action: Action) => void,
): void {
  const {services} = useEnv();
  const [state, refreshDispatch] = useStore(tokenRefreshReducer, initialTokenRefresh);
  const token = wizard.session !== undefined ? wizard.managementToken : undefined;
  const at = token ? refreshDueAt(state, token) : undefined;
  const expiresOn = token?.expiresOn;
  const running = state.work !== undefined;
  useEffect(() => {
    if (at === undefined || expiresOn === undefined || running) return;
    const timer = setTimeout(
      () => refreshDispatch({type: 'due', expiresOn}),
      Math.max(1000, at - Date.now()),
    );
    timer.unref?.();
    return () => clearTimeout(timer);
  }, [at, expiresOn, running, refreshDispatch]);
  useWork(
    state.work,
    tokenRefreshRunner({
      services,
      dispatch: refreshDispatch,
      onToken: (t) => dispatch({type: 'tokenRefreshed', token: t}),
      onRefused: () => dispatch({type: 'tokenRefused'}),
    }),
  );
}
